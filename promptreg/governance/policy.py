"""The policy a change is judged by: promptreg.yaml and the allowed-signers file as they
are at the base revision, and whether the change edits them.

A pull request is untrusted: if its own promptreg.yaml or signers file decided who may
approve, it could add a key under a reviewer's address, or lower the bar, in the very
change it is judged by. So with `--base` the run's settings are parsed from the base's
blobs (`git cat-file` of `BASE:promptreg.yaml`), and the base's allowed-signers file is
copied out of git into a private temporary folder for git to verify signatures with.

A change to either file is a governance change of its own (G019). It is approved by
commits, made after the change, by members of the groups the base's strictest tier
names, each carrying the trailer `Promptreg-Policy: <hash of the proposed policy>`
(signed by the member's key in the base's signers file when the base requires
signatures). A trailer in a commit, rather than an entry in a file, because the file
being approved is the thing in dispute, and a commit is what git can tell the author
and the signature of. docs/governance.md explains the flow.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.bounded import MAX_CONFIG_BYTES, MAX_SIGNERS_BYTES, read_bounded
from promptreg.core.config import Settings, parse_config
from promptreg.git import gitio
from promptreg.git.repo import Repository
from promptreg.governance.approval import in_group, listed_spelling

TRAILER = "Promptreg-Policy"
"""The commit trailer that approves a policy change: `Promptreg-Policy: sha256:…`."""

DEFAULT_SIGNERS = ".promptreg/allowed_signers"


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One file of the policy, as the base has it and as the change has it."""

    relative: str
    """Its path from the repository's top."""
    path: Path
    """Its place in the work tree."""
    base: bytes | None
    """Its bytes at the base; None when the base has no such file."""
    proposed: bytes | None
    """Its bytes in the work tree; None when the change deletes it (or never had it)."""

    @property
    def changed(self) -> bool:
        return self.base != self.proposed


