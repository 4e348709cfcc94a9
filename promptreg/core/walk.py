"""One pass over a registry folder: its prompt files and its symbolic links.

Both lists come from a single `os.scandir` walk that never follows a link: a linked
folder is reported (F013), not entered, so what lint reads is what the SDK may serve.
The walk asks the directory entries' own types, which cost no system call per file on
the file systems that report them, where `os.walk` plus `Path.is_symlink` and
`Path.is_file` cost two or three per file.
"""

from __future__ import annotations

import os
from pathlib import Path

from promptreg.core.names import PROMPT_SUFFIX


def walk_registry(directory: Path) -> tuple[list[Path], list[Path]]:
    """(prompt files, symbolic links) below `directory`, each sorted; neither list
    follows a link, and a folder that cannot be read is skipped as `os.walk` does."""
    files: list[Path] = []
    links: list[Path] = []
    pending = [os.fspath(directory)]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    if entry.is_symlink():
                        links.append(Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(PROMPT_SUFFIX) and entry.is_file(
                        follow_symlinks=False
                    ):
                        files.append(Path(entry.path))
                except OSError:
                    continue  # vanished while we looked: as if it had never been there
    return sorted(files), sorted(links)
