"""The lint result cache: a file whose bytes, settings and base did not change since
the last run keeps its findings without being parsed again.

One JSON file under `.promptreg/cache/` (with a `.gitignore`, so it is never
committed), loaded once and written once, atomically. The key of a file covers its
bytes, its path (ids are checked against paths), the promptreg version, the
configuration file and the rule selection, and for the V rules the base revision's
blob of the file. A corrupt or foreign cache is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from promptreg.core.about import VERSION as __version__
from promptreg.core.cachefile import read_entries, write_entries
from promptreg.lint.finding import Finding

CACHE_FORMAT = 1


def _code_stamp() -> str:
    """Sizes and modification times of promptreg's own modules: an edited rule must not
    be answered from results the old code computed, release or no release."""
    package = Path(__file__).resolve().parents[1]
    stamps = sorted(
        f"{p.relative_to(package)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in package.rglob("*.py")
    )
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


class LintCache:
    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.path = directory / "lint.json"
        self.directory = directory
        self.fingerprint = fingerprint
        self._entries: dict[str, Any] = read_entries(self.path, CACHE_FORMAT, fingerprint)
        self._dirty = False

    @staticmethod
    def fingerprint_of(config_bytes: bytes, codes: frozenset[str], base: str | None) -> str:
        digest = hashlib.sha256()
        for part in (
            __version__.encode(),
            _code_stamp().encode(),
            config_bytes,
            ",".join(sorted(codes)).encode(),
            (base or "").encode(),
        ):
            digest.update(part + b"\0")
        return digest.hexdigest()

    @staticmethod
    def key(path: Path, data: bytes, base_blob: str | None) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{path.as_posix()}\0{base_blob or ''}".encode())
        return digest.hexdigest()

    def get(self, path: Path, key: str) -> list[Finding] | None:
        entry = self._entries.get(path.as_posix())
        if entry is None or entry.get("key") != key:
            return None
        try:
            return [Finding.from_json(item) for item in entry["findings"]]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, path: Path, key: str, findings: list[Finding]) -> None:
        self._entries[path.as_posix()] = {
            "key": key,
            "findings": [finding.to_json() for finding in findings],
        }
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a cache that cannot be written is skipped."""
        if self._dirty and write_entries(self.path, CACHE_FORMAT, self.fingerprint, self._entries):
            self._dirty = False
