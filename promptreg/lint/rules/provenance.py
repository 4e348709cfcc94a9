"""G: approvals verified against git history, for tiers with `verify_approvals: true`.

The file says who approved what; these rules ask git whether that is true (the logic,
and what "the commit that added an approval" means, is in promptreg.governance.provenance).
Outside a git repository nothing can be checked, and G020 says so: silence there would
let a checkout without history pass any approval. Approvals not committed yet are left
alone until they are.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.governance.provenance import ProvenanceIssue


def _issues(ctx: FileContext, *kinds: str) -> Iterator[ProvenanceIssue]:
    # The run's repository, found once by the linter from promptreg.yaml's folder (None:
    # there is none, which G020 reports).
    if not ctx.spec.approvals:
        return iter(())  # nothing claimed, nothing to verify: git and histories stay unloaded
    from promptreg.governance.provenance import provenance_issues

    git = ctx.git if ctx.git is not None else ctx.base.repo if ctx.base is not None else None
    return (i for i in provenance_issues(ctx.spec, ctx.settings, git) if i.kind in kinds)


def _hit(ctx: FileContext, issue: ProvenanceIssue, field: str) -> Hit:
    if issue.approval_index is None:
        return ctx.hit(issue.message, ("approvals",), key=True)
    return ctx.hit(issue.message, ("approvals", issue.approval_index, field))


def check_approval_author(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "author", "history"):
        yield _hit(ctx, issue, "reviewer")


def check_approved_content_committed(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "content"):
        yield _hit(ctx, issue, "content_hash")


def check_approval_signature(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "signature"):
        yield _hit(ctx, issue, "reviewer")


def check_self_approval(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "self"):
        yield _hit(ctx, issue, "reviewer")


def check_provenance_available(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "unavailable"):
        yield _hit(ctx, issue, "reviewer")


_NEEDS_GIT = (
    "`tiers.<n>.verify_approvals` in promptreg.yaml. Needs the file's git history; "
    "outside a repository G020 is reported instead, and a shallow clone is reported "
    "because it hides the commits to check."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "G011",
        "approval-not-committed-by-reviewer",
        "An approval was committed by someone other than the reviewer it names.",
        RuleDoc(
            what="On tiers with `verify_approvals: true`: approvals whose entry was added "
            "to the file by a commit whose author e-mail is not the reviewer's. The "
            "finding names the commit. The commit that added an entry is the newest one "
            "whose version of the file holds it while its parents' versions do not.",
            why="Anyone can type `reviewer: mei@example.com` into a file. The commit that "
            "adds the entry is the evidence that Mei approved: `promptreg approve` writes "
            "the entry, and the reviewer commits it under their own identity.",
            example="# commit 1a2b3c4d5e by Ravi <ravi@example.com> adds:\napprovals:\n"
            "  - {reviewer: mei@example.com, group: compliance, date: 2026-11-20, "
            "content_hash: sha256:…}\n",
            use_instead="# Mei runs `promptreg approve legal/nda-review` and commits the "
            "change herself\n",
            options=_NEEDS_GIT,
            fix_safety="No automatic fix: only the reviewer can make the commit.",
        ),
        check=check_approval_author,
    ),
    Rule(
        "G012",
        "approval-of-uncommitted-content",
        "An approval names content this prompt was never committed with.",
        RuleDoc(
            what="On tiers with `verify_approvals: true`: committed approvals whose "
            "`content_hash` matches no committed version of this prompt, such as an "
            "approval copied from another prompt. The finding names the commit that added "
            "it and, when one matches, the prompt whose content it is.",
            why="An approval covers exactly the content the reviewer saw in this prompt. "
            "A hash that this prompt never had was approved somewhere else, or made up.",
            example="# copied from support/reply-draft:\napprovals:\n"
            "  - {reviewer: dana@example.com, …, content_hash: sha256:<reply-draft's hash>}\n",
            use_instead="Ask the reviewer to approve this prompt: `promptreg approve ID`.",
            options=_NEEDS_GIT,
            fix_safety="No automatic fix: only a reviewer can approve.",
        ),
        check=check_approved_content_committed,
    ),
    Rule(
        "G013",
        "approval-commit-not-signed",
        "The commit that added an approval is not signed by the reviewer's key.",
        RuleDoc(
            what="With `require_signed: true` in promptreg.yaml, on tiers with "
            "`verify_approvals: true`: approvals whose adding commit has no good SSH "
            "signature by a key that the allowed-signers file (`allowed_signers`, default "
            "`.promptreg/allowed_signers`) lists for the reviewer. Git checks the signature "
            "(`gpg.ssh.allowedSignersFile`); a missing allowed-signers file fails every "
            "approval.",
            why="A commit's author is whatever the committer's git configuration says. A "
            "signature by a key the registry lists for the reviewer proves the reviewer "
            "made the approval commit.",
            example="git commit -m 'Approve legal/nda-review'      # unsigned\n",
            use_instead="git -c gpg.format=ssh -c user.signingkey=~/.ssh/id_ed25519 "
            "commit -S -m 'Approve legal/nda-review'\n",
            options="`require_signed` and `allowed_signers` in promptreg.yaml; lines of the "
            'allowed-signers file read `mei@example.com namespaces="git" ssh-ed25519 '
            "AAAA…`. " + _NEEDS_GIT,
            fix_safety="No automatic fix: only the reviewer's key can sign.",
        ),
        check=check_approval_signature,
    ),
    Rule(
        "G014",
        "self-approval",
        "A reviewer approved content they committed themselves.",
        RuleDoc(
            what="On tiers with `verify_approvals: true`: committed approvals whose "
            "reviewer is the author of the commit that made the approved content (the "
            "newest commit that changed the prompt's content hash to the approved one). "
            "With `require_signed: true` the author field does not count: the writer is "
            "the person whose listed key signed that commit, and a content commit with no "
            "good signature fails every approval of that content.",
            why="Four eyes: the person who wrote a change cannot be the one who signs it "
            "off. `promptreg approve` refuses this before it writes anything; this rule "
            "catches an approval that was typed in or committed around it.",
            example="# commit 1a2b3c4d5e by Mei edits the system message, then Mei approves\n",
            use_instead="# Mei edits; Jo and Amara approve\n",
            options=_NEEDS_GIT,
            fix_safety="No automatic fix: another reviewer must approve.",
        ),
        check=check_self_approval,
    ),
    Rule(
        "G020",
        "provenance-unavailable",
        "Approvals on a tier that verifies them cannot be checked: no git repository.",
        RuleDoc(
            what="On tiers with `verify_approvals: true`: a prompt with approvals whose "
            "history cannot be read, because the folder of promptreg.yaml is in no git "
            "repository (or git is not installed), or the file lies outside the "
            "repository found there. The repository is looked for once per run, from "
            "the folder of promptreg.yaml, never from the prompt's own folder.",
            why="G011 to G014 can only check approvals against the commits that made "
            "them. Without those commits, a typed-in approval would pass unchallenged; "
            "and a folder committed in the registry that looks like a git repository "
            "must not be able to make the checks believe there is no history.",
            example="# a copy of the registry without .git (an archive, a CI cache)\n"
            "approvals:\n  - {reviewer: mei@example.com, group: compliance, date: "
            "2026-11-20, content_hash: sha256:…}\n",
            use_instead="Lint a clone with the full history: `git clone`, or "
            "`fetch-depth: 0` for actions/checkout.\n",
            options="`tiers.<n>.verify_approvals` in promptreg.yaml.",
            fix_safety="No automatic fix: the history has to be there.",
        ),
        check=check_provenance_available,
    ),
)
