"""What the history table shows of one blob, validated once and kept by blob id.

Reading 500 blobs is one `git cat-file`; validating them is a millisecond or two each,
which is what remains of `promptreg history`'s cost. So each blob's summary is kept in
a cache file keyed by blob id, which never goes stale because the id is the content's
own hash, and uncached blobs may be validated in forked workers when there are many.
Forking is the caller's choice (`workers`): library code that runs threads keeps 1,
since forking a threaded process is unsafe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from promptreg.core.about import VERSION as __version__
from promptreg.core.cachefile import read_entries, write_entries
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.schema import PROMPT_SCHEMA, schema_dir


class Summary(NamedTuple):
    """One blob as the history table shows it: small, picklable, cacheable as a list."""

    version: str | None
    content_hash: str | None
    status: str | None
    approvals: tuple[str, ...]
    valid: bool


MISSING = Summary(None, None, None, (), False)
"""A blob the repository does not have (a shallow or partial clone)."""


def summary_of(result: LoadResult) -> Summary:
    spec = result.spec
    if spec is not None:
        reviewers = tuple(a.reviewer for a in spec.approvals)
        return Summary(spec.version, spec.content_hash, spec.status, reviewers, True)
    # A file that fails its schema elsewhere still says which version it meant to be.
    raw = result.document.value
    version = raw.get("version") if isinstance(raw, dict) else None
    return Summary(version if isinstance(version, str) else None, None, None, (), False)


def summarize(data: bytes | None, where: Path) -> Summary:
    if data is None:
        return MISSING
    return summary_of(load_prompt(where, data, positions=False))


PARALLEL_MIN_BLOBS = 100
"""Below this many blobs to validate, forking workers costs more than it saves."""


def worker_count(blobs: int) -> int:
    """Workers worth forking for `blobs` uncached blobs; 1 where fork is unavailable."""
    if blobs < PARALLEL_MIN_BLOBS or sys.platform == "win32":
        return 1
    return max(1, min(os.cpu_count() or 1, 4, blobs // (PARALLEL_MIN_BLOBS // 2)))


def _summarize_chunk(chunk: list[tuple[str, bytes]]) -> list[tuple[str, Summary]]:
    return [(blob, summarize(data, Path(blob))) for blob, data in chunk]


def summarize_all(
    pending: Mapping[str, tuple[bytes | None, Path]], workers: int | None
) -> dict[str, Summary]:
    """The summary of each blob in `pending` (blob id -> its bytes and where it is from);
    `workers` > 1 forks that many processes when there are enough blobs, None picks."""
    loadable = [(blob, data) for blob, (data, _) in pending.items() if data is not None]
    if workers is None:
        workers = worker_count(len(loadable))
    if workers <= 1 or len(loadable) < PARALLEL_MIN_BLOBS:
        return {blob: summarize(data, where) for blob, (data, where) in pending.items()}
    import concurrent.futures
    import multiprocessing

    size = max(1, len(loadable) // (workers * 2))
    chunks = [loadable[start : start + size] for start in range(0, len(loadable), size)]
    context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    found = {blob: MISSING for blob, (data, _) in pending.items() if data is None}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in pool.map(_summarize_chunk, chunks):
            found.update(chunk)
    return found


CACHE_FORMAT = 1


class SummaryCache:
    """history.json in the cache directory: blob id -> summary, for the table only.

    Only the history table reads it; specs (served by the SDK, compared by diff) are
    always loaded from the blob itself. A corrupt or foreign file is ignored.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "history.json"
        self.fingerprint = _fingerprint()
        self._entries: dict[str, Any] = read_entries(self.path, CACHE_FORMAT, self.fingerprint)
        self._dirty = False

    def get(self, blob: str) -> Summary | None:
        raw = self._entries.get(blob)
        if not isinstance(raw, list) or len(raw) != len(Summary._fields):
            return None
        version, content_hash, status, approvals, valid = raw
        if not (
            all(v is None or isinstance(v, str) for v in (version, content_hash, status))
            and isinstance(approvals, list)
            and all(isinstance(a, str) for a in approvals)
            and isinstance(valid, bool)
        ):
            return None
        return Summary(version, content_hash, status, tuple(approvals), valid)

    def put(self, blob: str, summary: Summary) -> None:
        self._entries[blob] = [*summary[:3], list(summary.approvals), summary.valid]
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a cache that cannot be written is skipped."""
        if self._dirty and write_entries(self.path, CACHE_FORMAT, self.fingerprint, self._entries):
            self._dirty = False


def _fingerprint() -> str:
    """promptreg's version and the prompt schema: what decides a blob's summary."""
    digest = hashlib.sha256(__version__.encode() + b"\0")
    with contextlib.suppress(OSError):  # a missing schema fails loudly elsewhere
        digest.update((schema_dir() / PROMPT_SCHEMA).read_bytes())
    return digest.hexdigest()
