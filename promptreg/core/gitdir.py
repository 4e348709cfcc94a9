"""Whether a folder can lie inside a git repository, answered without git.

promptreg.git.gitio asks this before it starts a git process, and the lint session
before it imports the git layer at all: outside a repository (a registry in a plain
folder, a test's temporary one) the git modules and `subprocess` cost a one-file lint
about 4 ms of start-up for an answer this gives with a few `lstat` calls.
"""

from __future__ import annotations

import os
from pathlib import Path


def may_be_in_repository(start: Path) -> bool:
    """Whether a `.git` entry stands in `start` or above it: without one, git (given no
    GIT_DIR and no implicit bare repositories) finds nothing, and asking it costs a
    process, as much as the rest of a one-file lint outside a repository. Looked for
    above the folder's real path, as git does: a folder reached through a link lies in
    the repository its target is in, whatever stands above the link."""
    folder = Path(os.path.realpath(start))
    return any(os.path.lexists(parent / ".git") for parent in (folder, *folder.parents))
