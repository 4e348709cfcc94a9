"""Every committed state of a prompt file, and any one state by version or revision.

Git is asked a fixed number of times however long the history is: `rev-parse` for the
repository, one `git log --raw` that lists each commit touching the file together with
the blob it left there (promptreg.git.log, the "versions" walk), and one
`git cat-file --batch` that reads all those blobs. A process per commit would make a
500-commit history take seconds. Validating the blobs for the table is
promptreg.git.summary's job; full specs load lazily, one blob at a time, only when asked.

Renames are followed, so a prompt that moved keeps its older states. Merge commits
count with the file as they left it (their diff against the first parent), and commits
that deleted the file are left out: they hold no state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.diff import PromptDiff, diff_specs
from promptreg.core.errors import InvalidPromptError, Problem, PromptNotFoundError
from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.location import Location
from promptreg.core.model import PromptSpec
from promptreg.core.tree import load_by_id, path_for_id, spec_by_id
from promptreg.core.versions import parse_version
from promptreg.git.gitio import GitError, resolve
from promptreg.git.log import SHORT, Commit, View
from promptreg.git.repo import Repository
from promptreg.git.summary import Summary, SummaryCache, summarize, summarize_all

WORKING = "working"
"""The ref that names the working tree's file rather than a commit."""

__all__ = ["SHORT", "WORKING", "Revision", "committed_version", "history", "resolve_version"]


class _Source:
    """One blob's bytes, loaded into a spec at most once and only when asked."""

    __slots__ = ("_result", "data", "where")

    def __init__(self, data: bytes | None, where: Path) -> None:
        self.data = data
        self.where = where
        self._result: LoadResult | None = None

    def load(self) -> tuple[PromptSpec | None, tuple[Problem, ...]]:
        if self.data is None:
            missing = "the blob is missing from the repository (a shallow or partial clone?)"
            return None, (Problem("F012", missing, Location(self.where)),)
        if self._result is None:
            self._result = load_prompt(self.where, self.data)
        return self._result.spec, self._result.problems

    def summary(self) -> Summary:
        return summarize(self.data, self.where)


@dataclass(frozen=True, slots=True)
class Revision:
    """The prompt file as one commit left it: the commit, and what the file said.

    Flat rather than holding a `Commit`: these are the fields of `promptreg history
    --format json` and of the TUI's history rows, named as they have always been.
    """

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

    @classmethod
    def of(cls, commit: Commit, summary: Summary, source: _Source) -> Revision:
        return cls(
            commit.id,
            commit.author_name,
            commit.author_email,
            commit.date,
            commit.subject,
            commit.path,
            commit.blob,
            *summary,
            _source=source,
        )

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


def _located(settings: Settings, prompt_id: str, repo: Repository | None) -> tuple[Repository, str]:
    """The repository and the prompt file's path inside it."""
    path = path_for_id(settings.registry_dir, prompt_id)
    repo = repo if repo is not None else Repository.find(settings.root)
    relative = repo.relative(path)
    if relative is None:
        raise GitError(
            f"{path} is outside the git repository at {repo.root}",
            hint="keep the registry directory inside the repository that holds promptreg.yaml",
        )
    return repo, relative


class _Versions:
    """One prompt's commits and the bytes of every blob they left: three git calls."""

    def __init__(
        self,
        settings: Settings,
        prompt_id: str,
        repo: Repository | None,
        view: View = "versions",
    ) -> None:
        self.repo, self.relative = _located(settings, prompt_id, repo)
        self.commits = [c for c in self.repo.log(self.relative, view) if c.blob]
        if not self.commits and not (self.repo.root / self.relative).is_file():
            load_by_id(settings, prompt_id)  # raises PromptNotFoundError: "did you mean"
        contents = self.repo.blobs(c.blob for c in self.commits)
        self.sources: dict[str, _Source] = {}
        for commit in self.commits:  # newest first: a blob's problems point at its newest commit
            if commit.blob not in self.sources:
                where = Path(f"{commit.short}:{commit.path}")
                self.sources[commit.blob] = _Source(contents.get(commit.blob), where)

    def revision(self, commit: Commit, summary: Summary) -> Revision:
        return Revision.of(commit, summary, self.sources[commit.blob])

    def find(self, version: str) -> Revision | None:
        """The newest commit carrying `version`, loading blobs newest first until found."""
        seen: dict[str, Summary] = {}
        for commit in self.commits:
            summary = seen.get(commit.blob)
            if summary is None:
                summary = seen[commit.blob] = self.sources[commit.blob].summary()
            if summary.version == version:
                return self.revision(commit, summary)
        return None

    def versions(self) -> list[str]:
        """Distinct versions, newest first (loads every blob)."""
        summaries = {blob: source.summary() for blob, source in self.sources.items()}
        found = (summaries[c.blob].version for c in self.commits)
        return list(dict.fromkeys(v for v in found if v is not None))


