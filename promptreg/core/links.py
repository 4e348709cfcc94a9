"""Symbolic links below the registry folder, which nothing reads through (F013).

One answer for every reader: the walker (promptreg.core.tree) leaves links out and
reports them, lint makes each an F013 finding, and the lookup by id refuses a path that
goes through one. Names are looked at as given, never resolved, so a link is seen
rather than followed, whether it points inside the registry, outside it, or nowhere.
"""

from __future__ import annotations

from pathlib import Path

from promptreg.core.errors import Problem
from promptreg.core.location import Location


def link_on_the_way(path: Path, registry_dir: Path) -> Path | None:
    """The first symbolic link among the parts of `path` below `registry_dir` (the file
    itself included), or `path` when it is a link anywhere; None when there is none.

    Read from the names as given, not resolved, so a link is seen, not followed.
    """
    absolute = path.absolute()
    top = registry_dir.absolute()
    try:
        parts = absolute.relative_to(top).parts
    except ValueError:
        return path if path.is_symlink() else None
    current = top
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def link_problem(link: Path) -> Problem:
    target = link.readlink() if link.is_symlink() else "?"
    return Problem(
        "F013",
        f"{link} is a symbolic link (to {target}); the registry holds regular files "
        "only, so nothing is read through it",
        Location(link),
    )
