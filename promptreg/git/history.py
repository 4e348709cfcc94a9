"""Every committed state of a prompt file, and any one state by version or revision.

Git is asked a fixed number of times however long the history is: `rev-parse` for the
repository, one `git log --raw` that lists each commit touching the file together with
the blob it left there, and one `git cat-file --batch` that reads all those blobs. A
process per commit would make a 500-commit history take seconds.

What remains is validating each blob (a millisecond or two apiece), so the history table
keeps each blob's summary in a cache keyed by blob id, which never goes stale because
the id is the content's own hash, and validates uncached blobs in forked workers when
there are many. Full specs load lazily, one blob at a time, only when asked for.

Renames are followed (`--follow` costs nothing extra), so a prompt that moved keeps its
older states. Merge commits count with the file as they left it (their diff against the
first parent), and commits that deleted the file are left out: they hold no state.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from promptreg.core.about import VERSION as __version__
from promptreg.core.cachefile import read_entries, write_entries
from promptreg.core.config import Settings
from promptreg.core.errors import InvalidPromptError, Problem, PromptNotFoundError
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.location import Location
from promptreg.core.model import PromptSpec
from promptreg.core.schema import PROMPT_SCHEMA, schema_dir
from promptreg.core.tree import load_by_id, path_for_id, spec_by_id
from promptreg.core.versions import parse_version
from promptreg.git.gitio import GitError, cat_blobs, git, repo_root, resolve

WORKING = "working"
"""The ref that names the working tree's file rather than a commit."""

SHORT = 10
"""Characters of a commit id shown to people (git's own default grows past 7 in big repos)."""

_MARK = "\x01"
# One record per commit: the mark, then NUL-separated fields; --raw entries follow.
_FORMAT = "%x01%H%x00%an%x00%ae%x00%aI%x00%s"
_NO_BLOB = "0" * 40


class _Summary(NamedTuple):
    """What the history table shows of one blob: small, picklable, cacheable as a list."""

    version: str | None
    content_hash: str | None
    status: str | None
    approvals: tuple[str, ...]
    valid: bool


def _summary_of(result: LoadResult) -> _Summary:
    spec = result.spec
    if spec is not None:
        reviewers = tuple(a.reviewer for a in spec.approvals)
        return _Summary(spec.version, spec.content_hash, spec.status, reviewers, True)
    # A file that fails its schema elsewhere still says which version it meant to be.
    raw = result.document.value
    version = raw.get("version") if isinstance(raw, dict) else None
    return _Summary(version if isinstance(version, str) else None, None, None, (), False)


class _Source:
    """One blob's bytes, loaded into a spec at most once and only when asked."""

    __slots__ = ("_result", "data", "where")

    def __init__(self, data: bytes | None, where: Path) -> None:
        self.data = data
        self.where = where
        self._result: LoadResult | None = None

    def _loaded(self, data: bytes) -> LoadResult:
        if self._result is None:
            self._result = load_prompt(self.where, data)
        return self._result

    def load(self) -> tuple[PromptSpec | None, tuple[Problem, ...]]:
        if self.data is None:
            missing = "the blob is missing from the repository (a shallow or partial clone?)"
            return None, (Problem("F012", missing, Location(self.where)),)
        result = self._loaded(self.data)
        return result.spec, result.problems

    def summary(self) -> _Summary:
        if self.data is None:
            return _Summary(None, None, None, (), False)
        return _summary_of(load_prompt(self.where, self.data, positions=False))


