"""Approvals checked against git history: who added each entry, and who signed it.

An approval entry is a claim anyone can type: "mei approved content sha256:…". On tiers
with `verify_approvals: true` the repository has to back it up: the commit that added
the entry must be authored by the reviewer it names (and, with `require_signed: true`,
carry a good SSH signature by a key the allowed-signers file lists for that reviewer),
and the approved content must be a state this prompt was committed in, by somebody
other than the reviewer. `promptreg approve` uses the same history for its four-eyes
check before it records anything.

"The commit that added the entry" is the newest commit whose version of the file holds
an approval with that reviewer and content hash while none of its parents' versions
does. Newest, not first: an entry that was removed and typed in again belongs to
whoever typed it in again. Merge commits add an entry only when the merge result holds
it and no parent does (an "evil merge"); a clean merge of a reviewer's branch leaves the
reviewer's own commit as the one that added it.

Approvals that exist only in the working tree or the index are not checked: the commit
that will add them does not exist yet. CI lints committed states, where every entry has
a commit; `promptreg approve` says how to make that commit.

Git is asked a bounded number of times per file, however long its history: one
`git log --raw` listing each commit that touched the file with the file's blob before
(in each parent) and after, one `git cat-file --batch` reading those blobs (and the
file at HEAD), and, only when signatures are required, one `git log --no-walk` for the
commits that added approvals. The repository of a directory and whether a clone is
shallow are asked once per process.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.hashing import content_hash
from promptreg.core.model import PromptSpec
from promptreg.core.tree import prompt_files
from promptreg.core.yamlio import read_document
from promptreg.git.gitio import GitError, cat_blobs, git, repo_root

SHORT = 10
"""Characters of a commit id shown to people."""

DEFAULT_ALLOWED_SIGNERS = ".promptreg/allowed_signers"
"""Where the allowed-signers file is when promptreg.yaml does not say (the schema's default)."""

_MARK = "\x01"
_FORMAT = "%x01%H%x00%ae%x00%an"
_NULL = "0" * 40
_LOG_OPTIONS = (
    "-c",
    "log.showSignature=false",
    "log",
    f"--format={_FORMAT}",
    "-z",
    "--raw",
    "--no-abbrev",
    "--no-renames",
    "--topo-order",
    "--diff-merges=combined",
)
_SIGNATURE_WORDS = {
    "B": "a bad signature",
    "U": "a signature by a key that is not listed for anyone in {signers}",
    "X": "a signature that has expired",
    "Y": "a signature by an expired key",
    "R": "a signature by a revoked key",
    "E": "a signature git could not check (is ssh-keygen installed?)",
    "N": "no signature",
}


@dataclass(frozen=True, slots=True)
class FileCommit:
    """A commit that touched the file: who wrote it, and the file's blob around it."""

    id: str
    author_email: str
    author_name: str
    parents: tuple[str, ...]
    """The file's blob in each parent; "" where the parent did not have it."""
    blob: str
    """The file's blob after the commit; "" when the commit deleted it."""

    @property
    def short(self) -> str:
        return self.id[:SHORT]

    def describe(self) -> str:
        return f"commit {self.short} by {self.author_name} <{self.author_email}>"

    def authored_by(self, email: str) -> bool:
        return self.author_email.casefold() == email.casefold()


@dataclass(frozen=True, slots=True)
class FileState:
    """What provenance needs from one version of the file."""

    content_hash: str | None = None
    approvals: frozenset[tuple[str, str]] = frozenset()
    """(reviewer in lower case, content_hash) of every approval entry."""


@dataclass(frozen=True, slots=True)
class Signature:
    status: str
    """git's %G?: G good, U key not listed, N unsigned, B bad, X/Y expired, R revoked, E error."""
    principal: str
    """The allowed-signers principal of the key (for a good signature)."""


_EMPTY = FileState()


@dataclass
class FileHistory:
    """The committed states of one file, newest commit first."""

    root: Path
    relative: str
    commits: tuple[FileCommit, ...]
    states: dict[str, FileState]
    head: FileState | None
    """The file at HEAD; None when HEAD does not have it (or there is no HEAD yet)."""
    shallow: bool = False
    _signatures: dict[tuple[str, str], Signature] = field(default_factory=dict)

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

    def approval_added(self, reviewer: str, approved_hash: str) -> FileCommit | None:
        """The newest commit that added this approval entry, or None if none did."""
        entry = (reviewer.casefold(), approved_hash)
        for commit in self.commits:
            if entry in self.state(commit.blob).approvals and not any(
                entry in self.state(parent).approvals for parent in commit.parents
            ):
                return commit
        return None

    def approval_committed(self, reviewer: str, approved_hash: str) -> bool:
        entry = (reviewer.casefold(), approved_hash)
        return any(entry in self.state(commit.blob).approvals for commit in self.commits)

    def content_introduced(self, wanted: str) -> FileCommit | None:
        """The newest commit that made the file's content hash `wanted`."""
        for commit in self.commits:
            if self.state(commit.blob).content_hash == wanted and not any(
                self.state(parent).content_hash == wanted for parent in commit.parents
            ):
                return commit
        return None

    def signatures(self, commits: Iterable[str], allowed_signers: Path) -> dict[str, Signature]:
        """git's verdict on each commit's signature against `allowed_signers` (one git call)."""
        signers = str(allowed_signers.resolve())
        asked = list(dict.fromkeys(commits))
        wanted = [c for c in asked if (c, signers) not in self._signatures]
        if wanted:
            process = git(
                [
                    "-c",
                    "gpg.format=ssh",
                    "-c",
                    f"gpg.ssh.allowedSignersFile={signers}",
                    "-c",
                    "log.showSignature=false",
                    "log",
                    "--no-walk=unsorted",
                    "-z",
                    "--format=%H%x1f%G?%x1f%GS",
                    *wanted,
                    "--",
                ],
                self.root,
            )
            for record in process.stdout.decode("utf-8", "replace").split("\0"):
                parts = record.strip("\n").split("\x1f")
                if len(parts) == 3:
                    self._signatures[(parts[0], signers)] = Signature(parts[1], parts[2])
        return {c: self._signatures.get((c, signers), Signature("E", "")) for c in asked}


# --- loading a history ----------------------------------------------------------------


_ROOTS: dict[Path, Path | None] = {}
_SHALLOW: dict[Path, bool] = {}


def _root_of(directory: Path) -> Path | None:
    """The repository holding `directory`, or None (not a repository, or no git at all)."""
    if directory not in _ROOTS:
        try:
            _ROOTS[directory] = repo_root(directory)
        except GitError:
            _ROOTS[directory] = None
    return _ROOTS[directory]


def _is_shallow(root: Path) -> bool:
    if root not in _SHALLOW:
        process = git(["rev-parse", "--is-shallow-repository"], root, check=False)
        _SHALLOW[root] = process.stdout.strip() == b"true"
    return _SHALLOW[root]


def load_history(path: Path) -> FileHistory | None:
    """The committed history of `path`; None when it is not inside a git repository."""
    root = _root_of(path.resolve().parent)
    if root is None:
        return None
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    process = git([*_LOG_OPTIONS, "--", relative], root, check=False)
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip()
        if "does not have any commits" not in message:
            raise GitError(f"git log failed: {message or 'no message'}")
        return FileHistory(root, relative, (), {}, None, _is_shallow(root))
    commits = _parse_log(process.stdout)
    head_name = f"HEAD:{relative}"
    blobs = [b for c in commits for b in (c.blob, *c.parents) if b]
    contents = cat_blobs(root, [*blobs, head_name])
    states = {blob: _state(relative, data) for blob, data in contents.items()}
    head = states.pop(head_name, None)
    return FileHistory(root, relative, tuple(commits), states, head, _is_shallow(root))


def _parse_log(data: bytes) -> list[FileCommit]:
    """Commits of `git log -z --raw --diff-merges=combined` in _FORMAT, in log order.

    Fields are taken by position, so names may hold anything. A raw entry starts with
    one colon per parent: `::100644 100644 100644 p1 p2 result MM` for a merge.
    """
    tokens = [t.decode("utf-8", "surrogateescape") for t in data.split(b"\0")]
    commits: list[FileCommit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if not token.startswith(_MARK) or index + 2 >= len(tokens):
            index += 1
            continue
        commit, email, name = token[1:], tokens[index + 1], tokens[index + 2]
        index += 3
        parents: tuple[str, ...] | None = None
        blob = ""
        while index < len(tokens):
            entry = tokens[index].lstrip("\n")
            if entry.startswith(_MARK):
                break
            if entry.startswith(":"):
                count = len(entry) - len(entry.lstrip(":"))
                fields = entry.lstrip(":").split()
                found = [b if b != _NULL else "" for b in fields[count + 1 : 2 * count + 2]]
                if len(found) == count + 1:
                    parents, blob = tuple(found[:count]), found[count]
                index += 2  # the entry, then its path
                continue
            index += 1
        if parents is not None:
            commits.append(FileCommit(commit, email, name, parents, blob))
    return commits


def _state(relative: str, data: bytes) -> FileState:
    """Content hash and approval entries of one version, read as leniently as possible.

    A version that fails the schema still has approvals worth attributing, so this reads
    the raw mapping rather than a validated spec.
    """
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


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProvenanceIssue:
    """One approval git does not back up, and the commit concerned, if any."""

    kind: str
    """author | content | signature | self | history"""
    message: str
    approval_index: int | None = None
    commit: str | None = None


def allowed_signers_path(settings: Settings) -> Path:
    return settings.allowed_signers or settings.root / DEFAULT_ALLOWED_SIGNERS


_LAST: tuple[PromptSpec, list[ProvenanceIssue]] | None = None


def provenance_issues(spec: PromptSpec, settings: Settings) -> list[ProvenanceIssue]:
    """Every approval of `spec` that git history does not back up, in file order.

    Empty when the tier does not set `verify_approvals` or the file is not inside a git
    repository. The G rules ask once each for the same file, so the last answer is kept.
    """
    global _LAST
    if _LAST is not None and _LAST[0] is spec:
        return _LAST[1]
    issues = _provenance_issues(spec, settings)
    _LAST = (spec, issues)
    return issues


def _provenance_issues(spec: PromptSpec, settings: Settings) -> list[ProvenanceIssue]:
    path = spec.path
    if path is None or not spec.approvals or not settings.tier(spec.tier).verify_approvals:
        return []
    try:
        history = load_history(path)
    except GitError as exc:
        return [ProvenanceIssue("history", f"approvals cannot be verified: {exc.message}")]
    if history is None:
        return []
    if history.shallow:
        return [
            ProvenanceIssue(
                "history",
                "approvals cannot be verified: this clone is shallow, so the commits that "
                "added them may be missing; fetch the full history (`git fetch --unshallow`, "
                "or `fetch-depth: 0` for actions/checkout)",
            )
        ]
    issues: list[ProvenanceIssue] = []
    adders: dict[int, FileCommit] = {}
    committed = history.committed_hashes
    for index, approval in enumerate(spec.approvals):
        reviewer, approved = approval.reviewer, approval.content_hash
        added = history.approval_added(reviewer, approved)
        if added is None:
            if history.approval_committed(reviewer, approved):
                issues.append(
                    ProvenanceIssue(
                        "author",
                        f"the approval by {reviewer} is in the history of "
                        f"{history.relative}, but no commit there adds it; it cannot be "
                        "traced to its reviewer",
                        index,
                    )
                )
            continue  # only in the working tree: checked once it is committed
        adders[index] = added
        if not added.authored_by(reviewer):
            issues.append(
                ProvenanceIssue(
                    "author",
                    f"the approval by {reviewer} was added in {added.describe()}, not by "
                    f"{reviewer}; an approval counts only when the reviewer commits it "
                    "(`promptreg approve`, then `git commit` as that reviewer)",
                    index,
                    added.id,
                )
            )
        if approved not in committed:
            issues.append(
                ProvenanceIssue(
                    "content",
                    f"the approval by {reviewer} (added in commit {added.short}) names content "
                    f"{approved[:15]}… that {spec.id} was never committed with"
                    f"{_match_elsewhere(approved, settings, path)}; an approval covers one "
                    "prompt's content and cannot be copied",
                    index,
                    added.id,
                )
            )
        else:
            author = history.content_introduced(approved)
            if author is not None and author.authored_by(reviewer):
                issues.append(
                    ProvenanceIssue(
                        "self",
                        f"{reviewer} approved content they wrote themselves ({author.describe()} "
                        "made it); someone other than the author must approve it",
                        index,
                        author.id,
                    )
                )
    if settings.require_signed and adders:
        issues.extend(_signature_issues(spec, settings, history, adders))
    issues.sort(key=lambda issue: issue.approval_index or 0)
    return issues


def _signature_issues(
    spec: PromptSpec, settings: Settings, history: FileHistory, adders: dict[int, FileCommit]
) -> list[ProvenanceIssue]:
    signers = allowed_signers_path(settings)
    shown = _shown(signers, settings.root)
    if not signers.is_file():
        return [
            ProvenanceIssue(
                "signature",
                f"require_signed is set but the allowed-signers file {shown} does not exist, "
                f"so the commit adding the approval by {spec.approvals[i].reviewer} "
                f"({commit.short}) cannot be verified",
                i,
                commit.id,
            )
            for i, commit in adders.items()
        ]
    try:
        verdicts = history.signatures((c.id for c in adders.values()), signers)
    except GitError as exc:
        return [ProvenanceIssue("signature", f"signatures cannot be verified: {exc.message}")]
    issues = []
    for index, commit in adders.items():
        reviewer = spec.approvals[index].reviewer
        verdict = verdicts[commit.id]
        if verdict.status == "G" and verdict.principal.casefold() == reviewer.casefold():
            continue
        if verdict.status == "G":
            what = f"a good signature by the key of {verdict.principal}, not of {reviewer}"
        else:
            what = _SIGNATURE_WORDS.get(verdict.status, "an unknown signature status").format(
                signers=shown
            )
        issues.append(
            ProvenanceIssue(
                "signature",
                f"the approval by {reviewer} was added in {commit.describe()}, which has "
                f"{what}; require_signed needs it signed with a key listed for {reviewer} "
                f"in {shown} (`git commit -S` with gpg.format=ssh)",
                index,
                commit.id,
            )
        )
    return issues


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


_REGISTRY_INDEX: dict[Path, dict[str, list[tuple[Path, str]]]] = {}


def _match_elsewhere(approved: str, settings: Settings, path: Path) -> str:
    """The words ", but it matches …" when another prompt has that content or approval.

    Read once per process and only when an approval names unknown content, which is rare.
    """
    directory = settings.registry_dir
    if directory not in _REGISTRY_INDEX:
        index: dict[str, list[tuple[Path, str]]] = {}
        for other in prompt_files(directory):
            value: Any = read_document(other).value
            if not isinstance(value, dict):
                continue
            name = f"{value.get('id', other.name)} {value.get('version', '')}".strip()
            where = (other.resolve(), name)
            with contextlib.suppress(TypeError, ValueError):
                index.setdefault(content_hash(value), []).append(where)
            for item in value.get("approvals") or ():
                if isinstance(item, dict) and isinstance(item.get("content_hash"), str):
                    index.setdefault(item["content_hash"], []).append(where)
        _REGISTRY_INDEX[directory] = index
    me = path.resolve()
    for other, name in _REGISTRY_INDEX[directory].get(approved, ()):
        if other != me:
            return f", but it matches prompt {name} ({_shown(other, settings.root)})"
    return ""


# --- the author of the content, for `promptreg approve` -------------------------------


@dataclass(frozen=True, slots=True)
class ContentAuthor:
    email: str
    where: str
    """"commit 1a2b3c4d5e by Ada <ada@…>" or "uncommitted changes in the working tree"."""


def content_author(path: Path, current_hash: str, identity: str) -> ContentAuthor:
    """Who made the file's current content: the four-eyes check of `promptreg approve`.

    Content that differs from HEAD's is an uncommitted change, so its author is whoever
    runs the command (`identity`).
    """
    history = load_history(path)
    if history is None:
        raise GitError(
            f"{path} is not inside a git repository",
            hint="approvals are checked against git history; approve inside the registry's "
            "repository",
        )
    if history.head is None or history.head.content_hash != current_hash:
        return ContentAuthor(identity, "uncommitted changes in the working tree")
    if history.shallow:
        raise GitError(
            "this clone is shallow, so the author of the content cannot be found",
            hint="fetch the full history: `git fetch --unshallow`",
        )
    commit = history.content_introduced(current_hash)
    if commit is None:
        raise PromptregError(
            f"cannot find the commit that made the current content of {history.relative}",
            hint="this happens when only a merge commit holds it; commit the content in a "
            "commit of its own and try again",
        )
    return ContentAuthor(commit.author_email, commit.describe())


def cache_token(settings: Settings) -> str:
    """What the G011 to G014 findings depend on beyond the file: HEAD and the signers file.

    For the lint result cache's fingerprint: committing an approval changes nothing in
    the file's bytes but everything for these rules.
    """
    root = _root_of(settings.root.resolve())
    head = ""
    if root is not None:
        process = git(["rev-parse", "--verify", "--quiet", "HEAD"], root, check=False)
        head = process.stdout.decode().strip()
    stamp = ""
    if settings.require_signed:
        try:
            stamp = hashlib.sha256(allowed_signers_path(settings).read_bytes()).hexdigest()
        except OSError:
            stamp = "missing"
    return f"{head}:{stamp}"
