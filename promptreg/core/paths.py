"""How a file's path is shown: relative to the working directory when it lies below it.

Every reporter and `promptreg check` name files the same way, so that a path printed by
one of them can be pasted into another, an editor or a CI annotation.
"""

from __future__ import annotations

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