def history(
    settings: Settings,
    prompt_id: str,
    *,
    cache: Path | None = None,
    workers: int | None = 1,
    repo: Repository | None = None,
) -> list[Revision]:
    """Every committed state of the prompt, newest first; GitError outside a repository.

    `cache` is a directory where each blob's summary is kept by blob id (content-
    addressed, so an entry never goes stale); `workers` > 1 validates uncached blobs in
    forked processes, None picks a number from the work and the CPUs. The default of 1
    never forks: forking a threaded process (the TUI) is unsafe, so only the CLI opts in.
    `repo` is the caller's Repository, found from promptreg.yaml's folder when None.
    Specs load lazily, one blob at a time, when `Revision.spec` is read.
    """
    log = _Versions(settings, prompt_id, repo)
    store = SummaryCache(cache) if cache is not None else None
    summaries: dict[str, Summary] = {}
    pending: dict[str, tuple[bytes | None, Path]] = {}
    for blob, source in log.sources.items():
        hit = store.get(blob) if store is not None else None
        if hit is not None:
            summaries[blob] = hit
        else:
            pending[blob] = (source.data, source.where)
    summaries.update(summarize_all(pending, workers))
    if store is not None and pending:
        for blob in pending:
            store.put(blob, summaries[blob])
        store.save()
    return [log.revision(commit, summaries[commit.blob]) for commit in log.commits]


def committed_version(
    settings: Settings,
    prompt_id: str,
    version: str,
    *,
    repo: Repository | None = None,
    first_parent: bool = False,
) -> Revision:
    """The last commit that carried `version`; PromptNotFoundError listing the known ones.

    A version committed several times (an approval added, a description edited) is the
    state of its newest commit: that is what the version ended up as. Blobs are loaded
    newest first until the version turns up, and no cache is read or written.
    `first_parent` looks only at the states the current branch itself was in (the
    "mainline" walk), never at commits of a merged side branch: what a pinned get()
    may serve, since only those states were the branch's, and checked as such.
    """
    log = _Versions(settings, prompt_id, repo, "mainline" if first_parent else "versions")
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
    settings: Settings, prompt_id: str, ref: str = WORKING, *, repo: Repository | None = None
) -> tuple[str, PromptSpec]:
    """A version number, a git revision, or "working", as (label, spec).

    A version number means its newest commit, or the working tree when only the working
    tree has it; anything else that is not "working" is a git revision. Git is asked
    only when `ref` is not "working".
    """
    if ref == WORKING:
        spec = spec_by_id(settings, prompt_id)
        return f"{spec.version} (working tree)", spec
    if parse_version(ref) is not None:
        log = _Versions(settings, prompt_id, repo)
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
    repo, relative = _located(settings, prompt_id, repo)
    try:
        commit = resolve(repo.root, ref)
    except GitError:
        listed = ", ".join(_Versions(settings, prompt_id, repo).versions()) or "none committed yet"
        raise PromptNotFoundError(
            f"{ref!r} is neither a version of {prompt_id!r} nor a git revision",
            hint=f"name a version ({listed}), a branch, tag or commit id, or {WORKING!r} "
            "for the working tree",
        ) from None
    name = f"{commit}:{relative}"
    data = repo.blobs([name]).get(name)
    if data is None:
        raise PromptNotFoundError(
            f"{prompt_id!r} does not exist at {ref} ({commit[:SHORT]})",
            hint=f"`promptreg history {prompt_id}` lists the commits that hold it",
        )
    result = load_prompt(Path(f"{commit[:SHORT]}:{relative}"), data)
    spec = _checked(result.spec, result.problems, ref)
    shown = commit[:SHORT] if commit.startswith(ref) else ref
    return f"{spec.version} ({shown})", spec


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two states of a prompt, as named by the caller and as found, and what changed."""

    ref_a: str
    label_a: str
    ref_b: str
    label_b: str
    diff: PromptDiff

    def to_json(self) -> dict[str, Any]:
        return {
            "a": {"ref": self.ref_a, "label": self.label_a},
            "b": {"ref": self.ref_b, "label": self.label_b},
            **self.diff.to_json(),
        }


def compare_versions(
    settings: Settings,
    prompt_id: str,
    a: str = "HEAD",
    b: str = WORKING,
    *,
    repo: Repository | None = None,
) -> Comparison:
    """`promptreg diff`: each side a version, a revision or "working" (resolve_version)."""
    label_a, old = resolve_version(settings, prompt_id, a, repo=repo)
    label_b, new = resolve_version(settings, prompt_id, b, repo=repo)
    return Comparison(a, label_a, b, label_b, diff_specs(old, new))
