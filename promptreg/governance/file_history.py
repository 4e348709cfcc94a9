"""One prompt file's committed states as approval provenance reads them.

What provenance asks of a file's past: which commit added an approval entry (the newest
commit whose version holds it while none of its parents' versions does), which commit
made a content hash, and whether an entry was ever committed at all. It reads the
"provenance" walk of promptreg.git.log (no renames, topological order, merges with
every parent's blob) and the blobs around each commit, in a bounded number of git calls
per file: one `git log`, one `git cat-file --batch` for those blobs and the file at HEAD.

The blobs are read leniently, as raw mappings rather than validated specs: a version
that fails the schema still holds approvals worth attributing. That is why a state
here is not the history table's summary (promptreg.git.summary), which validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.core.hashing import content_hash
from promptreg.core.yamlio import read_document
from promptreg.git.log import Commit
from promptreg.git.repo import Repository


@dataclass(frozen=True, slots=True)
class FileState:
    """What provenance needs from one version of the file."""

    content_hash: str | None = None
    approvals: frozenset[tuple[str, str]] = frozenset()
    """(reviewer in lower case, content_hash) of every approval entry."""


_EMPTY = FileState()


@dataclass(frozen=True, slots=True)
class FileHistory:
    """The committed states of one file, newest commit first."""

    relative: str
    """The file's path in the repository."""
    commits: tuple[Commit, ...]
    states: dict[str, FileState]
    """By blob id; never changed once made."""
    head: FileState | None
    """The file at HEAD; None when HEAD does not have it (or there is no HEAD yet)."""
    shallow: bool = False

    def state(self, blob: str) -> FileState:
        return self.states.get(blob, _EMPTY) if blob else _EMPTY

    @property
    def committed_hashes(self) -> frozenset[str]:
        return frozenset(
            state.content_hash
            for commit in self.commits
            for state in (self.state(commit.blob),)
            if state.content_hash is not None
        )

    def approval_added(self, reviewer: str, approved_hash: str) -> Commit | None:
        """The newest commit that added this approval entry, or None if none did."""
        entry = (reviewer.casefold(), approved_hash)
        for commit in self.commits:
            if entry in self.state(commit.blob).approvals and not any(
                entry in self.state(parent).approvals for parent in commit.parent_blobs
            ):
                return commit
        return None

    def approval_committed(self, reviewer: str, approved_hash: str) -> bool:
        entry = (reviewer.casefold(), approved_hash)
        return any(entry in self.state(commit.blob).approvals for commit in self.commits)

    def content_introduced(self, wanted: str) -> Commit | None:
        """The newest commit that made the file's content hash `wanted`."""
        for commit in self.commits:
            if self.state(commit.blob).content_hash == wanted and not any(
                self.state(parent).content_hash == wanted for parent in commit.parent_blobs
            ):
                return commit
        return None


def load_history(path: Path, repo: Repository) -> FileHistory | None:
    """The committed history of `path` in `repo`; None when it lies outside it.

    `repo` is the caller's Repository, found from the registry's root, never from the
    file's folder (promptreg.git.gitio says why); it keeps the answer for its lifetime.
    """
    relative = repo.relative(path)
    if relative is None:
        return None
    return history_at(repo, relative)


def history_at(repo: Repository, relative: str, rev: str | None = None) -> FileHistory:
    """The history of the file at `relative` as of commit `rev` (None: HEAD): only the
    commits that `rev` descends from, and the file as `rev` has it as its head."""
    return repo.memo(("provenance-history", relative, rev), lambda: _read(repo, relative, rev))


def _read(repo: Repository, relative: str, rev: str | None) -> FileHistory:
    commits = repo.log(relative, "provenance", rev)
    states: dict[str, FileState] = {}
    head = None
    if commits:  # a file no commit touched is not at HEAD either
        head_name = f"{rev or 'HEAD'}:{relative}"
        blobs = [b for c in commits for b in (c.blob, *c.parent_blobs) if b]
        contents = repo.blobs([*blobs, head_name])
        states = {blob: _state(relative, data) for blob, data in contents.items()}
        head = states.pop(head_name, None)
    return FileHistory(relative, commits, states, head, repo.shallow)


def _state(relative: str, data: bytes) -> FileState:
    """Content hash and approval entries of one version, read as leniently as possible."""
    value: Any = read_document(Path(relative), data).value
    if not isinstance(value, dict):
        return _EMPTY
    approvals = set()
    for item in value.get("approvals") or ():
        if isinstance(item, dict):
            reviewer, approved = item.get("reviewer"), item.get("content_hash")
            if isinstance(reviewer, str) and isinstance(approved, str):
                approvals.add((reviewer.casefold(), approved))
    try:
        digest: str | None = content_hash(value)
    except (TypeError, ValueError):
        digest = None
    return FileState(digest, frozenset(approvals))
