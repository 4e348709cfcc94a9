"""What `promptreg lint` was asked to check, refused before linting when it cannot be.

A newcomer's first `promptreg lint legacy/` on a folder of `.prompty` files must not say
"All checks passed (0 files)": that reads as approval. A path that does not exist, a
folder with no prompt files and a file that is not a prompt file are usage errors
(exit 2) that say what was looked for, and point at `promptreg import` when an
importer takes the files found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from promptreg.core.config import CONFIG_NAME
from promptreg.core.errors import UsageError
from promptreg.core.loader import PROMPT_SUFFIX
from promptreg.core.paths import relative_path
from promptreg.core.paths import shown_path as shown_path

_WANTED = f"prompt files (*{PROMPT_SUFFIX}) or {CONFIG_NAME}"
_IGNORED_DIRS = frozenset({".git", ".promptreg", "node_modules", ".venv", "__pycache__"})
_MAX_SCANNED = 10_000
"""Files looked at when a folder holds no prompt file (a hint, not a walk of a disk)."""


def is_lint_target(path: Path) -> bool:
    """A file the linter reads: a prompt file or a promptreg.yaml."""
    return path.name.endswith(PROMPT_SUFFIX) or path.name == CONFIG_NAME


def check_lint_paths(paths: Sequence[Path]) -> None:
    """Raise UsageError for the first path that names nothing lintable, and when the
    folders given hold no prompt file at all."""
    for path in paths:
        shown = relative_path(path)
        if not path.exists():
            raise UsageError(
                f"{shown}: no such file or directory",
                hint=f"give {_WANTED}, or folders that hold them",
            )
        if path.is_file() and not is_lint_target(path):
            raise UsageError(
                f"{shown} is not a prompt file: promptreg lints {_WANTED}",
                hint=_import_hint([path]) or f"rename it to <name>{PROMPT_SUFFIX} if it is one",
            )
    directories = [path for path in paths if path.is_dir()]
    if directories and not any(_holds_prompts(path) for path in directories):
        where = ", ".join(relative_path(path) for path in directories)
        convertible = _convertible(directories)
        raise UsageError(
            f"no prompt files (*{PROMPT_SUFFIX}) in {where}",
            hint=_import_hint(convertible)
            or f"prompt files are named <name>{PROMPT_SUFFIX}; `promptreg new` scaffolds one",
        )


def _holds_prompts(directory: Path) -> bool:
    return any(path.is_file() for path in directory.rglob(f"*{PROMPT_SUFFIX}"))


def _convertible(directories: Iterable[Path]) -> list[Path]:
    from promptreg.importers.catalogue import claims  # only on this error path

    found: list[Path] = []
    scanned = 0
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if _IGNORED_DIRS.intersection(path.parts) or not path.is_file():
                continue
            scanned += 1
            if scanned > _MAX_SCANNED:
                return found
            if claims(path):
                found.append(path)
    return found


def _import_hint(paths: Sequence[Path]) -> str | None:
    from promptreg.importers.catalogue import claims  # only on this error path

    convertible = [path for path in paths if claims(path)]
    if not convertible:
        return None
    first = relative_path(convertible[0])
    more = len(convertible) - 1
    others = f" and {more} more file{'s' if more != 1 else ''}" if more else ""
    target = relative_path(convertible[0].parent) if more else first
    return (
        f"`promptreg import {target}` converts {first}{others} into draft prompt files "
        "(docs/import.md)"
    )