@dataclass(frozen=True, slots=True)
class Revision:
    """The prompt file as one commit left it."""

    commit: str
    author_name: str
    author_email: str
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    path: str
    """The file's path in the repository at this commit (older ones differ after a rename)."""
    blob: str
    version: str | None
    """None only when the file at this commit does not say (or is not YAML)."""
    content_hash: str | None
    status: str | None
    approvals: tuple[str, ...]
    """Reviewers recorded in the file at this commit, valid or not."""
    valid: bool
    """Whether the file loaded; `problems` says why not."""
    _source: _Source = field(repr=False, compare=False)

    @property
    def short(self) -> str:
        return self.commit[:SHORT]

    @property
    def spec(self) -> PromptSpec | None:
        """The prompt as committed, loaded on first use; None when it does not load."""
        return self._source.load()[0]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self._source.load()[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": {"name": self.author_name, "email": self.author_email},
            "date": self.date,
            "subject": self.subject,
            "path": self.path,
            "blob": self.blob,
            "version": self.version,
            "content_hash": self.content_hash,
            "status": self.status,
            "approvals": list(self.approvals),
            "valid": self.valid,
            "problems": [] if self.valid else [str(p) for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class _Entry:
    commit: str
    author_name: str
    author_email: str
    date: str
    subject: str
    path: str
    blob: str


def _relative_path(settings: Settings, prompt_id: str) -> tuple[Path, str]:
    """The repository root and the prompt file's path inside it."""
    path = path_for_id(settings.registry_dir, prompt_id)
    root = repo_root(settings.root)
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise GitError(
            f"{path} is outside the git repository at {root}",
            hint="keep the registry directory inside the repository that holds promptreg.yaml",
        ) from None
    return root, relative


def _parse_log(data: bytes) -> list[_Entry]:
    """Commit records of `git log -z --raw` in the _FORMAT above, newest first.

    Fields are taken by count, not by content, so subjects and paths may hold anything.
    """
    tokens = [t.decode("utf-8", "surrogateescape") for t in data.split(b"\0")]
    entries: list[_Entry] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if not token.startswith(_MARK):
            index += 1
            continue
        commit = token[1:]
        name, email, date, subject = tokens[index + 1 : index + 5]
        index += 5
        blob = path = None
        while index < len(tokens) and tokens[index].lstrip("\n").startswith(":"):
            meta = tokens[index].lstrip("\n").split()
            status = meta[4]
            paths = 2 if status[0] in "RC" else 1
            path = tokens[index + paths]
            blob = meta[3]
            index += 1 + paths
        if blob is not None and path is not None and blob != _NO_BLOB:
            entries.append(_Entry(commit, name, email, date, subject, path, blob))
    return entries


def _log(root: Path, relative: str) -> list[_Entry]:
    process = git(
        [
            "log",
            f"--format={_FORMAT}",
            "-z",
            "--raw",
            "--no-abbrev",
            "--follow",
            "--diff-merges=first-parent",
            "--",
            relative,
        ],
        root,
        check=False,
    )
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip()
        if "does not have any commits" in message:
            return []
        raise GitError(f"git log failed: {message or 'no message'}")
    return _parse_log(process.stdout)


class _Log:
    """One prompt's commits and the bytes of every blob they left: three git calls."""

    def __init__(self, settings: Settings, prompt_id: str) -> None:
        self.prompt_id = prompt_id
        self.root, self.relative = _relative_path(settings, prompt_id)
        self.entries = _log(self.root, self.relative)
        if not self.entries and not (self.root / self.relative).is_file():
            load_by_id(settings, prompt_id)  # raises PromptNotFoundError: "did you mean"
        contents = cat_blobs(self.root, [e.blob for e in self.entries])
        self.sources: dict[str, _Source] = {}
        for entry in self.entries:  # newest first: a blob's problems point at its newest commit
            if entry.blob not in self.sources:
                where = Path(f"{entry.commit[:SHORT]}:{entry.path}")
                self.sources[entry.blob] = _Source(contents.get(entry.blob), where)

    def revision(self, entry: _Entry, summary: _Summary) -> Revision:
        return Revision(
            commit=entry.commit,
            author_name=entry.author_name,
            author_email=entry.author_email,
            date=entry.date,
            subject=entry.subject,
            path=entry.path,
            blob=entry.blob,
            version=summary.version,
            content_hash=summary.content_hash,
            status=summary.status,
            approvals=summary.approvals,
            valid=summary.valid,
            _source=self.sources[entry.blob],
        )

    def find(self, version: str) -> Revision | None:
        """The newest commit carrying `version`, loading blobs newest first until found."""
        seen: dict[str, _Summary] = {}
        for entry in self.entries:
            summary = seen.get(entry.blob)
            if summary is None:
                summary = seen[entry.blob] = self.sources[entry.blob].summary()
            if summary.version == version:
                return self.revision(entry, summary)
        return None

    def versions(self) -> list[str]:
        """Distinct versions, newest first (loads every blob)."""
        summaries = {blob: source.summary() for blob, source in self.sources.items()}
        found = (summaries[e.blob].version for e in self.entries)
        return list(dict.fromkeys(v for v in found if v is not None))


def history(
    settings: Settings, prompt_id: str, *, cache: Path | None = None, workers: int | None = 1
) -> list[Revision]:
    """Every committed state of the prompt, newest first; GitError outside a repository.

    Reading the blobs is cheap; validating hundreds of them is not. `cache` is a
    directory where each blob's summary is kept by blob id (content-addressed, so an
    entry never goes stale); `workers` > 1 validates uncached blobs in forked processes,
    None picks a number from the work and the CPUs. Library callers that run threads keep
    the default of 1: forking a threaded process is unsafe.
    Specs load lazily, one blob at a time, when `Revision.spec` is read.
    """
    log = _Log(settings, prompt_id)
    store = _SummaryCache(cache) if cache is not None else None
    summaries: dict[str, _Summary] = {}
    pending = []
    for blob, source in log.sources.items():
        hit = store.get(blob) if store is not None else None
        if hit is not None:
            summaries[blob] = hit
        else:
            pending.append((blob, source))
    summaries.update(_summarize(pending, workers))
    if store is not None and pending:
        for blob, _ in pending:
            store.put(blob, summaries[blob])
        store.save()
    return [log.revision(entry, summaries[entry.blob]) for entry in log.entries]


PARALLEL_MIN_BLOBS = 100
"""Below this many blobs to validate, forking workers costs more than it saves."""


def worker_count(blobs: int) -> int:
    """Workers worth forking for `blobs` uncached blobs; 1 where fork is unavailable."""
    if blobs < PARALLEL_MIN_BLOBS or sys.platform == "win32":
        return 1
    return max(1, min(os.cpu_count() or 1, 4, blobs // (PARALLEL_MIN_BLOBS // 2)))


def _summarize_chunk(chunk: list[tuple[str, bytes]]) -> list[tuple[str, _Summary]]:
    return [
        (blob, _summary_of(load_prompt(Path(blob), data, positions=False))) for blob, data in chunk
    ]


def _summarize(pending: list[tuple[str, _Source]], workers: int | None) -> dict[str, _Summary]:
    loadable = [(blob, source.data) for blob, source in pending if source.data is not None]
    if workers is None:
        workers = worker_count(len(loadable))
    if workers <= 1 or len(loadable) < PARALLEL_MIN_BLOBS:
        return {blob: source.summary() for blob, source in pending}
    import concurrent.futures
    import multiprocessing

    size = max(1, len(loadable) // (workers * 2))
    chunks = [loadable[start : start + size] for start in range(0, len(loadable), size)]
    context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    found = {blob: source.summary() for blob, source in pending if source.data is None}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in pool.map(_summarize_chunk, chunks):
            found.update(chunk)
    return found


CACHE_FORMAT = 1


class _SummaryCache:
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

    def get(self, blob: str) -> _Summary | None:
        raw = self._entries.get(blob)
        if not isinstance(raw, list) or len(raw) != len(_Summary._fields):
            return None
        version, content_hash, status, approvals, valid = raw
        if not (
            all(v is None or isinstance(v, str) for v in (version, content_hash, status))
            and isinstance(approvals, list)
            and all(isinstance(a, str) for a in approvals)
            and isinstance(valid, bool)
        ):
            return None
        return _Summary(version, content_hash, status, tuple(approvals), valid)

    def put(self, blob: str, summary: _Summary) -> None:
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


def committed_version(settings: Settings, prompt_id: str, version: str) -> Revision:
    """The last commit that carried `version`; PromptNotFoundError listing the known ones.

    A version committed several times (an approval added, a description edited) is the
    state of its newest commit: that is what the version ended up as. Blobs are loaded
    newest first until the version turns up, and no cache is read or written.
    """
    log = _Log(settings, prompt_id)
    found = log.find(version)
    if found is None:
        raise _unknown_version(prompt_id, version, log.versions())
    return found


def _unknown_version(prompt_id: str, version: str, known: list[str]) -> PromptNotFoundError:
    listed = ", ".join(known) if known else "none committed yet"
    return PromptNotFoundError(
        f"no version {version} of {prompt_id!r} in git history",
        hint=f"known versions, newest first: {listed}; `promptreg history {prompt_id}` "
        "lists every commit",
    )


def _checked(spec: PromptSpec | None, problems: tuple[Problem, ...], what: str) -> PromptSpec:
    if spec is None:
        raise InvalidPromptError(
            problems,
            hint=f"the file at {what} does not load; pick another version or revision",
        )
    return spec


def resolve_version(
    settings: Settings, prompt_id: str, ref: str = WORKING
) -> tuple[str, PromptSpec]:
    """A version number, a git revision, or "working", as (label, spec).

    A version number means its newest commit, or the working tree when only the working
    tree has it; anything else that is not "working" is a git revision.
    """
    if ref == WORKING:
        spec = spec_by_id(settings, prompt_id)
        return f"{spec.version} (working tree)", spec
    if parse_version(ref) is not None:
        log = _Log(settings, prompt_id)
        match = log.find(ref)
        if match is not None:
            spec = _checked(match.spec, match.problems, f"commit {match.short}")
            return f"{ref} ({match.short})", spec
        known = log.versions()
        if path_for_id(settings.registry_dir, prompt_id).is_file():
            working = load_by_id(settings, prompt_id).spec
            if working is not None and working.version == ref:
                return f"{ref} (working tree)", working
            if working is not None:
                known = list(dict.fromkeys([working.version, *known]))
        raise _unknown_version(prompt_id, ref, known)
    root, relative = _relative_path(settings, prompt_id)
    try:
        commit = resolve(root, ref)
    except GitError:
        listed = ", ".join(_Log(settings, prompt_id).versions()) or "none committed yet"
        raise PromptNotFoundError(
            f"{ref!r} is neither a version of {prompt_id!r} nor a git revision",
            hint=f"name a version ({listed}), a branch, tag or commit id, or {WORKING!r} "
            "for the working tree",
        ) from None
    name = f"{commit}:{relative}"
    data = cat_blobs(root, [name]).get(name)
    if data is None:
        raise PromptNotFoundError(
            f"{prompt_id!r} does not exist at {ref} ({commit[:SHORT]})",
            hint=f"`promptreg history {prompt_id}` lists the commits that hold it",
        )
    result = load_prompt(Path(f"{commit[:SHORT]}:{relative}"), data)
    spec = _checked(result.spec, result.problems, ref)
    shown = commit[:SHORT] if commit.startswith(ref) else ref
    return f"{spec.version} ({shown})", spec
