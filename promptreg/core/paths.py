"""How a file's path is shown: relative to the working directory when it lies below it.

Every reporter and `promptreg check` name files the same way, so that a path printed by
one of them can be pasted into another, an editor or a CI annotation.
"""

from __future__ import annotations

import os
from pathlib import Path


def relative_path(path: Path, cwd: Path | None = None) -> str:
    """`path` relative to `cwd` (default: the working directory) in POSIX form when it
    lies below it; otherwise absolute, in POSIX form. A relative path with the default
    `cwd` is relative to it already and is returned as given."""
    if cwd is None and not path.is_absolute():
        return path.as_posix()
    base = cwd if cwd is not None else Path.cwd()
    absolute = path.absolute()
    for candidate, root in ((absolute, base.absolute()), (absolute.resolve(), base.resolve())):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return absolute.as_posix()


def shown_path(path: Path) -> Path:
    """How a finding names its file: relative to the working directory, with `..` when
    the file lies outside it, so text and JSON name files as every other format does
    whether the registry was found, configured or given on the command line."""
    return Path(shown_name(path))


def shown_name(path: Path | str) -> str:
    """`str(shown_path(path))`, without making a Path in the common case (a file below
    the working directory): the cached answer prints thousands of names."""
    text = os.path.normpath(os.path.abspath(path))  # noqa: PTH100 (no resolve: links stay)
    here = os.getcwd()  # noqa: PTH109 (strings: no Path per finding)
    if text.startswith(here + os.sep):  # the common case: normalised already
        return text[len(here) + 1 :]
    shown = relative_path(Path(text))
    if Path(shown).is_absolute():
        shown = os.path.relpath(path)
    return str(Path(shown))
