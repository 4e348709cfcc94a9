"""The cached answer to a lint run, given without loading a single rule.

The pre-commit hook lints a handful of files, most often files an earlier run already
saw. When every file asked about has a valid entry in the result cache, the answer is
those entries, and importing the rule catalogue (Jinja2, the detectors' patterns, the
schema) to learn that would cost several times the lint. So a full run leaves a small
*memo* beside the result cache, and the next run tries the memo first:

- The memo is found by a key over what the run's settings are made of, all cheap to
  read: promptreg's version and code, promptreg.yaml's path and bytes, and the selection
  given on the command line. Settings are a function of these, so the rule selection,
  the policy and the registry folder the full run resolved hold for this run too.
- It records what the result cache's validity depends on beyond that, each checked
  here before an entry is used: HEAD (approval provenance), the signers file, the
  recorded eval results and the judge prompt (digests of their bytes), and the moment
  the next recorded eval answer outlives an age limit.
- Then each file's cache key (its path and bytes) must have an entry, as in a full run.

Anything missing, changed or unreadable means "no answer", and the caller runs the full
lint, which writes the memo again. Memo and cache are sealed with the per-user key
(promptreg.core.cachefile), so a committed or copied memo is never believed. A run
with a base revision, fixes or a baseline always takes the full path.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from promptreg.core.about import VERSION
from promptreg.core.cachefile import read_entries, write_entries
from promptreg.core.links import link_on_the_way
from promptreg.core.names import CONFIG_NAME, PROMPT_SUFFIX
from promptreg.core.paths import shown_name, shown_path
from promptreg.core.records import Record
from promptreg.core.walk import walk_names
from promptreg.lint.cache import LintCache, code_stamp
from promptreg.lint.finding import Finding

MEMO_NAME = "lint-memo.json"
MEMO_FORMAT = 1

SelectionArgs = tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]
"""(select, ignore, extend_select) as given: select None means "as configured"."""


def selection_args(
    select: Sequence[str] | None, ignore: Sequence[str], extend_select: Sequence[str]
) -> SelectionArgs:
    return (
        None if select is None else tuple(select),
        tuple(ignore),
        tuple(extend_select),
    )


def memo_key(config: Path, config_bytes: bytes, selection: SelectionArgs) -> str:
    """What the run's settings and rule selection are a function of."""
    digest = hashlib.sha256()
    for part in (VERSION, code_stamp(), os.fspath(config.resolve()), repr(selection)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(config_bytes)
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a file read in blocks (a pull request may commit a huge one: it is
    hashed, never held in memory); a marker when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return b"unreadable"


def witness_digest(path: Path) -> str:
    """The bytes a cached finding may depend on, outside the file linted: a file's, or
    every JSON file's (and signature's) below a folder, with its path; "missing" when
    there is neither."""
    if path.is_file():
        return _file_digest(path).hex()
    if not path.is_dir():
        return "missing"
    digest = hashlib.sha256()
    for folder, _dirs, names in sorted(os.walk(path)):
        for name in sorted(names):
            if not name.endswith((".json", ".json.sig")):  # results and their signatures
                continue
            file = Path(folder) / name
            digest.update(file.as_posix().encode("utf-8", "surrogateescape") + b"\0")
            # Only regular files are read: a link to a device would never end.
            digest.update(_file_digest(file) if file.is_file() else b"not a file")
    return digest.hexdigest()


class Memo(Record):
    """What a full run resolved, for the next run to reuse when nothing it read changed."""

    fingerprint: str
    """The result cache's fingerprint (promptreg.lint.cache.LintCache)."""
    registry: str
    fail_on: str
    git_root: str | None
    head: str
    witnesses: tuple[tuple[str, str], ...]
    """(path, witness_digest) of each file or folder the cached findings depend on."""
    valid_until: float | None
    """POSIX time when a recorded eval answer next outlives an age limit; None: never."""

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "registry": self.registry,
            "fail_on": self.fail_on,
            "git_root": self.git_root,
            "head": self.head,
            "witnesses": [list(pair) for pair in self.witnesses],
            "valid_until": self.valid_until,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Memo | None:
        try:
            memo = cls(
                fingerprint=data["fingerprint"],
                registry=data["registry"],
                fail_on=data["fail_on"],
                git_root=data["git_root"],
                head=data["head"],
                witnesses=tuple((str(p), str(d)) for p, d in data["witnesses"]),
                valid_until=data["valid_until"],
            )
        except (KeyError, TypeError, ValueError):
            return None
        texts = (memo.fingerprint, memo.registry, memo.fail_on, memo.head)
        if not all(isinstance(text, str) for text in texts):
            return None
        if memo.git_root is not None and not isinstance(memo.git_root, str):
            return None
        if memo.valid_until is not None and not isinstance(memo.valid_until, int | float):
            return None
        return memo


def read_memo(cache_dir: Path, key: str) -> Memo | None:
    entries = read_entries(cache_dir / MEMO_NAME, MEMO_FORMAT, key)
    memo = entries.get("memo")
    return Memo.from_json(memo) if isinstance(memo, dict) else None


def write_memo(cache_dir: Path, key: str, memo: Memo) -> None:
    """Record the memo unless the same one is there (a warm run writes nothing)."""
    if read_memo(cache_dir, key) != memo:
        write_entries(cache_dir / MEMO_NAME, MEMO_FORMAT, key, {"memo": memo.to_json()})


def head_of(git_root: str | None) -> str:
    """HEAD of the repository a full run found (one git call, no discovery); "" when
    there was none or git cannot say."""
    if git_root is None:
        return ""
    from promptreg.git.gitio import GitError
    from promptreg.git.repo import Repository

    try:
        return Repository(Path(git_root)).head
    except (GitError, OSError):
        return "\0unknown"  # matches no recorded HEAD


class CachedAnswer(Record):
    """The findings a full run would report, from the cache. (Named tuples: a
    dataclass costs about a millisecond to define, and every run loads this module.)"""

    findings: tuple[Finding, ...]
    files_checked: int
    fail_on: str


class CachedEntries(Record):
    """The stored findings a full run would report, as the cache holds them."""

    entries: list[tuple[str, str, list[dict[str, Any]]]]
    """Per file, in the order its findings are reported: how this run names it, how the
    stored findings about the file itself name it, and the stored findings (each well
    formed: promptreg.lint.cache); a finding naming another file keeps its own path."""
    files_checked: int
    fail_on: str


def _targets(paths: Sequence[Path], registry: Path) -> list[str] | None:
    """The names of the files a full run would lint, or None when only a full run may
    say (a promptreg.yaml among them, a path that is missing, linked or no prompt file,
    a folder without prompts or with a link below it: each of those has its own message
    or finding)."""
    files: list[str] = []
    for path in paths or [registry]:
        if path.name == CONFIG_NAME or link_on_the_way(path, registry) is not None:
            return None
        if path.is_dir():
            found, links = walk_names(path)  # a link below is listed, never entered
            if links or not found:
                return None
            files.extend(found)
        elif path.name.endswith(PROMPT_SUFFIX) and path.is_file():
            files.append(os.fspath(path))
        else:
            return None
    return files


def _current(
    config: Path, selection: SelectionArgs, paths: Sequence[Path]
) -> tuple[Memo, LintCache, list[str]] | None:
    """The memo, the result cache and the files to answer for, when the memo holds for
    this run (the entries of the files are checked by the caller); else None."""
    try:
        config_bytes = config.read_bytes()
    except OSError:
        return None
    cache_dir = config.parent / ".promptreg" / "cache"
    memo = read_memo(cache_dir, memo_key(config, config_bytes, selection))
    if memo is None:
        return None
    if memo.valid_until is not None and time.time() >= memo.valid_until:
        return None
    if any(witness_digest(Path(path)) != digest for path, digest in memo.witnesses):
        return None
    files = _targets(paths, Path(memo.registry))
    if files is None or head_of(memo.git_root) != memo.head:
        return None
    return memo, LintCache(cache_dir, memo.fingerprint), files


def cached_answer(
    config: Path, selection: SelectionArgs, paths: Sequence[Path]
) -> CachedAnswer | None:
    """The findings a full lint of `paths` (the registry when empty) would report, from
    the result cache, when the memo and every file's entry are current; else None.
    Findings name their files as every format shows them (core.paths.shown_path)."""
    current = _current(config, selection, paths)
    if current is None:
        return None
    memo, cache, files = current
    findings: list[Finding] = []
    for path in map(Path, files):
        try:
            data = path.read_bytes()
        except OSError:
            return None
        found = cache.get(path, LintCache.key(path, data, None), shown_path(path))
        if found is None:
            return None
        findings.extend(found)
    return CachedAnswer(tuple(findings), len(files), memo.fail_on)


def cached_entries(
    config: Path, selection: SelectionArgs, paths: Sequence[Path]
) -> CachedEntries | None:
    """The cached answer as the stored findings themselves, for a reporter that prints
    them straight from the cache (promptreg.cli.lint): a warm run of a large registry
    prints thousands, and a Finding apiece (its Path, Span and Positions) costs more than
    the line printed. None when `cached_answer` would be None."""
    current = _current(config, selection, paths)
    if current is None:
        return None
    memo, cache, files = current
    entries: list[tuple[str, str, list[dict[str, Any]]]] = []
    for path in files:
        try:
            with open(path, "rb") as handle:  # noqa: PTH123 (a name: no Path per file)
                data = handle.read()
        except OSError:
            return None
        stored = cache.stored(path, LintCache.key(path, data, None))
        if stored is None:
            return None
        entries.append((shown_name(path), *stored))
    return CachedEntries(entries, len(files), memo.fail_on)
