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
    files, links = walk_names(directory)
    return [Path(name) for name in files], [Path(name) for name in links]


def _parts(name: str) -> list[str]:
    """The sort key that orders names as their Paths sort (by parts, `.` dropped): the
    names share the walk's root, so what differs between them is parts Path keeps."""
    return [part for part in name.split(os.sep) if part and part != "."]  # noqa: PTH206


def walk_names(directory: Path | str) -> tuple[list[str], list[str]]:
    """`walk_registry` as names: the cached answer of a large registry needs no Path
    per file (2,000 of them and their sorting cost more than the rest of its walk)."""
    files: list[str] = []
    links: list[str] = []
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
                        links.append(entry.path)
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(PROMPT_SUFFIX) and entry.is_file(
                        follow_symlinks=False
                    ):
                        files.append(entry.path)
                except OSError:
                    continue  # vanished while we looked: as if it had never been there
    return sorted(files, key=_parts), sorted(links, key=_parts)
