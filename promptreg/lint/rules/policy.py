"""G: changes that relax governance itself, judged by the policy of the base revision.

A pull request that edits promptreg.yaml or the allowed-signers file (G019), or lowers a
prompt's tier, logging level or handoff checkpoint (G021), asks for less scrutiny than
the base gives. Both need the sign-off the base's policy names, given after the change:
the base is trusted, the change is not (docs/security.md, "What is trusted, from which
revision").

Both rules read only what is committed since the base. With `--base HEAD` (the
pre-commit hook) nothing is committed yet, so nobody can have approved it, and they stay
silent; in CI, against the merge base, they report until the approvals are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from promptreg.core.location import Span
from promptreg.core.model import PromptSpec
from promptreg.governance.approval import approval_issues
from promptreg.lint.context import FileContext, RegistryContext
from promptreg.lint.finding import Hit, RegistryHit
from promptreg.lint.rule import RegistryCheck, Rule, RuleDoc
from promptreg.lint.rules.governance import LOGGING_ORDER

CHECKPOINT_ORDER = {"none": 0, "after-the-fact": 1, "before-send": 2, "before-use": 3}
"""How early a person checks the answer: before it is used at all is the strongest."""


def _committed_since_base(ctx: FileContext | RegistryContext) -> bool:
    base = ctx.base
    return base is not None and bool(base.commit) and base.commit != base.repo.head


def check_policy_change(registry: RegistryContext) -> Iterator[RegistryHit]:
    base = registry.base
    if base is None or not _committed_since_base(registry):
        return
    from promptreg.governance.policy import (  # git: only with a base
        TRAILER,
        load_base_policy,
        policy_approvals,
    )

    policy = load_base_policy(registry.settings, base.repo, base.commit)
    changed = policy.changed
    if not changed:
        return
    approvals = policy_approvals(policy, base.repo)
    if approvals.enough:
        return
    groups = " or ".join(approvals.groups)
    members = sorted({m for g in approvals.groups for m in policy.settings.reviewers.get(g, ())})
    signed = " -S" if policy.settings.require_signed else ""
    have = f"; counted: {', '.join(approvals.approvers)}" if approvals.approvers else ""
    refused = f"; not counted: {'; '.join(approvals.refused)}" if approvals.refused else ""
    names = ", ".join(f.relative for f in changed)
    for file in changed:
        yield RegistryHit(
            file.path,
            f"{names} changed since {base.rev}: a change to the policy needs "
            f"{approvals.needed} approval{'s' if approvals.needed != 1 else ''} from "
            f"{groups} as the base lists them ({', '.join(members) or 'nobody'}), other "
            f"than its authors; it has {len(approvals.approvers)}{have}{refused}. Each "
            f"approver reviews the change and commits `git commit --allow-empty{signed} "
            f'-m "Approve the policy change" --trailer "{TRAILER}: {policy.digest}"`',
            Span.at(1, 1),
        )


def _lowered(before: PromptSpec, after: PromptSpec) -> list[tuple[str, tuple[str, ...]]]:
    """What the change relaxes, each with the place in the file to report it at."""
    found: list[tuple[str, tuple[str, ...]]] = []
    if after.tier < before.tier:
        found.append((f"the tier from {before.tier} to {after.tier}", ("tier",)))
    old, new = before.logging or "none", after.logging or "none"
    if LOGGING_ORDER.get(new, 0) < LOGGING_ORDER.get(old, 0):
        found.append((f"logging from {old!r} to {new!r}", ("logging",) if after.logging else ()))
    old = before.handoff.checkpoint if before.handoff else "none"
    new = after.handoff.checkpoint if after.handoff else "none"
    if CHECKPOINT_ORDER.get(new, 0) < CHECKPOINT_ORDER.get(old, 0):
        where = ("handoff", "checkpoint") if after.handoff else ()
        found.append((f"the handoff checkpoint from {old!r} to {new!r}", where))
    return found


def check_risk_lowered(ctx: FileContext) -> Iterator[Hit]:
    if ctx.base is None or not _committed_since_base(ctx):
        return
    before = ctx.base.spec(ctx.path)
    if before is None:
        return
    lowered = _lowered(before, ctx.spec)
    policy = ctx.settings.tier(before.tier)
    if not lowered or policy.approvals <= 0:
        return
    # Only approvals given since the base count: the old ones approved the old risk.
    fresh = tuple(a for a in ctx.spec.approvals if a not in set(before.approvals))
    judged = replace(ctx.spec, tier=before.tier, approvals=fresh)
    problems = [(i.approval_index, i.message) for i in approval_issues(judged, ctx.settings)]
    if policy.verify_approvals and not problems:
        from promptreg.governance.provenance import provenance_issues  # reads git history

        # The prompt's own tier may not read history, so the run may not have handed
        # it the repository; the base's is the same one.
        git = ctx.git if ctx.git is not None else ctx.base.repo
        found = provenance_issues(judged, ctx.settings, git)
        problems.extend((i.approval_index, i.message) for i in found)
    if not problems:
        return
    valid = len(fresh) - len({index for index, _ in problems if index is not None})
    groups = " or ".join(policy.groups) or "a review group"
    for what, where in lowered:
        yield ctx.hit(
            f"this change lowers {what} since {ctx.base.rev}, which needs the sign-off of "
            f"tier {before.tier} as the base has it: {policy.approvals} new approval"
            f"{'s' if policy.approvals != 1 else ''} from {groups} of the current content; "
            f"it has {max(valid, 0)}. Bump the version (`promptreg bump {ctx.spec.id} "
            f"patch`) and ask them to run `promptreg approve {ctx.spec.id}`",
            where,
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "G019",
        "policy-change-unapproved",
        "promptreg.yaml or the allowed-signers file changed without the approval the "
        "base's policy asks for.",
        RuleDoc(
            what="With `--base REF`: promptreg.yaml, or the allowed-signers file the base "
            "or the change names, differs between the base and what is committed since, "
            "and fewer members of the strictest tier's groups (as the base lists them) than "
            "that tier's `approvals` have approved it. An approval is a commit after the "
            "change, by a member who did not change the files, with the trailer "
            "`Promptreg-Policy: <hash>` naming the proposed policy (signed by their key "
            "in the base's signers file when the base sets `require_signed`). Reported on "
            "each changed file.",
            why="The policy decides who may approve everything else. A pull request that "
            "adds its own key under a reviewer's address, or lowers a tier's bar, must not "
            "be judged by the rules it brings: they take effect once the people the base "
            "names have agreed.",
            example="# a pull request adds to .promptreg/allowed_signers:\n"
            'mei@example.com namespaces="git" ssh-ed25519 AAAA…attacker\n',
            use_instead="# Jo and Amara (compliance) review it, and each commits:\n"
            "git commit --allow-empty -S -m 'Approve the policy change' "
            "--trailer 'Promptreg-Policy: sha256:…'\n",
            options="`--base REF`; the approvers and their number come from the base's "
            "strictest tier (`tiers.<n>.approvals` and `groups`). Silent with `--base "
            "HEAD`: nothing is committed to approve yet.",
            fix_safety="No automatic fix: only the base's reviewers can approve.",
        ),
        check=RegistryCheck(check_policy_change, in_lint=True),
    ),
    Rule(
        "G021",
        "risk-lowered-without-approval",
        "The tier, logging level or handoff checkpoint was lowered without the sign-off "
        "of the base tier.",
        RuleDoc(
            what="With `--base REF`: a prompt whose committed `tier`, `logging` level "
            "(none < metadata < full) or `handoff.checkpoint` (none < after-the-fact < "
            "before-send < before-use) is lower than at the base, without approvals given "
            "since the base that satisfy the base tier's policy: its count and groups, "
            "the current content hash and, where that tier sets `verify_approvals`, the "
            "git checks of G011 to G014.",
            why="A tier-3 prompt lowered to tier 1 with its approvals removed needs nobody's "
            "sign-off at tier 1, so every later edit would skip compliance. Lowering the "
            "risk is a decision the people who owned the higher risk must make.",
            example="# base: tier: 3, approved by compliance\ntier: 1\napprovals: []\n",
            use_instead="tier: 1\nversion: 2.0.2   # bumped\napprovals:   # given since "
            "the base, by compliance\n  - {reviewer: mei@example.com, group: compliance, …}\n"
            "  - {reviewer: jo@example.com, group: compliance, …}\n",
            options="`--base REF`; the policy is the base's `tiers.<n>` for the base tier. "
            "Silent with `--base HEAD`: nothing is committed to approve yet.",
            fix_safety="No automatic fix: only the base tier's reviewers can approve.",
        ),
        check=check_risk_lowered,
    ),
)
