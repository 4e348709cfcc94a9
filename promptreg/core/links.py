"""Symbolic links below the registry folder, which nothing reads through (F013).

One answer for every reader: the walker (promptreg.core.tree) leaves links out and
reports them, lint makes each an F013 finding, and the lookup by id refuses a path that
goes through one. Names are looked at as given, never resolved, so a link is seen
rather than followed, whether it points inside the registry, outside it, or nowhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from promptreg.core.errors import Problem
from promptreg.core.location import Location


def link_on_the_way(path: Path, registry_dir: Path) -> Path | None:
    """The first symbolic link among the parts of `path` below `registry_dir` (the file
    itself included), or `path` when it is a link anywhere; None when there is none.

    Read from the names as given, not resolved, so a link is seen, not followed.
    """
    absolute, top = _absolute(path), _absolute(registry_dir).rstrip(os.sep)
    if absolute != top and not absolute.startswith(top + os.sep):
        return path if os.path.islink(path) else None  # noqa: PTH114
    current = top
    for part in absolute[len(top) + 1 :].split(os.sep) if absolute != top else ():  # noqa: PTH206
        current = f"{current}{os.sep}{part}"
        if os.path.islink(current):  # noqa: PTH114
            return Path(current)
    return None


def _absolute(path: Path) -> str:
    """`path` made absolute as a string, `..` kept: collapsing `link/..` would hide the
    link the system follows to get there (strings: this runs once per file linted)."""
    text = os.fspath(path)
    if os.path.isabs(text):  # noqa: PTH117
        return text
    return os.path.join(os.getcwd(), text)  # noqa: PTH118,PTH109


def link_problem(link: Path) -> Problem:
    target = link.readlink() if link.is_symlink() else "?"
    return Problem(
        "F013",
        f"{link} is a symbolic link (to {target}); the registry holds regular files "
        "only, so nothing is read through it",
        Location(link),
    )
