"""Whether a prompt's approvals satisfy its tier: one answer for the SDK and the linter.

Pure logic over the spec and the settings; checking approvals against git history is
a separate layer, because production reads bundles without git.
"""

from __future__ import annotations

from promptreg.core.config import Settings
from promptreg.core.model import Approval, PromptSpec
from promptreg.core.records import Record


class ApprovalIssue(Record):
    """One reason a prompt's approvals fall short, and the approval it concerns, if any
    (a named tuple: cheaper to define at start-up than a frozen dataclass)."""

    kind: str
    message: str
    approval_index: int | None = None


def in_group(settings: Settings, reviewer: str, group: str) -> bool:
    """Whether promptreg.yaml lists `reviewer` under `group`, spelled as listed.

    The one membership test: `promptreg approve` choosing a group, the approval checks
    of the SDK and the linter. Spelling is exact; `listed_spelling` maps a git identity
    to the spelling first.
    """
    return reviewer in settings.reviewers.get(group, ())


def former_member(settings: Settings, reviewer: str, group: str) -> bool:
    """Whether promptreg.yaml lists `reviewer` under `former_reviewers.<group>`: someone
    who left the group, whose approvals given while a member still count (docs/
    governance.md, "Offboarding a reviewer"). They give no new ones: `promptreg approve`
    asks `in_group`, and with a base, G003 refuses an approval the base did not have."""
    return reviewer in settings.former_reviewers.get(group, ())


def accepted_groups(settings: Settings, tier: int) -> tuple[str, ...]:
    """The groups whose approvals count for `tier`: its own, then those of every stricter
    tier that names groups. Whoever may sign off more risk may sign off less, which is
    also how a prompt's tier is lowered: the base tier's reviewers approve the lowered
    prompt (G021). () when the tier names no groups (any group's member counts)."""
    own = settings.tier(tier).groups
    if not own:
        return ()
    stricter = (g for t in sorted(settings.tiers) if t > tier for g in settings.tier(t).groups)
    return tuple(dict.fromkeys((*own, *stricter)))


def groups_of(settings: Settings, reviewer: str) -> list[str]:
    """Every group that lists `reviewer`, in promptreg.yaml's order."""
    return [group for group in settings.reviewers if in_group(settings, reviewer, group)]


def listed_spelling(settings: Settings, identity: str) -> str:
    """The identity as promptreg.yaml spells it (e-mail case may differ in git config)."""
    for members in settings.reviewers.values():
        for member in members:
            if member.casefold() == identity.casefold():
                return member
    return identity


def approval_issues(spec: PromptSpec, settings: Settings) -> list[ApprovalIssue]:
    """Everything standing between this prompt and being served, in file order."""
    issues: list[ApprovalIssue] = []
    policy = settings.tier(spec.tier)
    valid: set[str] = set()
    seen: set[str] = set()
    groups = accepted_groups(settings, spec.tier)
    for index, approval in enumerate(spec.approvals):
        problem = _approval_problem(spec, settings, approval, groups, seen)
        seen.add(approval.reviewer)
        if problem:
            issues.append(ApprovalIssue(problem[0], problem[1], index))
        else:
            valid.add(approval.reviewer)
    if len(valid) < policy.approvals:
        named = " or ".join(policy.groups) or "any group"
        issues.append(
            ApprovalIssue(
                "count",
                f"tier {spec.tier} needs {policy.approvals} valid approval"
                f"{'s' if policy.approvals > 1 else ''} from {named}; it has {len(valid)}",
            )
        )
    return issues


def _approval_problem(
    spec: PromptSpec,
    settings: Settings,
    approval: Approval,
    groups: tuple[str, ...],
    seen: set[str],
) -> tuple[str, str] | None:
    if approval.reviewer in seen:
        return "duplicate", f"{approval.reviewer} approved more than once; an approval counts once"
    if approval.content_hash != spec.content_hash:
        return (
            "stale",
            f"the approval by {approval.reviewer} on {approval.date} is stale: it approved "
            f"{approval.content_hash[:15]}…, the content is now {spec.content_hash[:15]}…",
        )
    if approval.group not in settings.reviewers:
        return (
            "group",
            f"group {approval.group!r} of {approval.reviewer} is not defined in promptreg.yaml",
        )
    if not in_group(settings, approval.reviewer, approval.group) and not former_member(
        settings, approval.reviewer, approval.group
    ):
        return "member", f"{approval.reviewer} is not a member of group {approval.group!r}"
    if groups and approval.group not in groups:
        return (
            "group",
            f"tier {spec.tier} needs approvals from {' or '.join(groups)}, "
            f"not {approval.group!r} ({approval.reviewer})",
        )
    return None


def serving_refusal(spec: PromptSpec, settings: Settings) -> str | None:
    """Why the SDK must not serve this prompt, or None when it may."""
    if spec.status != "approved":
        return f"its status is {spec.status!r}, not 'approved'"
    issues = approval_issues(spec, settings)
    if not issues:
        return None
    stale = next((i for i in issues if i.kind == "stale"), None)
    return (stale or issues[0]).message
