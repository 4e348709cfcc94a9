"""Where an approval of unknown content came from: the prompt it was copied from.

G012's message names the other prompt whose content (or approval) has the hash, which
tells a reviewer at once what happened. A module of its own because it reads the whole
registry, which the rest of provenance never does.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.hashing import content_hash
from promptreg.core.tree import prompt_files
from promptreg.core.yamlio import read_document
from promptreg.git.repo import Repository


def shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def match_elsewhere(approved: str, settings: Settings, path: Path, repo: Repository) -> str:
    """The words ", but it matches …" when another prompt has that content or approval.

    The index of the registry is read once per Repository, and only when an approval
    names unknown content, which is rare.
    """
    directory = settings.registry_dir
    index = repo.memo(("registry-index", directory), lambda: _registry_index(directory))
    me = path.resolve()
    for other, name in index.get(approved, ()):
        if other != me:
            return f", but it matches prompt {name} ({shown(other, settings.root)})"
    return ""


def _registry_index(directory: Path) -> dict[str, list[tuple[Path, str]]]:
    """Content hash -> the prompts that have that content or an approval of it."""
    index: dict[str, list[tuple[Path, str]]] = {}
    for other in prompt_files(directory):
        value: Any = read_document(other).value
        if not isinstance(value, dict):
            continue
        name = f"{value.get('id', other.name)} {value.get('version', '')}".strip()
        where = (other.resolve(), name)
        with contextlib.suppress(TypeError, ValueError):
            index.setdefault(content_hash(value), []).append(where)
        for item in value.get("approvals") or ():
            if isinstance(item, dict) and isinstance(item.get("content_hash"), str):
                index.setdefault(item["content_hash"], []).append(where)
    return index
