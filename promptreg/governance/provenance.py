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
does (promptreg.governance.file_history). Newest, not first: an entry that was removed
and typed in again belongs to whoever typed it in again. Merge commits add an entry
only when the merge result holds it and no parent does (an "evil merge"); a clean merge
of a reviewer's branch leaves the reviewer's own commit as the one that added it.

Approvals that exist only in the working tree or the index are not checked: the commit
that will add them does not exist yet. CI lints committed states, where every entry has
a commit; `promptreg approve` says how to make that commit.

Git is asked a bounded number of times per file, however long its history: the file's
log and blobs (file_history), and, only when signatures are required, one
`git log --no-walk` for the commits that added approvals. Everything read is kept by
the caller's Repository (promptreg.git.repo), so the four G rules asking about one file
read its history once, and a new Repository sees new commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.git.gitio import GitError
from promptreg.git.log import Commit
from promptreg.git.repo import Repository
from promptreg.governance.copied import match_elsewhere, shown
from promptreg.governance.file_history import FileHistory, history_at, load_history
from promptreg.governance.signers_file import DEFAULT_ALLOWED_SIGNERS as DEFAULT_ALLOWED_SIGNERS
from promptreg.governance.signers_file import allowed_signers_path as allowed_signers_path
from promptreg.governance.signers_file import cache_token as cache_token

"""Where the allowed-signers file is when promptreg.yaml does not say (the schema's default)."""

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
class ProvenanceIssue:
    """One approval git does not back up, and the commit concerned, if any."""

    kind: str
    """author | content | signature | self | history | unavailable"""
    message: str
    approval_index: int | None = None
    commit: str | None = None


LOCATE: Literal["locate"] = "locate"
"""Passed as `repo`: find the repository from the registry's root for this call alone."""


def provenance_issues(
    spec: PromptSpec, settings: Settings, repo: Repository | Literal["locate"] | None = LOCATE
) -> tuple[ProvenanceIssue, ...]:
    """Every approval of `spec` that git history does not back up, in file order.

    Empty when the tier does not set `verify_approvals` or there is nothing to verify.
    `repo` is the caller's Repository (a lint run's, found once from promptreg.yaml's
    folder): the G rules ask once each for the same spec, and it keeps the answer. None
    means the caller looked and there is no repository, which is an "unavailable" issue,
    never silence: approvals nobody can check are not approvals. The repository is never
    looked for from the file's own folder, whose contents the change under review picks.
    """
    path = spec.path
    if path is None or not spec.approvals or not settings.tier(spec.tier).verify_approvals:
        return ()
    if repo == LOCATE:
        repo = Repository.at(settings.root)
    if not isinstance(repo, Repository):
        return (_unavailable(spec, settings, f"{settings.root} is not in a git repository"),)
    if repo.relative(path) is None:
        return (_unavailable(spec, settings, f"it lies outside the repository at {repo.root}"),)
    # Keyed by what the answer reads of the spec, so linting an unchanged file again
    # reuses it; the entry keeps `settings` alive, so its id is not reused meanwhile.
    approvals = tuple((a.reviewer, a.content_hash) for a in spec.approvals)
    key = ("provenance-issues", path, spec.id, spec.tier, approvals, id(settings))
    found, file = repo, path
    entry = found.memo(key, lambda: (settings, _issues(spec, file, settings, found)))
    return entry[1]


def _unavailable(spec: PromptSpec, settings: Settings, why: str) -> ProvenanceIssue:
    return ProvenanceIssue(
        "unavailable",
        f"tier {spec.tier} verifies approvals against git history, but the approvals of "
        f"{spec.id} cannot be verified: {why}; lint a clone with the full history "
        "(`git clone`, or `fetch-depth: 0` for actions/checkout)",
    )


def provenance_issues_at(
    spec: PromptSpec, settings: Settings, repo: Repository, relative: str, commit: str
) -> tuple[ProvenanceIssue, ...]:
    """The issues of `spec` as committed at `commit` (the file at `relative` there), with
    the history that commit descends from: what a pinned version's approvals were worth
    when the branch was in that state. Empty when the tier does not verify approvals."""
    if not spec.approvals or not settings.tier(spec.tier).verify_approvals:
        return ()
    return _issues(spec, repo.root / relative, settings, repo, relative, commit)


