"""G: governance per tier, from the tier policy in promptreg.yaml.

The approval checks share their logic with the SDK (promptreg.governance.approval), so the linter
and `Registry.get` can never disagree about whether a prompt may be served.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.governance.approval import (
    ApprovalIssue,
    approval_issues,
    former_member,
    in_group,
)
from promptreg.lint.context import FileContext, SuppressionContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import UNSUPPRESSIBLE_FAMILIES, Rule, RuleDoc, SuppressionCheck
from promptreg.lint.suppress import removal_fix

LOGGING_ORDER = {"none": 0, "metadata": 1, "full": 2}
_FIELD_PRESENT = {
    "changelog": lambda s: bool(s.changelog),
    "handoff": lambda s: s.handoff is not None,
    "limitations": lambda s: bool(s.limitations and s.limitations.strip()),
    "evals": lambda s: bool(s.evals),
    "tags": lambda s: bool(s.tags),
    "output": lambda s: s.output is not None,
}


def _issues(ctx: FileContext, *kinds: str) -> Iterator[ApprovalIssue]:
    return (issue for issue in approval_issues(ctx.spec, ctx.settings) if issue.kind in kinds)


def check_required_fields(ctx: FileContext) -> Iterator[Hit]:
    policy = ctx.settings.tier(ctx.spec.tier)
    for name in policy.require:
        present = _FIELD_PRESENT.get(name)
        if present is not None and not present(ctx.spec):
            yield ctx.hit(
                f"tier {ctx.spec.tier} requires `{name}`, which is missing or empty; "
                f"`promptreg new` scaffolds it (docs/format.md describes it)",
                ("tier",),
            )


def check_approval_count(ctx: FileContext) -> Iterator[Hit]:
    if ctx.spec.status != "approved" or not ctx.spec.approvals:
        return  # G006 covers approved prompts with no approvals at all
    for issue in _issues(ctx, "count"):
        yield ctx.hit(issue.message, ("approvals",), key=True)


def check_approval_groups(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "group", "member"):
        assert issue.approval_index is not None
        yield ctx.hit(issue.message, ("approvals", issue.approval_index, "group"))
    yield from _new_by_former_members(ctx)


def _new_by_former_members(ctx: FileContext) -> Iterator[Hit]:
    """A former member's approval counts only if it was there before they left: with a
    base, an entry the base did not have is a new approval they may not give."""
    if ctx.base is None or not ctx.settings.former_reviewers:
        return
    before = ctx.base.spec(ctx.path)
    known = set(before.approvals) if before is not None else set()
    for index, approval in enumerate(ctx.spec.approvals):
        if (
            approval not in known
            and former_member(ctx.settings, approval.reviewer, approval.group)
            and not in_group(ctx.settings, approval.reviewer, approval.group)
        ):
            yield ctx.hit(
                f"{approval.reviewer} left group {approval.group!r} (former_reviewers: in "
                "promptreg.yaml) and cannot give new approvals; approvals from before "
                f"{ctx.base.rev} still count",
                ("approvals", index, "group"),
            )


def check_stale_approvals(ctx: FileContext) -> Iterator[Hit]:
    approved = ctx.spec.status == "approved"
    for issue in _issues(ctx, "stale"):
        assert issue.approval_index is not None
        if approved:
            message = issue.message + (
                "; the content changed after approval, so it must be approved again "
                "(set status: review meanwhile, as `promptreg bump` does)"
            )
        else:
            message = issue.message + (
                f"; the prompt is in {ctx.spec.status!r}, so nothing is served: "
                f"reviewers approve the new content with `promptreg approve {ctx.spec.id}`"
            )
        yield Hit(
            message,
            ctx.document.span(("approvals", issue.approval_index, "content_hash")),
            severity=None if approved else "info",
        )


def check_duplicate_reviewers(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "duplicate"):
        assert issue.approval_index is not None
        yield ctx.hit(issue.message, ("approvals", issue.approval_index, "reviewer"))


def check_approved_without_approvals(ctx: FileContext) -> Iterator[Hit]:
    needed = ctx.settings.tier(ctx.spec.tier).approvals
    if ctx.spec.status == "approved" and needed and not ctx.spec.approvals:
        yield ctx.hit(
            f"status is approved but there are no approvals; tier {ctx.spec.tier} needs "
            f"{needed}. Set status to review until it is signed off",
            ("status",),
        )


def check_eval_count(ctx: FileContext) -> Iterator[Hit]:
    minimum = ctx.settings.tier(ctx.spec.tier).min_evals
    have = len(ctx.spec.evals)
    if have < minimum:
        where = ("evals",) if "evals" in ctx.document.value else ("tier",)
        yield ctx.hit(
            f"tier {ctx.spec.tier} needs at least {minimum} eval case"
            f"{'s' if minimum != 1 else ''}; this prompt has {have}",
            where,
            key=where == ("evals",),
        )


def check_logging_level(ctx: FileContext) -> Iterator[Hit]:
    minimum = ctx.settings.tier(ctx.spec.tier).logging
    if minimum is None:
        return
    level = ctx.spec.logging or "none"
    if LOGGING_ORDER[level] < LOGGING_ORDER[minimum]:
        where = ("logging",) if ctx.spec.logging else ("tier",)
        yield ctx.hit(
            f"logging is {level!r}; tier {ctx.spec.tier} requires at least {minimum!r}",
            where,
        )


def check_suppression_reasons(ctx: SuppressionContext) -> Iterator[Hit]:
    tier = ctx.file.spec.tier
    if not ctx.file.settings.tier(tier).suppression_reason:
        return
    for item in ctx.suppressions:
        if not item.reason:
            yield Hit(
                f"suppression of {', '.join(item.rules)} gives no reason; tier {tier} "
                "requires one (write it after the brackets, or as `reason:` of the "
                "lint.ignore entry)",
                item.span,
            )


def _waivable(code: str) -> bool:
    """Unknown codes count as waivable here: G010 reports them as naming no rule."""
    return code[:1] not in UNSUPPRESSIBLE_FAMILIES or not code[1:].isdigit()


def check_unused_suppressions(ctx: SuppressionContext) -> Iterator[Hit]:
    for item in ctx.suppressions:
        unused = [
            r
            for r in item.rules
            if r in ctx.selected and r not in item.used and _waivable(r) and r not in item.unknown
        ]
        if not item.unknown and not unused:
            continue
        what = (
            f"names no known rule ({', '.join(item.unknown)})"
            if item.unknown
            else f"suppresses no {', '.join(unused)} finding"
        )
        yield Hit(
            f"suppression {what}; remove it",
            item.span,
            removal_fix(item, ctx.file.document),
        )


def check_unsuppressible_suppressions(ctx: SuppressionContext) -> Iterator[Hit]:
    for item in ctx.suppressions:
        refused = [r for r in item.rules if r not in item.unknown and not _waivable(r)]
        if refused:
            yield Hit(
                f"{', '.join(refused)} cannot be suppressed from the prompt file: governance "
                "and version findings are waived only by the organisation, in promptreg.yaml "
                "(`lint.per_file_ignores`, read from the base revision with --base); the "
                "suppression has no effect, remove it",
                item.span,
                removal_fix(item, ctx.file.document),
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "G001",
        "missing-required-field",
        "A field the tier's policy requires is missing.",
        RuleDoc(
            what="Fields listed in `require:` of the prompt's tier in promptreg.yaml "
            "(changelog, handoff, limitations, evals, tags, output) that are absent or empty.",
            why="Higher tiers carry more risk: reviewers and auditors need to see how the "
            "human and the model share the work (handoff), what the prompt cannot do "
            "(limitations) and how it changed (changelog).",
            example="tier: 2\n# no handoff, limitations or changelog\n",
            use_instead="tier: 2\nhandoff: {ai: Drafts., human: Checks., checkpoint: before-use}\n"
            "limitations: Does not read attachments.\n"
            "changelog:\n  - {version: 1.0.0, date: 2026-11-20, summary: First version.}\n",
            options="`tiers.<n>.require` in promptreg.yaml.",
        ),
        check=check_required_fields,
    ),
    Rule(
        "G002",
        "too-few-approvals",
        "An approved prompt has fewer valid approvals than its tier needs.",
        RuleDoc(
            what="Prompts with `status: approved` whose valid approvals (current content "
            "hash, reviewer in a required group, each reviewer once) are fewer than the "
            "tier's `approvals`.",
            why="Tier 3 needs two sign-offs from compliance: one reviewer's approval, or an "
            "approval voided by an edit, is not enough.",
            example="tier: 3\nstatus: approved\napprovals:\n  - {reviewer: mei@example.com, "
            "group: compliance, date: 2026-11-20, content_hash: sha256:…}\n",
            use_instead="Add the second approval with `promptreg approve` (from another "
            "member of compliance), or set status to review.",
            options="`tiers.<n>.approvals` and `tiers.<n>.groups` in promptreg.yaml.",
        ),
        check=check_approval_count,
    ),
    Rule(
        "G003",
        "approval-outside-required-groups",
        "An approval comes from outside the groups the tier requires.",
        RuleDoc(
            what="Approvals whose reviewer is not a member of the named group, whose group "
            "is not defined, or whose group is not one the tier requires.",
            why="Sign-off is only meaningful from the people the policy names: a team lead "
            "cannot stand in for compliance on a tier-3 prompt.",
            example="approvals:\n  - {reviewer: dana@example.com, group: compliance, …}\n",
            use_instead="approvals:\n  - {reviewer: mei@example.com, group: compliance, …}\n",
            options="`reviewers` and `tiers.<n>.groups` in promptreg.yaml.",
        ),
        check=check_approval_groups,
    ),
    Rule(
        "G004",
        "stale-approval",
        "An approval's content hash differs from the prompt's current content.",
        RuleDoc(
            what="Approvals whose `content_hash` is not the prompt's current content hash "
            "(id, version, model, variables, messages, output).",
            why="An approval covers exactly what the reviewer saw. Any content edit after it "
            "voids it; the SDK refuses to serve the prompt until it is approved again. On "
            "a prompt whose status is not `approved` (the author edited it and set "
            "`status: review`, as `promptreg bump` does) nothing is served, so the "
            "finding is information, not an error: the edit can be committed and "
            "reviewed.",
            example="approvals:\n  - {reviewer: dana@example.com, …, content_hash: sha256:1111…}\n",
            use_instead="Have the prompt approved again (`promptreg approve`) after the edit.",
            fix_safety="No automatic fix: only a reviewer can approve new content.",
        ),
        check=check_stale_approvals,
    ),
    Rule(
        "G005",
        "duplicate-reviewer",
        "The same reviewer approved the prompt more than once.",
        RuleDoc(
            what="A reviewer who appears in more than one approval of the same prompt.",
            why="Two sign-offs mean two people. A second approval by the same person counts once.",
            example="approvals:\n  - {reviewer: mei@example.com, …}\n"
            "  - {reviewer: mei@example.com, …}\n",
            use_instead="approvals:\n  - {reviewer: mei@example.com, …}\n"
            "  - {reviewer: jo@example.com, …}\n",
        ),
        check=check_duplicate_reviewers,
    ),
    Rule(
        "G006",
        "approved-without-approvals",
        "The status is approved but the prompt has no approvals.",
        RuleDoc(
            what="`status: approved` with an empty or missing `approvals:` on a tier that "
            "needs approvals.",
            why="Setting the status is not an approval. The status must follow sign-off, "
            "not replace it.",
            example="tier: 2\nstatus: approved\napprovals: []\n",
            use_instead="tier: 2\nstatus: review\napprovals: []\n",
        ),
        check=check_approved_without_approvals,
    ),
    Rule(
        "G007",
        "too-few-eval-cases",
        "The prompt has fewer eval cases than its tier requires.",
        RuleDoc(
            what="Prompts with fewer `evals:` cases than `min_evals` of their tier.",
            why="Evaluation cases are how quality is checked at scale and how a change is "
            "shown not to break known behaviour; higher tiers need more of them.",
            example="tier: 3\nevals:\n  - name: one case\n    vars: {…}\n    assert: […]\n",
            use_instead="Add cases covering the typical input, an edge case and a refusal.",
            options="`tiers.<n>.min_evals` in promptreg.yaml.",
        ),
        check=check_eval_count,
    ),
    Rule(
        "G008",
        "logging-below-tier-minimum",
        "The prompt's logging level is below its tier's minimum.",
        RuleDoc(
            what="`logging:` lower than the tier's `logging` minimum (none < metadata < full); "
            "a missing `logging:` counts as none.",
            why="High-risk uses need an audit trail: tier 3 requires full logging so that "
            "any answer can be reconstructed later.",
            example="tier: 3\nlogging: metadata\n",
            use_instead="tier: 3\nlogging: full\n",
            options="`tiers.<n>.logging` in promptreg.yaml.",
        ),
        check=check_logging_level,
    ),
    Rule(
        "G009",
        "suppression-without-reason",
        "A suppression gives no reason where the tier requires one.",
        RuleDoc(
            what="Inline `# promptreg: ignore[CODE]` comments and `lint.ignore` entries "
            "without a reason, on tiers whose policy sets `suppression_reason: true`.",
            why="Switching off a check on a high-risk prompt is a decision someone must be "
            "able to explain to an auditor.",
            example="lint:\n  ignore:\n    - {rule: Q001}\n",
            use_instead="lint:\n  ignore:\n    - {rule: Q001, reason: The handoff requires "
            "a pharmacist to confirm every answer.}\n",
            options="`tiers.<n>.suppression_reason` in promptreg.yaml.",
        ),
        check=SuppressionCheck(check_suppression_reasons),
    ),
    Rule(
        "G010",
        "unused-suppression",
        "A suppression matches no finding.",
        RuleDoc(
            what="Inline `# promptreg: ignore[...]` comments and `lint.ignore` entries that "
            "suppress nothing, or that name no known rule.",
            why="A stale suppression hides the next real finding of that rule on the line "
            "and misleads reviewers about what was waived.",
            example="model:\n  name: gpt-4o-mini  # promptreg: ignore[S005] listed now\n",
            use_instead="model:\n  name: gpt-4o-mini\n",
            fix_safety="Safe for inline comments: the comment is removed. File-level entries "
            "are left for a person to remove.",
        ),
        severity="warning",
        fix="safe",
        check=SuppressionCheck(check_unused_suppressions),
    ),
    Rule(
        "G018",
        "governance-finding-suppressed-in-file",
        "A suppression in the prompt file names a governance or version rule.",
        RuleDoc(
            what="Inline `# promptreg: ignore[...]` comments and `lint.ignore` entries that "
            "name a rule of the G or V family. They have no effect: those findings are "
            "reported whatever the file says.",
            why="The file is what a pull request changes. If it could switch off the checks "
            "of its own approvals (a forged approval plus `ignore[G011]`) or of its version "
            "bump, the review it is subject to would be its own decision. Exceptions are "
            "the organisation's, written in promptreg.yaml, which CI reads from the base "
            "revision.",
            example="approvals:\n  - reviewer: mei@example.com  # promptreg: ignore[G011] "
            "reviewed on a call\n",
            use_instead="# promptreg.yaml, approved like any policy change:\nlint:\n  "
            "per_file_ignores:\n    registry/legal/old-nda.prompt.yaml: [G011]\n",
            fix_safety="Safe for inline comments: the comment is removed. File-level entries "
            "are left for a person to remove.",
        ),
        fix="safe",
        check=SuppressionCheck(check_unsuppressible_suppressions),
    ),
)
