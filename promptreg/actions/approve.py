"""Approving a prompt: plan, lint, write; what `promptreg approve` and the TUI both call.

The reviewer is a git identity (`git config user.email` of the repository unless the
caller names one). Nothing is committed here: the reviewer commits the change, so the
commit that adds the approval is authored (and, with `require_signed`, signed) by them,
which is what the G011 and G013 rules check later. docs/governance.md describes the flow.

The decisions are promptreg.governance.approval_plan's; this layer adds the one check
that needs the linter (content that fails the standards cannot be approved) and the
write through promptreg.edit, which keeps every comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import UsageError
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval, PromptSpec
from promptreg.core.tree import path_for_id, spec_by_id
from promptreg.edit.rewrite import approval_text, write_edit
from promptreg.git.repo import Repository
from promptreg.governance.approval import approval_issues
from promptreg.governance.approval_plan import ApprovalRefused, plan_approval
from promptreg.governance.file_history import load_history
from promptreg.lint.finding import Finding

APPROVAL_RECORD_RULES = frozenset(
    ("G002", "G003", "G004", "G005", "G006", "G011", "G012", "G013", "G014")
)
"""Findings about the approval record, not about the content being approved.

They say the prompt lacks valid approvals (too few, stale, from the wrong group, not
backed by git), which is what approving is there to resolve, or they concern another
reviewer's entry. Any other error-severity finding is about the content or the
standards it must meet (schema, templates, security, tokens, required fields, evals,
logging), and a reviewer must not sign off content that fails them.
"""


@dataclass(frozen=True, slots=True)
class ApprovalOutcome:
    """What was written, and what the reviewer needs to know next."""

    spec: PromptSpec
    """The prompt as it was approved (before the entry was added)."""
    approval: Approval
    replaced: int | None
    """The index of the reviewer's stale entry that was written over, if any."""
    path: Path
    root: Path
    """The top of the repository, where the reviewer commits."""
    valid: int | None
    """Valid approvals of this content now; None when the tier needs none."""
    needed: int
    """How many the tier needs."""
    signed: bool
    """Whether the approval commit must be signed (`require_signed`)."""
    status_set: bool = False
    """This approval completed the count and set `status: approved` (from review)."""

    @property
    def enough(self) -> bool:
        return self.valid is not None and self.valid >= self.needed


def approve_prompt(
    settings: Settings,
    prompt_id: str,
    identity: str | None = None,
    group: str | None = None,
    *,
    repo: Repository | None = None,
    today: dt.date | None = None,
) -> ApprovalOutcome:
    """Record `identity`'s approval of the prompt's current content in its file.

    `identity` None means the repository's `git config user.email`; `group` None means
    the reviewer's one group the tier accepts. Raises ApprovalRefused or UsageError
    (with what to do) and writes nothing when the approval cannot be given.
    """
    spec = spec_by_id(settings, prompt_id)
    path = path_for_id(settings.registry_dir, prompt_id)
    original = path.read_bytes()
    # From the registry's root, never the file's folder (promptreg.git.gitio says why).
    repo = repo if repo is not None else Repository.find(settings.root)
    if identity is None:
        identity = _identity(repo)
    plan = plan_approval(
        spec, settings, identity, load_history(path, repo), group=group, today=today, repo=repo
    )
    _lint_clean(settings, path)
    policy = settings.tier(spec.tier)
    stale = _stale_of_others(spec, plan.approval)
    completes = spec.status == "review" and _completes(spec, settings, plan.approval, stale)
    text = approval_text(
        original.decode("utf-8"),
        plan.approval,
        replace_index=plan.replace_index,
        status="approved" if completes else None,
        drop=stale if completes else (),
        path=path,
    )
    write_edit(path, original, text)
    return ApprovalOutcome(
        spec=spec,
        approval=plan.approval,
        replaced=plan.replace_index,
        path=path,
        root=repo.root,
        valid=_valid_approvals(path, settings) if policy.approvals else None,
        needed=policy.approvals,
        signed=settings.require_signed,
        status_set=completes,
    )


def _stale_of_others(spec: PromptSpec, approval: Approval) -> tuple[int, ...]:
    """Other reviewers' approvals of earlier content (the reviewer's own is replaced)."""
    return tuple(
        index
        for index, given in enumerate(spec.approvals)
        if given.content_hash != spec.content_hash
        and given.reviewer.casefold() != approval.reviewer.casefold()
    )


def _completes(
    spec: PromptSpec, settings: Settings, approval: Approval, stale: tuple[int, ...]
) -> bool:
    """Whether `approval` brings the prompt in review to its tier's count. The reviewer
    who gives the last one needed sets `status: approved` and drops the stale entries
    in the same commit, so nobody edits the file by hand between review and merge."""
    from dataclasses import replace

    others = [
        given
        for index, given in enumerate(spec.approvals)
        if index not in stale and given.reviewer.casefold() != approval.reviewer.casefold()
    ]
    after = replace(spec, approvals=(*others, approval), status="approved")
    return settings.tier(spec.tier).approvals > 0 and not approval_issues(after, settings)


def _identity(repo: Repository) -> str:
    email = repo.identity()
    if not email:
        raise UsageError(
            f"no git identity in {repo.root}: `git config user.email` is not set",
            hint="set it to the e-mail promptreg.yaml lists for you: "
            "`git config user.email you@example.com`",
        )
    return email


def _lint_clean(settings: Settings, path: Path) -> None:
    from promptreg.lint.runner import Linter  # the whole rule catalogue: only once planned

    blocking = [
        finding
        for finding in Linter(settings).lint_file(path)
        if finding.severity == "error" and finding.code not in APPROVAL_RECORD_RULES
    ]
    if blocking:
        raise ApprovalRefused(
            f"{path} has {len(blocking)} lint error{'s' if len(blocking) > 1 else ''}; "
            f"content that fails the standards cannot be approved:\n{_listed(blocking)}",
            hint=f"the author fixes them first; `promptreg lint {path}` shows every finding",
        )


def _listed(findings: list[Finding]) -> str:
    shown = "\n".join(
        f"  {finding.path}:{finding.span.line}:{finding.span.column}: {finding.code} "
        f"{finding.message}"
        for finding in findings[:10]
    )
    more = f"\n  … and {len(findings) - 10} more" if len(findings) > 10 else ""
    return shown + more


def _valid_approvals(path: Path, settings: Settings) -> int | None:
    """Valid approvals in the file as written; None if it no longer loads."""
    updated = load_prompt(path).spec
    if updated is None:
        return None
    flawed = {issue.approval_index for issue in approval_issues(updated, settings)}
    return sum(1 for index in range(len(updated.approvals)) if index not in flawed)
