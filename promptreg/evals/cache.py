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

Beside the answers, the render memo (promptreg.evals.memo): for each work item's memo
key, the cache key its request had when it was last rendered, sealed the same way; a
re-run finds a cached answer through it without rendering the request. The parse cache
(promptreg.evals.parsed) keeps its own table in the same file.

A run opened with `enabled=False` (`--no-cache`) neither reads nor writes. A cache that
cannot be opened or written is skipped with a note, since no run depends on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.core.cachefile import IGNORE_ALL, linked_cache_folder, local_key
from promptreg.core.fs import atomic_write
from promptreg.core.hashing import canonical_json

CACHE_NAME = "evals.sqlite"
_FLUSH_EVERY = 200
_LOOKUP_CHUNK = 500
"""Keys per SELECT ... IN (...): below SQLite's oldest default limit of 999 variables."""
_SEAL_CHARS = 64


def cache_key(base_url: str, api: str, request: Mapping[str, Any], repeat: int) -> str:
    return cache_keys(base_url, api, request, repeat + 1)[repeat]


def cache_keys(base_url: str, api: str, request: Mapping[str, Any], repeats: int) -> list[str]:
    """The keys of repeats 0 .. repeats-1 of one request: the digest of the canonical
    JSON of {"api", "endpoint", "repeat", "request"}, the request serialised once."""
    head = f'{{"api":{canonical_json(api)},"endpoint":{canonical_json(base_url)},"repeat":'
    tail = f',"request":{canonical_json(request)}}}'.encode()
    head_bytes = head.encode()
    return [
        hashlib.sha256(head_bytes + str(repeat).encode() + tail).hexdigest()
        for repeat in range(repeats)
    ]


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    text: str
    model: str | None
    usage: Mapping[str, int]
    latency_ms: float | None
    """None for answers from a batch, which has no per-request time."""
    answered_at: str


def connect(directory: Path) -> sqlite3.Connection:
    """The cache database in `directory`, made with the folder's .gitignore if need be.

    OSError where a pull request could aim the writes elsewhere: the database or its
    journal files (`-wal`, `-shm`) committed as links, or a linked folder on the way
    from `.promptreg` (SQLite follows a link, and would create the file at its target).
    """
    path = directory / CACHE_NAME
    linked = [file for file in _files(directory) if file.is_symlink()]
    if linked or linked_cache_folder(path):
        where = linked[0] if linked else f"a folder on the way to {directory}"
        raise OSError(f"{where} is a symbolic link; the cache is not written through it")
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():  # this may be the first file in the folder (a dry run)
        atomic_write(ignore, IGNORE_ALL)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    return db


class ResponseCache:
    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.path = directory / CACHE_NAME
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str]] = []
        self._remembered: list[tuple[str, str, str]] = []
        # Read once: looking the key up again for each of 100,000 rows (its path, the
        # home folder) cost more than the rows themselves.
        self._key = local_key() if enabled else None
        if enabled and self._key is None:
            self.problem = "response cache not used (no private key for sealing it)"
        elif enabled:
            try:
                self._db = connect(directory)
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, body TEXT NOT NULL)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS rendered"
                    " (memo TEXT PRIMARY KEY, key TEXT NOT NULL, seal TEXT NOT NULL)"
                )
            except (OSError, sqlite3.Error) as exc:
                self.problem = f"response cache not used ({self.path}: {exc})"
                self._db = None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> CachedAnswer | None:
        return self.get_many((key,)).get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedAnswer]:
        """The answers cached for `keys` (misses are absent), read in a few statements
        rather than one per key."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, CachedAnswer] = {}
        try:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))  # only placeholders: the keys are bound
                query = f"SELECT key, body FROM answers WHERE key IN ({marks})"  # noqa: S608
                rows = self._db.execute(query, chunk).fetchall()
                for key, text in rows:
                    answer = self._read(key, text)
                    if answer is not None:
                        found[key] = answer
        except sqlite3.Error:
            return found
        return found

    def recall(self, memos: Iterable[str]) -> dict[str, tuple[str, CachedAnswer]]:
        """For each memo key (memo.memo_key) whose request was rendered here before and
        answered: its cache key and the answer. Each memo row is sealed like an answer,
        so a row this machine did not write reads as a miss."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(memo for memo in memos if memo))
        found: dict[str, tuple[str, CachedAnswer]] = {}
        try:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))  # only placeholders: the keys are bound
                query = (
                    "SELECT r.memo, r.key, r.seal, a.body FROM rendered r"  # noqa: S608
                    f" JOIN answers a ON a.key = r.key WHERE r.memo IN ({marks})"
                )
                for memo, key, seal, text in self._db.execute(query, chunk).fetchall():
                    if not isinstance(key, str) or not isinstance(seal, str):
                        continue
                    if not hmac.compare_digest(self._memo_seal(memo, key), seal):
                        continue
                    answer = self._read(key, text)
                    if answer is not None:
                        found[memo] = (key, answer)
        except sqlite3.Error:
            return found
        return found

    def remember(self, memo: str, key: str) -> None:
        """Note that the request of memo key `memo` has cache key `key` (written with the
        next flush of answers)."""
        if self._db is None or not memo:
            return
        self._remembered.append((memo, key, self._memo_seal(memo, key)))
        if len(self._remembered) >= _FLUSH_EVERY * 5:
            self.flush()

    def _memo_seal(self, memo: str, key: str) -> str:
        assert self._key is not None
        data = b"rendered\0" + memo.encode() + b"\0" + key.encode()
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def _read(self, key: str, text: object) -> CachedAnswer | None:
        if not isinstance(text, str):
            return None
        body = self._unseal(key, text)
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

    def _tag(self, key: str, body: str) -> str:
        """The seal of promptreg.core.cachefile (`seal`), made with the key read once:
        HMAC-SHA256 of the row's key, a NUL and the body."""
        assert self._key is not None
        data = key.encode() + b"\0" + body.encode("utf-8")
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def _unseal(self, key: str, text: str) -> str | None:
        tag, newline, body = text.partition("\n")
        if not newline or len(tag) != _SEAL_CHARS or self._key is None:
            return None
        return body if hmac.compare_digest(self._tag(key, body), tag) else None

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
        text = json.dumps(body, separators=(",", ":"))
        self._pending.append((key, f"{self._tag(key, text)}\n{text}"))
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not (self._pending or self._remembered):
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO answers (key, body) VALUES (?, ?)", self._pending
                )
                self._db.executemany(
                    "INSERT OR REPLACE INTO rendered (memo, key, seal) VALUES (?, ?, ?)",
                    self._remembered,
                )
        except sqlite3.Error as exc:
            self.problem = f"response cache not written ({exc})"
        self._pending.clear()
        self._remembered.clear()

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
