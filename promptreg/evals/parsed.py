"""The parse cache: a prompt file's values, kept from the last run that read those bytes.

Parsing and checking the prompt files was the largest part of a cached re-run (of
10,000 cases in 100 files, about 0.7 s of 2.5). A run reads each selected file anyway;
with the response cache on, it looks the file's bytes up here first, and for bytes it
has read before it takes the values (marshal, a tenth of the parse) instead of parsing
and checking them again. Only files that loaded without a problem are kept, so a file
with a problem is parsed every time and reports it as before.

The key is a digest of the file's bytes and of the code that turns bytes into values
and checks them (the YAML reader, the schema checks, the spec model, the packaged
schemas, PyYAML's and jsonschema's versions): the same bytes through the same code
give the same values and the same verdict, so a hit is what parsing would give. Each
row is sealed with this user's key like the answers (marshal must never read bytes it
did not write), in the response cache's file (`parsed` table); `--no-cache` neither
reads nor writes it, `--clear-cache` deletes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import sqlite3
from pathlib import Path

from promptreg.core.cachefile import local_key
from promptreg.core.document import Document
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.model import build_spec
from promptreg.core.schema import schema_dir
from promptreg.core.yamlio import decode
from promptreg.evals.cache import connect
from promptreg.evals.memo import source_digest

_PACKAGE = Path(__file__).resolve().parents[1]
_SOURCES = (
    "core/document.py",
    "core/fastschema.py",
    "core/loader.py",
    "core/model.py",
    "core/schema.py",
    "core/yamlio.py",
    "evals/parsed.py",
)
_LIBRARIES = ("yaml", "jsonschema")
_FLUSH_EVERY = 50


def parser_identity(package: Path = _PACKAGE) -> str:
    """The digest of the code and schemas that read a prompt file; "" turns the cache off."""
    try:
        schemas = sorted(schema_dir().glob("*.json"))
    except OSError:
        return ""
    files = [*(package / name for name in _SOURCES), *schemas]
    return source_digest("parsed", files, _LIBRARIES)


class ParseCache:
    """Opened for one run; `load` stands in for `load_prompt(path, positions=False)`."""

    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, bytes]] = []
        self._key = local_key() if enabled else None
        self._identity = parser_identity() if self._key is not None else ""
        if not self._identity:
            return
        try:
            self._db = connect(directory)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS parsed"
                " (digest TEXT PRIMARY KEY, seal TEXT NOT NULL, value BLOB NOT NULL)"
            )
        except (OSError, sqlite3.Error):
            self._db = None  # a run never depends on this cache: it parses instead

    def load(self, path: Path) -> LoadResult:
        if self._db is None:
            return load_prompt(path, positions=False)
        try:
            data = path.read_bytes()
        except OSError:
            return load_prompt(path, positions=False)  # reports the file it cannot read
        digest = hashlib.sha256(self._identity.encode() + b"\0" + data).hexdigest()
        found = self._recall(path, data, digest)
        if found is not None:
            return found
        result = load_prompt(path, data, positions=False)
        if result.spec is not None and not result.problems and not result.document.problems:
            try:
                value = marshal.dumps(result.document.value)
            except ValueError:
                return result  # a value marshal cannot write: parsed every time
            self._pending.append((digest, self._seal(digest, value), value))
            if len(self._pending) >= _FLUSH_EVERY:
                self.flush()
        return result

    def _recall(self, path: Path, data: bytes, digest: str) -> LoadResult | None:
        assert self._db is not None
        try:
            row = self._db.execute(
                "SELECT seal, value FROM parsed WHERE digest = ?", (digest,)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not isinstance(row[0], str) or not isinstance(row[1], bytes):
            return None
        seal, blob = row
        if not hmac.compare_digest(self._seal(digest, blob), seal):
            return None  # not written here: parsed again, never unmarshalled
        text, problems = decode(data, path)
        if text is None or problems:
            return None
        try:
            value = marshal.loads(blob)  # noqa: S302 - sealed: only bytes this user wrote
            document = Document(path, value, {}, (), text)
            return LoadResult(document, build_spec(value, document), ())
        except (ValueError, EOFError, TypeError, KeyError):
            return None

    def _seal(self, digest: str, value: bytes) -> str:
        assert self._key is not None
        return hmac.digest(self._key, b"parsed\0" + digest.encode() + b"\0" + value, "sha256").hex()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO parsed (digest, seal, value) VALUES (?, ?, ?)",
                    self._pending,
                )
        except sqlite3.Error:
            pass  # not kept: the next run parses these files again
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
