"""The response cache: each answer the endpoint gave, keyed by exactly what was asked.

One SQLite file, `.promptreg/cache/evals.sqlite` (the folder's `.gitignore` keeps it out
of git). The key is a digest of the endpoint's address, the API, the full request body
(model as the endpoint knows it, messages, parameters) and the repeat index, so a
changed message, another model, another server or the second of three repeats never
gets an answer given to something else. Entries are about 1 KB plus the answer's text
and are never evicted: `promptreg test` prints the file's size after a run, and
`promptreg test --clear-cache` deletes it.

Each row is sealed with this user's key (promptreg.core.cachefile), its own key part of
the seal: a file committed to the repository, or a row copied from one request to
another, reads as a miss, so no answer reaches a run that this machine did not record.

A run opened with `enabled=False` (`--no-cache`) neither reads nor writes. A cache that
cannot be opened or written is skipped with a note, since no run depends on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.core.cachefile import IGNORE_ALL, local_key, seal_text, unseal_text
from promptreg.core.fs import atomic_write
from promptreg.core.hashing import canonical_json

CACHE_NAME = "evals.sqlite"
_FLUSH_EVERY = 200


def cache_key(base_url: str, api: str, request: Mapping[str, Any], repeat: int) -> str:
    payload = canonical_json(
        {"endpoint": base_url, "api": api, "request": request, "repeat": repeat}
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    text: str
    model: str | None
    usage: Mapping[str, int]
    latency_ms: float | None
    """None for answers from a batch, which has no per-request time."""
    answered_at: str


class ResponseCache:
    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.path = directory / CACHE_NAME
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []
        if enabled and local_key() is None:
            self.problem = "response cache not used (no private key for sealing it)"
        elif enabled:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                ignore = directory / ".gitignore"
                if not ignore.exists():
                    atomic_write(ignore, IGNORE_ALL)
                self._db = sqlite3.connect(self.path, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, body TEXT NOT NULL)"
                )
            except (OSError, sqlite3.Error) as exc:
                self.problem = f"response cache not used ({self.path}: {exc})"
                self._db = None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> CachedAnswer | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT body FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not isinstance(row[0], str):
            return None
        body = unseal_text(key, row[0])
        if body is None:
            return None  # not recorded here: committed, copied or edited
        try:
            data = json.loads(body)
            return CachedAnswer(
                str(data["text"]),
                data.get("model"),
                {k: int(v) for k, v in data.get("usage", {}).items()},
                None if data["latency_ms"] is None else float(data["latency_ms"]),
                str(data["answered_at"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # an entry this version cannot read is a miss, never an error

    def put(self, key: str, answer: CachedAnswer) -> None:
        if self._db is None:
            return
        body = {
            "text": answer.text,
            "model": answer.model,
            "usage": dict(answer.usage),
            "latency_ms": answer.latency_ms,
            "answered_at": answer.answered_at,
        }
        sealed = seal_text(key, json.dumps(body, separators=(",", ":")))
        if sealed is None:
            return
        self._pending.append((key, sealed))
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO answers (key, body) VALUES (?, ?)", self._pending
                )
        except sqlite3.Error as exc:
            self.problem = f"response cache not written ({exc})"
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def size(self) -> int:
        return cache_size(self.path.parent)


def _files(directory: Path) -> list[Path]:
    return [directory / f"{CACHE_NAME}{suffix}" for suffix in ("", "-wal", "-shm")]


def cache_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in _files(directory) if p.exists())


def clear_cache(directory: Path) -> int:
    """Delete the response cache; the bytes freed."""
    freed = cache_size(directory)
    for path in _files(directory):
        path.unlink(missing_ok=True)
    return freed