def _issues(
    spec: PromptSpec,
    path: Path,
    settings: Settings,
    repo: Repository,
    relative: str | None = None,
    rev: str | None = None,
) -> tuple[ProvenanceIssue, ...]:
    try:
        history = load_history(path, repo) if relative is None else history_at(repo, relative, rev)
    except GitError as exc:
        return (ProvenanceIssue("history", f"approvals cannot be verified: {exc.message}"),)
    if history is None:
        return ()
    if history.shallow:
        return (
            ProvenanceIssue(
                "history",
                "approvals cannot be verified: this clone is shallow, so the commits that "
                "added them may be missing; fetch the full history (`git fetch --unshallow`, "
                "or `fetch-depth: 0` for actions/checkout)",
            ),
        )
    issues: list[ProvenanceIssue] = []
    adders: dict[int, Commit] = {}
    made: dict[int, Commit] = {}
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
                    f"{match_elsewhere(approved, settings, path, repo)}; an approval covers one "
                    "prompt's content and cannot be copied",
                    index,
                    added.id,
                )
            )
        else:
            author = history.content_introduced(approved)
            if author is not None:
                made[index] = author
    writers = content_writers([*made.values(), *adders.values()], settings, repo)
    signers = shown(allowed_signers_path(settings), settings.root)
    for index, author in made.items():
        reviewer = spec.approvals[index].reviewer
        writer = writers[author.id]
        if writer is None:
            message = (
                f"the content {reviewer} approved was made in {author.describe()}, which "
                f"has no good signature by a key in {signers}; "
                "with require_signed, who wrote content is known only from a signature, so "
                "four eyes cannot be checked: commit content signed (`git commit -S`)"
            )
        elif writer.casefold() == reviewer.casefold():
            signed = f", signed with {writer}'s key" if settings.require_signed else ""
            message = (
                f"{reviewer} approved content they wrote themselves ({author.describe()} "
                f"made it{signed}); someone other than the author must approve it"
            )
        else:
            continue
        issues.append(ProvenanceIssue("self", message, index, author.id))
    if settings.require_signed and adders:
        issues.extend(_signature_issues(spec, settings, repo, adders))
    issues.sort(key=lambda issue: issue.approval_index or 0)
    return tuple(issues)


def content_writers(
    commits: list[Commit], settings: Settings, repo: Repository
) -> dict[str, str | None]:
    """Who wrote each commit, as far as four eyes may trust it, by commit id.

    Without require_signed, the author e-mail git records. With it, the author field is
    whatever the committer typed, so the writer is the allowed-signers principal of the
    commit's good signature, and None (nobody can tell) for any other signature or none.
    All the commits' signatures are read with one git call, kept by `repo`.
    """
    if not settings.require_signed:
        return {commit.id: commit.author_email for commit in commits}
    signers = allowed_signers_path(settings)
    if not commits or not signers.is_file():
        return dict.fromkeys((commit.id for commit in commits), None)
    try:
        verdicts = repo.signatures((commit.id for commit in commits), signers)
    except GitError:
        return dict.fromkeys((commit.id for commit in commits), None)
    return {
        commit: verdict.principal if verdict.status == "G" and verdict.principal else None
        for commit, verdict in verdicts.items()
    }


def _signature_issues(
    spec: PromptSpec, settings: Settings, repo: Repository, adders: dict[int, Commit]
) -> list[ProvenanceIssue]:
    signers = allowed_signers_path(settings)
    where = shown(signers, settings.root)
    if not signers.is_file():
        return [
            ProvenanceIssue(
                "signature",
                f"require_signed is set but the allowed-signers file {where} does not exist, "
                f"so the commit adding the approval by {spec.approvals[i].reviewer} "
                f"({commit.short}) cannot be verified",
                i,
                commit.id,
            )
            for i, commit in adders.items()
        ]
    try:
        verdicts = repo.signatures((c.id for c in adders.values()), signers)
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
                signers=where
            )
        issues.append(
            ProvenanceIssue(
                "signature",
                f"the approval by {reviewer} was added in {commit.describe()}, which has "
                f"{what}; require_signed needs it signed with a key listed for {reviewer} "
                f"in {where} (`git commit -S` with gpg.format=ssh)",
                index,
                commit.id,
            )
        )
    return issues


# --- the author of the content, for `promptreg approve` -------------------------------


@dataclass(frozen=True, slots=True)
class ContentAuthor:
    email: str
    where: str
    """"commit 1a2b3c4d5e by Ada <ada@…>" or "uncommitted changes in the working tree"."""


def content_author(
    history: FileHistory,
    current_hash: str,
    identity: str,
    settings: Settings | None = None,
    repo: Repository | None = None,
) -> ContentAuthor:
    """Who made the file's current content: the four-eyes check of `promptreg approve`.

    Content that differs from HEAD's is an uncommitted change, so its author is whoever
    runs the command (`identity`). With require_signed (`settings`, read through
    `repo`), a committed change's author is its signer, as G014 takes it.
    """
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
    if settings is None or repo is None or not settings.require_signed:
        return ContentAuthor(commit.author_email, commit.describe())
    writer = content_writers([commit], settings, repo)[commit.id]
    if writer is None:
        raise PromptregError(
            f"the current content of {history.relative} was made in {commit.describe()}, "
            "which has no good signature by a listed key; with require_signed, who wrote "
            "it is known only from a signature, so four eyes cannot be checked",
            hint="the author commits the content again, signed (`git commit -S` with "
            "gpg.format=ssh and a key in the allowed-signers file)",
        )
    return ContentAuthor(writer, f"{commit.describe()}, signed with {writer}'s key")