@dataclass(frozen=True, slots=True)
class BasePolicy:
    """The settings a run with `--base` uses, and what the change proposes instead."""

    settings: Settings
    """Parsed from the base's promptreg.yaml; the signers file is the base's copy."""
    proposed: Settings
    """The work tree's promptreg.yaml, as the change would leave it."""
    files: tuple[PolicyFile, ...]
    commit: str
    """The base commit ("" before the first commit: the work tree is all there is)."""
    config_bytes: bytes
    """The base's promptreg.yaml, for the lint cache's fingerprint."""

    @property
    def changed(self) -> tuple[PolicyFile, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def digest(self) -> str:
        """The hash a policy approval names: of every policy file as the change has it."""
        hasher = hashlib.sha256()
        for file in self.files:
            data = file.proposed if file.proposed is not None else b""
            hasher.update(f"{file.relative}\0{len(data)}\0".encode())
            hasher.update(data)
        return "sha256:" + hasher.hexdigest()


def load_base_policy(settings: Settings, repo: Repository, commit: str) -> BasePolicy:
    """The policy at `commit` for a run in the work tree of `settings`, read once per
    repository snapshot (the session and G019 share it).

    A base without promptreg.yaml (the commit that adds it) has no policy to be judged
    by, so the work tree's is used, and it is reported as a change (G019) all the same.
    """
    key = ("base-policy", commit, str(settings.path))
    return repo.memo(key, lambda: _load(settings, repo, commit))


def _load(settings: Settings, repo: Repository, commit: str) -> BasePolicy:
    config_relative = repo.relative(settings.path) or settings.path.name
    if not commit:
        data = read_bounded(settings.path, MAX_CONFIG_BYTES, "promptreg.yaml")
        return BasePolicy(settings, settings, (), "", data)
    blobs = repo.blobs([f"{commit}:{config_relative}"])
    config_bytes = blobs.get(f"{commit}:{config_relative}")
    if config_bytes is None:
        base_settings = settings
    else:
        base_settings = parse_config(settings.path, config_bytes, revision=commit)
    signer_paths = {signers_path(base_settings), signers_path(settings)}
    files = [_policy_file(settings.path, config_relative, config_bytes, "promptreg.yaml")]
    for path in sorted(signer_paths):
        relative = repo.relative(path)
        if relative is None:
            continue  # outside the repository: nothing a pull request can change
        base = repo.blobs([f"{commit}:{relative}"]).get(f"{commit}:{relative}")
        files.append(_policy_file(path, relative, base, "allowed-signers file"))
    base_signers = signers_path(base_settings)
    relative_signers = repo.relative(base_signers)
    if relative_signers is not None:
        base_copy = next(f.base for f in files if f.relative == relative_signers)
        base_settings = _with_signers(base_settings, base_copy)
    return BasePolicy(base_settings, settings, tuple(files), commit, config_bytes or b"")


def signers_path(settings: Settings) -> Path:
    return settings.allowed_signers or settings.root / DEFAULT_SIGNERS


def _policy_file(path: Path, relative: str, base: bytes | None, what: str) -> PolicyFile:
    """The file as the base and the change have it. The change's copy is read bounded
    (FileTooLargeError names it): the pull request chose its size."""
    limit = MAX_CONFIG_BYTES if what == "promptreg.yaml" else MAX_SIGNERS_BYTES
    try:
        proposed = read_bounded(path, limit, what) if not path.is_symlink() else None
    except OSError:
        proposed = None
    return PolicyFile(relative, path, base, proposed)


_COPIES: dict[bytes, Path] = {}


def _with_signers(settings: Settings, data: bytes | None) -> Settings:
    """`settings` verifying signatures against `data` (the base's signers file), copied to
    a private folder; with no signers file at the base, against one that does not exist,
    which fails every signature as a missing file does."""
    from dataclasses import replace

    key = data if data is not None else b"\0missing"
    if key not in _COPIES:
        folder = Path(tempfile.mkdtemp(prefix="promptreg-signers-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "allowed_signers"
        if data is not None:
            with path.open("xb") as stream:
                stream.write(data)
        _COPIES[key] = path
    return replace(settings, allowed_signers=_COPIES[key], signers_in_tree=signers_path(settings))


@dataclass(frozen=True, slots=True)
class PolicyApprovals:
    """Who approved the proposed policy, and what the base's policy asks for."""

    needed: int
    groups: tuple[str, ...]
    approvers: tuple[str, ...]
    authors: tuple[str, ...]
    """Who changed the policy files since the base: they cannot approve their own change."""
    refused: tuple[str, ...]
    """Why approval commits did not count, one line each."""

    @property
    def enough(self) -> bool:
        return len(self.approvers) >= self.needed


def approving_policy(settings: Settings) -> tuple[int, tuple[str, ...]]:
    """How many approvals, from which groups, a policy change needs: the strictest
    tier's, as CODEOWNERS owns promptreg.yaml by that tier's reviewers; at least one
    from any group when no tier needs approvals."""
    for tier in sorted(settings.tiers, reverse=True):
        policy = settings.tier(tier)
        if policy.approvals > 0:
            return policy.approvals, policy.groups or tuple(settings.reviewers)
    return 1, tuple(settings.reviewers)


def policy_approvals(policy: BasePolicy, repo: Repository) -> PolicyApprovals:
    """The approval commits of the proposed policy in `base..HEAD`, checked against the
    base's reviewers (and its signers file when the base requires signatures)."""
    base = policy.settings
    needed, groups = approving_policy(base)
    if not policy.commit or not repo.head:
        return PolicyApprovals(needed, groups, (), (), ())
    span = f"{policy.commit}..{repo.head}"
    changed = [f.relative for f in policy.changed]
    authors = gitio.git(["log", "-z", "--format=%ae", span, "--", *changed], repo.root)
    made_by = {email.casefold() for email in gitio.zsplit(authors.stdout)}
    process = gitio.git(
        [
            "log",
            "-z",
            f"--format=%H%x1f%ae%x1f%(trailers:key={TRAILER},valueonly,separator=%x2C)",
            span,
        ],
        repo.root,
    )
    claims: list[tuple[str, str]] = []
    for record in gitio.zsplit(process.stdout):
        parts = record.strip("\n").split("\x1f")
        if len(parts) == 3 and policy.digest in parts[2].split(","):
            claims.append((parts[0], parts[1]))
    signatures = (
        repo.signatures([c for c, _ in claims], signers_path(base)) if base.require_signed else {}
    )
    approvers: dict[str, None] = {}
    refused: list[str] = []
    for commit, email in claims:
        who = listed_spelling(base, email)
        if not any(in_group(base, who, group) for group in groups):
            refused.append(f"{commit[:10]} by {email}: not in {' or '.join(groups)} at the base")
        elif who.casefold() in made_by:
            refused.append(f"{commit[:10]} by {email}: changed the policy files themselves")
        elif base.require_signed and (
            signatures[commit].status != "G"
            or signatures[commit].principal.casefold() != who.casefold()
        ):
            refused.append(f"{commit[:10]} by {email}: not signed by their key at the base")
        else:
            approvers.setdefault(who)
    return PolicyApprovals(needed, groups, tuple(approvers), tuple(sorted(made_by)), tuple(refused))
