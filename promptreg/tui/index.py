"""The browser's rows: one per prompt file, known from its path at once, filled in later.

A row is first just the file (its id is its path), so the list paints before any file is
read; `PromptIndex.fill` then loads each file through the one loader and asks
governance whether the SDK would serve it. What it learns is kept in
`.promptreg/cache/tui-index.json` keyed on a digest of the file's bytes (and, through
the fingerprint, on promptreg.yaml's), so the next start skips the parse. Beside each
digest the cache keeps the file's stat (modification and change times, size, inode),
as git's index does: a file whose stat is unchanged is not even read again. A stat is
recorded only once the file's last write (its modification or change time, whichever
is later) is older than STAT_TRUST_NS, since a file written twice
within the clock's resolution can keep its stat (git calls that "racily clean").
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from promptreg.core.cachefile import read_entries, write_entries
from promptreg.core.config import Settings
from promptreg.core.names import PROMPT_SUFFIX
from promptreg.core.walk import walk_registry

# The loader, the model and governance load when a file is first read (in the filling
# child, mostly), not before the list's first paint: the list needs only file names.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.model import PromptSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.lint.finding import Finding

_FORMAT = 2
STAT_TRUST_NS = 2_000_000_000
"""How old a file's modification must be before its stat is trusted to stand for its
bytes: two seconds covers the coarsest clocks (FAT) and a write still under way."""
Stamp = tuple[int, int, int, int]
_BATCH = 250
"""Rows handed back per callback while filling: often enough to watch, rarely enough
that repainting costs nothing next to loading."""


@dataclass(frozen=True, slots=True)
class Row:
    """What the browser shows of one prompt file; `loaded` False until it was read."""

    id: str
    path: Path
    title: str = ""
    tier: int | None = None
    status: str = ""
    owner: str = ""
    tags: tuple[str, ...] = ()
    version: str = ""
    refusal: str | None = None
    """Why the SDK would not serve it (None: it would, when `valid`)."""
    loaded: bool = False
    valid: bool = False
    """Whether the file loads; an invalid file is listed, never served."""
    lint_errors: int | None = None
    """Error-severity lint findings; None until lint has run on it."""
    lint_warnings: int | None = None

    @property
    def serve(self) -> bool | None:
        """Whether the SDK would serve it; None while not yet known."""
        if not self.loaded:
            return None
        return self.valid and self.refusal is None

    def with_counts(self, errors: int | None, warnings: int | None) -> Row:
        """The row with these lint counts (not dataclasses.replace, which costs several
        times more: the app merges 10,000 of these while keys are typed)."""
        return Row(
            self.id,
            self.path,
            title=self.title,
            tier=self.tier,
            status=self.status,
            owner=self.owner,
            tags=self.tags,
            version=self.version,
            refusal=self.refusal,
            loaded=self.loaded,
            valid=self.valid,
            lint_errors=errors,
            lint_warnings=warnings,
        )

    def cached(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "tier": self.tier,
            "status": self.status,
            "owner": self.owner,
            "tags": list(self.tags),
            "version": self.version,
            "refusal": self.refusal,
            "valid": self.valid,
        }


def row_from_spec(row: Row, spec: PromptSpec | None, settings: Settings) -> Row:
    from promptreg.governance.approval import serving_refusal

    if spec is None:
        return replace(row, loaded=True, valid=False, refusal="the file does not load")
    return replace(
        row,
        title=spec.title,
        tier=spec.tier,
        status=spec.status,
        owner=spec.owner,
        tags=spec.tags,
        version=spec.version,
        refusal=serving_refusal(spec, settings),
        loaded=True,
        valid=True,
    )


def _from_cache(row: Row, entry: Any) -> Row | None:
    try:
        return Row(  # not dataclasses.replace: this runs once per file at every start
            row.id,
            row.path,
            title=str(entry["title"]),
            tier=int(entry["tier"]) if entry["tier"] is not None else None,
            status=str(entry["status"]),
            owner=str(entry["owner"]),
            tags=tuple(str(t) for t in entry["tags"]),
            version=str(entry["version"]),
            refusal=None if entry["refusal"] is None else str(entry["refusal"]),
            valid=bool(entry["valid"]),
            loaded=True,
            lint_errors=row.lint_errors,
            lint_warnings=row.lint_warnings,
        )
    except (KeyError, TypeError, ValueError):
        return None  # a damaged entry is re-read from the file


class PromptIndex:
    """The registry's rows for one Settings; thread-safe enough for one filling worker."""

    in_child = True
    """Whether the app fills this index in a child process (promptreg.tui.filler), which
    reads the registry's files itself; an index of something else fills in a thread."""

    def __init__(
        self, settings: Settings, *, cache: bool = True, part: tuple[int, int] = (0, 1)
    ) -> None:
        """`part` (k, n): this index fills share k of n (promptreg.tui.filler splits the
        rows between processes), and keeps its own cache file."""
        self.settings = settings
        number, parts = part
        name = "tui-index.json" if parts == 1 else f"tui-index-{number}-of-{parts}.json"
        self.cache_path = settings.root / ".promptreg" / "cache" / name if cache else None
        self._fingerprint = hashlib.sha256(_config_bytes(settings)).hexdigest()
        self._entries: dict[str, Any] | None = None
        self._stats: dict[str, list[Any]] = {}
        """Path → [mtime_ns, ctime_ns, size, inode, digest] as last seen."""
        self._seen: set[str] = set()
        """Digests of the files read since the last save: the entries worth keeping."""
        self._seen_paths: set[str] = set()
        self._changed = False
        """Whether an entry or a stat was added or replaced since the cache was read."""

    def rows(self) -> list[Row]:
        """Every prompt file as an unfilled row, sorted by id: no file is read."""
        directory = self.settings.registry_dir
        cut = len(PROMPT_SUFFIX)
        start = len(str(directory)) + 1
        # The walker's paths are below `directory` as given: the id is the rest of the
        # text (no resolve, no second Path per file; 10,000 of those cost a second).
        files = walk_registry(directory)[0] if directory.is_dir() else []  # as prompt_files
        return [Row(str(p)[start:-cut].replace(os.sep, "/"), p) for p in files]

    def _cache(self) -> dict[str, Any]:
        if self._entries is None:
            stored = (
                read_entries(self.cache_path, _FORMAT, self._fingerprint)
                if self.cache_path is not None
                else {}
            )
            rows, stats = stored.get("rows"), stored.get("stats")
            self._entries = rows if isinstance(rows, dict) else {}
            self._stats = stats if isinstance(stats, dict) else {}
        return self._entries

    def _unchanged(self, key: str, stamp: Stamp) -> str | None:
        """The digest recorded for the file at `key` if its stat is what it was."""
        known = self._stats.get(key)
        if isinstance(known, list) and len(known) == 5 and tuple(known[:4]) == stamp:
            digest = known[4]
            return digest if isinstance(digest, str) else None
        return None

    def load_row(self, row: Row) -> Row:
        """The row with what its file says now (a missing file is an invalid row)."""
        entries = self._cache()
        key = str(row.path)
        try:
            info = row.path.stat()
        except OSError:
            return replace(row, loaded=True, valid=False, refusal="the file cannot be read")
        stamp = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
        digest = self._unchanged(key, stamp)
        known = entries.get(digest) if digest is not None else None
        if digest is not None and known is not None:
            found = _from_cache(row, known)
            if found is not None:
                self._seen.add(digest)
                self._seen_paths.add(key)
                return found
        try:
            data = row.path.read_bytes()
        except OSError:
            return replace(row, loaded=True, valid=False, refusal="the file cannot be read")
        digest = hashlib.sha256(data).hexdigest()
        self._seen.add(digest)
        self._changed = True
        # Aged by the change time too: a user can set the modification time back
        # (`touch -d`), never the change time, which any write moves to now.
        written = max(info.st_mtime_ns, info.st_ctime_ns)
        if len(data) == info.st_size and time.time_ns() - written > STAT_TRUST_NS:
            self._stats[key] = [*stamp, digest]
            self._seen_paths.add(key)
        else:
            self._stats.pop(key, None)  # racily written: digest it again next time
        known = entries.get(digest)
        if known is not None:
            found = _from_cache(row, known)
            if found is not None:
                return found
        from promptreg.core.loader import load_prompt

        filled = row_from_spec(
            row, load_prompt(row.path, data, positions=False).spec, self.settings
        )
        entries[digest] = filled.cached()
        return filled

    def fill(
        self,
        rows: Iterable[Row],
        on_batch: Callable[[list[Row]], None],
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        """Load every row, handing them back in batches; the cache is saved at the end."""
        batch: list[Row] = []
        for row in rows:
            if cancelled():
                return
            batch.append(self.load_row(row))
            if len(batch) >= _BATCH:
                on_batch(batch)
                batch = []
        if batch:
            on_batch(batch)
        self.save()

    def save(self) -> None:
        """Write the entries of the files read by this fill; the ones of files since
        edited or deleted are dropped. Nothing is written when nothing changed."""
        unchanged = not self._changed and len(self._seen) == len(self._entries or {})
        if unchanged and len(self._seen_paths) == len(self._stats):
            return
        if self.cache_path is not None and self._entries is not None:
            kept = {k: v for k, v in self._entries.items() if k in self._seen}
            stats = {k: v for k, v in self._stats.items() if k in self._seen_paths}
            write_entries(
                self.cache_path, _FORMAT, self._fingerprint, {"rows": kept, "stats": stats}
            )

    def lint_counts(
        self, rows: Iterable[Row], cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[list[Row]]:
        """The rows with their lint error and warning counts, a batch at a time, through
        one lint session (its result cache makes the next start cheap). Stops between
        batches once `cancelled()`, so quitting never waits for a whole registry."""
        from promptreg.lint.session import LintSession  # the rules load only when asked

        pending = list(rows)
        with LintSession.open(self.settings) as session:
            for start in range(0, len(pending), _BATCH):
                if cancelled():
                    return
                batch = {row.path.resolve(): row for row in pending[start : start + _BATCH]}
                yield list(_counted(batch, session.lint_paths(batch).findings))


def _counted(by_path: dict[Path, Row], findings: Iterable[Finding]) -> Iterator[Row]:
    errors: dict[Path, int] = dict.fromkeys(by_path, 0)
    warnings: dict[Path, int] = dict.fromkeys(by_path, 0)
    for finding in findings:
        where = finding.path.resolve()
        if finding.severity == "error" and where in errors:
            errors[where] += 1
        elif finding.severity == "warning" and where in warnings:
            warnings[where] += 1
    for path, row in by_path.items():
        yield row.with_counts(errors[path], warnings[path])


def _config_bytes(settings: Settings) -> bytes:
    try:
        return settings.path.read_bytes()
    except OSError:
        return b""
