"""The lint result cache: a file whose bytes, settings and base did not change since
the last run keeps its findings without being parsed again.

Sixty-four JSON files under `.promptreg/cache/lint/` (the folder above has a
`.gitignore`, so they are never committed), each holding the entries of the prompt
files whose name hashes to it: a run that lints one file of a large registry (the
pre-commit hook) reads and rewrites one small file, not the findings of every prompt.
Each is loaded on first use and written once, atomically, only if it changed. The key
of a file covers its bytes, its path (ids are checked against paths), the promptreg
version, the configuration file and the rule selection, and for the V rules the base
revision's blob of the file. A corrupt or foreign cache (one not sealed on this machine: see
promptreg.core.cachefile) is ignored, never trusted.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

from promptreg.core.about import VERSION as __version__
from promptreg.core.cachefile import read_entries, write_entries
from promptreg.lint.finding import Finding

CACHE_FORMAT = 2


@functools.cache
def code_stamp() -> str:
    """Sizes and modification times of promptreg's own modules: an edited rule must not
    be answered from results the old code computed, release or no release. Once per
    process (the code a process runs does not change under it), one stat per module."""
    package = Path(__file__).resolve().parents[1]
    stamps: list[str] = []
    pending = [str(package)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    where = entry.path[len(str(package)) + 1 :]
                    stamps.append(f"{where}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(stamps)).encode()).hexdigest()


def _entry_name(path: Path | str) -> str:
    """One name per file however a run spells it: a file linted as part of the registry
    and then alone (the pre-commit hook passes relative paths) is one entry."""
    return os.path.normpath(os.path.abspath(path))  # noqa: PTH100 (no resolve: links stay)


_NUMBER_FIELDS = ("line", "column", "end_line", "end_column")
_SEVERITIES = frozenset(("error", "warning", "info"))


def _is_position(item: dict[str, Any]) -> bool:
    for name in _NUMBER_FIELDS:
        value = item.get(name)
        if type(value) is not int or value < 0:
            return False
    return True


def _well_formed(item: object) -> bool:
    """Whether a stored finding has every field, each of its type: a finding of another
    shape would fail far from here, in a reporter. Written out field by field: a warm
    run of a large registry checks thousands."""
    if type(item) is not dict:
        return False
    get = item.get
    line, column, end_line, end_column = (
        get("line"),
        get("column"),
        get("end_line"),
        get("end_column"),
    )
    if not (
        type(line) is int
        and type(column) is int
        and type(end_line) is int
        and type(end_column) is int
        and line >= 0
        and column >= 0
        and end_line >= 0
        and end_column >= 0
    ):
        return False
    if not (
        type(get("code")) is str
        and type(get("name")) is str
        and type(get("message")) is str
        and type(get("path")) is str
        and type(severity := get("severity")) is str
        and severity in _SEVERITIES
    ):
        return False
    fix = get("fix")
    if fix is None:
        return True
    if not isinstance(fix, dict) or not isinstance(fix.get("description"), str):
        return False
    edits = fix.get("edits")
    return (
        fix.get("applicability") in ("safe", "unsafe")
        and isinstance(edits, list)
        and all(
            isinstance(e, dict) and _is_position(e) and isinstance(e.get("text"), str)
            for e in edits
        )
    )


SHARDS = 64


def _shard_number(name: str) -> int:
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).digest()[0] % SHARDS


def shard_of(directory: Path, path: Path) -> Path:
    """The cache file holding the entry of the prompt file `path`."""
    return directory / "lint" / f"{_shard_number(_entry_name(path)):02d}.json"


class LintCache:
    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self._shards: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    def _where(self, number: int) -> Path:
        return self.directory / "lint" / f"{number:02d}.json"

    def _shard(self, name: str) -> tuple[int, dict[str, Any]]:
        number = _shard_number(name)
        entries = self._shards.get(number)
        if entries is None:
            entries = read_entries(self._where(number), CACHE_FORMAT, self.fingerprint)
            self._shards[number] = entries
        return number, entries

    @staticmethod
    def fingerprint_of(config_bytes: bytes, codes: frozenset[str], base: str | None) -> str:
        digest = hashlib.sha256()
        for part in (
            __version__.encode(),
            code_stamp().encode(),
            config_bytes,
            ",".join(sorted(codes)).encode(),
            (base or "").encode(),
        ):
            digest.update(part + b"\0")
        return digest.hexdigest()

    @staticmethod
    def key(path: Path | str, data: bytes, base_blob: str | None) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{_entry_name(path)}\0{base_blob or ''}".encode())
        return digest.hexdigest()

    def stored(self, path: Path | str, key: str) -> tuple[str, list[dict[str, Any]]] | None:
        """The findings recorded for `path` under `key` as stored, each well formed, with
        the path the ones about the file itself were recorded under; or None."""
        name = _entry_name(path)
        entry = self._shard(name)[1].get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        findings = entry.get("findings")
        spelt = entry.get("as")
        if not isinstance(findings, list) or not isinstance(spelt, str):
            return None
        if not all(_well_formed(item) for item in findings):
            return None
        return spelt, findings

    def get(self, path: Path, key: str, named: Path | None = None) -> list[Finding] | None:
        """The findings recorded for `path` under `key`, or None. Findings about the
        file itself name it `named` (default: `path`, as this run spells it)."""
        stored = self.stored(path, key)
        if stored is None:
            return None
        spelt, findings = stored
        named = path if named is None else named
        try:
            # Recorded for the same file named any way (the registry walked, or the file
            # given on the command line): its findings name it as this run does.
            return [
                Finding.from_json(item, named if item["path"] == spelt else None)
                for item in findings
            ]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # an entry of the wrong shape is a miss, never an error

    def put(self, path: Path, key: str, findings: list[Finding]) -> None:
        name = _entry_name(path)
        number, entries = self._shard(name)
        entries[name] = {
            "key": key,
            "as": path.as_posix(),
            "findings": [finding.to_json() for finding in findings],
        }
        self._dirty.add(number)

    def save(self) -> None:
        """Write the files that changed; a cache that cannot be written is skipped."""
        for number in sorted(self._dirty):
            write_entries(self._where(number), CACHE_FORMAT, self.fingerprint, self._shards[number])
        self._dirty.clear()
