"""One git work tree, found once, with what has been read from it kept for its lifetime.

Whoever runs a unit of work makes the Repository and passes it down: a lint run, one
`promptreg approve`, one `promptreg history`, the TUI (a new one, or `refresh()`, after
it sees a commit), the bundle builder. What it reads is read on first use and then kept:
the root, whether the clone is shallow, HEAD, each file's log, commit signatures, and
whatever a higher layer derives from them through `memo` (provenance's file histories,
the registry's index of content hashes). That makes it a snapshot: a commit made while
it lives is seen by the next Repository, or by this one after `refresh()`, never half.

Sharing: a Repository may be used by several threads at once. Every cache is filled
under a lock and its values are immutable (or treated as such), so two threads asking
the same question get the same answer; at worst both ask git, and the first answer is
kept. Nothing here forks or changes the repository.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar, cast

from promptreg.core.bounded import MAX_SIGNERS_BYTES, check_size
from promptreg.git import gitio
from promptreg.git.log import Commit, View, log_args, parse_log

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Signature:
    status: str
    """git's %G?: G good, U key not listed, N unsigned, B bad, X/Y expired, R revoked, E error."""
    principal: str
    """The allowed-signers principal of the key (for a good signature)."""


class Repository:
    """The repository whose work tree's top is `root` (as `git rev-parse --show-toplevel`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._memo: dict[Hashable, object] = {}

    @classmethod
    def find(cls, path: Path) -> Repository:
        """The repository holding `path`; GitError (with a hint) outside one.

        `path` is where the work starts: promptreg.yaml's folder or the working directory,
        never a folder inside the registry (promptreg.git.gitio.repo_root says why).
        """
        return cls(gitio.repo_root(path))

    @classmethod
    def at(cls, path: Path) -> Repository | None:
        """The repository holding `path` (as for `find`), or None: not in a repository,
        or no git at all."""
        try:
            return cls.find(path)
        except gitio.GitError:
            return None

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r})"

    def refresh(self) -> None:
        """Forget everything read so far: the next question sees the repository as it is."""
        with self._lock:
            self._memo.clear()
            for name in ("shallow", "head", "_resolved_root"):
                self.__dict__.pop(name, None)

    # --- what git says once -----------------------------------------------------------

    @cached_property
    def shallow(self) -> bool:
        """Whether this is a shallow clone, whose history may lack the commits asked about."""
        process = gitio.git(["rev-parse", "--is-shallow-repository"], self.root, check=False)
        return process.stdout.strip() == b"true"

    @cached_property
    def head(self) -> str:
        """The commit id of HEAD; "" before the first commit."""
        process = gitio.git(["rev-parse", "--verify", "--quiet", "HEAD"], self.root, check=False)
        return process.stdout.decode().strip()

    @cached_property
    def _resolved_root(self) -> Path:
        return self.root.resolve()

    def relative(self, path: Path) -> str | None:
        """`path` relative to the root, in git's spelling; None when it lies outside."""
        try:
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return None

    def identity(self) -> str:
        """`git config user.email` here; "" when it is not set."""
        process = gitio.git(["config", "user.email"], self.root, check=False)
        return process.stdout.decode().strip()

    # --- what git says per question, kept -----------------------------------------------

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()` once per key for this snapshot: the cache of what higher layers derive
        from it. Keys start with a name of their own ("provenance-history", ...)."""
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
        value = make()  # outside the lock: git may take a while, and make() may recurse
        with self._lock:
            return cast(T, self._memo.setdefault(key, value))

    def log(self, relative: str, view: View, rev: str | None = None) -> tuple[Commit, ...]:
        """The commits that touched `relative`, newest first, as `view` walks them from
        `rev` (None: HEAD); () before the first commit. One `git log` per file, view and
        starting commit."""
        return self.memo(("log", view, relative, rev), lambda: self._read_log(relative, view, rev))

    def _read_log(self, relative: str, view: View, rev: str | None) -> tuple[Commit, ...]:
        process = gitio.git(log_args(view, relative, rev), self.root, check=False)
        if process.returncode != 0:
            message = process.stderr.decode("utf-8", "replace").strip()
            if "does not have any commits" in message:
                return ()
            raise gitio.GitError(f"git log failed: {message or 'no message'}")
        return tuple(parse_log(process.stdout))

    def blobs(self, names: Iterable[str]) -> dict[str, bytes]:
        """Contents of blobs (ids, or `rev:path`), all with one `git cat-file --batch`."""
        return gitio.cat_blobs(self.root, list(names))

    def signatures(self, commits: Iterable[str], allowed_signers: Path) -> dict[str, Signature]:
        """git's verdict on each commit's signature against `allowed_signers`: one git call
        for the commits not asked about before."""
        # ssh-keygen reads the whole file for every signature: a pull request's own
        # signers file (a run without --base) is bounded first.
        check_size(allowed_signers, MAX_SIGNERS_BYTES, "allowed-signers file")
        signers = str(allowed_signers.resolve())
        asked = list(dict.fromkeys(commits))
        known = self.memo(("signatures", signers), dict[str, Signature])
        with self._lock:
            wanted = [c for c in asked if c not in known]
        if wanted:
            found = self._read_signatures(wanted, signers)
            with self._lock:
                known.update(found)
        with self._lock:
            return {c: known.get(c, Signature("E", "")) for c in asked}

    def _read_signatures(self, commits: list[str], signers: str) -> dict[str, Signature]:
        process = gitio.git(
            [
                "-c",
                "gpg.format=ssh",
                "-c",
                f"gpg.ssh.allowedSignersFile={signers}",
                "log",
                "--no-walk=unsorted",
                "-z",
                "--format=%H%x1f%G?%x1f%GS",
                *commits,
                "--",
            ],
            self.root,
        )
        found = {}
        for record in process.stdout.decode("utf-8", "replace").split("\0"):
            parts = record.strip("\n").split("\x1f")
            if len(parts) == 3:
                found[parts[0]] = Signature(parts[1], parts[2])
        return found
