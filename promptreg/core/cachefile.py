"""The JSON files under `.promptreg/cache/`: read once, written once, never trusted blindly.

Every cache (lint results, history summaries) is one file holding a format number, a
fingerprint of what its entries depend on, and the entries. A file that is missing,
corrupt, of another format or another fingerprint reads as empty; a file that cannot
be written is skipped, since a cache is never required. The folder carries its own
`.gitignore`, so it is never committed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from promptreg.core.fs import atomic_write

IGNORE_ALL = "# Written by promptreg: a local cache, never committed.\n*\n"


def read_entries(path: Path, format_version: int, fingerprint: str) -> dict[str, Any]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("format") == format_version and stored.get("fingerprint") == fingerprint:
            entries = stored["entries"]
            if isinstance(entries, dict):
                return entries
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}


def write_entries(
    path: Path, format_version: int, fingerprint: str, entries: dict[str, Any]
) -> bool:
    """Write atomically; False when the cache could not be written (and nothing broke)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, IGNORE_ALL)
        payload = {"format": format_version, "fingerprint": fingerprint, "entries": entries}
        atomic_write(path, json.dumps(payload, separators=(",", ":")))
    except OSError:
        return False
    return True
