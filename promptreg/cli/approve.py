"""`promptreg approve`: record your approval of a prompt's current content, for you to commit.

The reviewer is the git identity (`git config user.email`) of the repository. Nothing is
committed here: the reviewer commits the change, so the commit that adds the approval is
authored (and, with `require_signed`, signed) by them, which is what the G011 and G013
rules check later. docs/governance.md describes the whole flow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.config import Settings
from promptreg.core.errors import EXIT_OK, PromptregError, UsageError
from promptreg.core.model import Approval, PromptSpec

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


class ApprovalRefused(PromptregError):
    """The approval cannot be recorded; the message says why and who can act."""


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Record that you (git config user.email) approve the prompt's current "
        "content: an entry with your e-mail, your review group, today's date and the "
        "content hash is added to `approvals:` (every comment in the file is kept). "
        "Refused for a prompt with lint errors, for a reviewer outside the groups the "
        "prompt's tier requires, for the author of the last content change (four eyes), "
        "and when you already approved this content. Nothing is committed: commit the "
        "change yourself, so that the approval commit is yours.",
        epilog=example(
            "promptreg approve legal/contract-clause-risk",
            "promptreg approve support/summarize-ticket --group team-leads",
            "git commit -S -m 'Approve legal/contract-clause-risk' "
            "registry/legal/contract-clause-risk.prompt.yaml",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. legal/contract-clause-risk")
    parser.add_argument(
        "--group",
        metavar="GROUP",
        help="review group to approve for, when you are in more than one the tier accepts",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.edit.rewrite import approval_text, write_edit
    from promptreg.git.gitio import repo_root

    registry = registry_from(args)
    settings = registry.settings
    spec = registry.spec(args.id)
    path = registry.path_of(args.id)
    original = path.read_bytes()
    root = repo_root(path)
    identity = _identity(root)
    reviewer = _listed_spelling(settings, identity)
    previous = _previous_approval(spec, reviewer)
    group = _group(settings, spec, reviewer, args.group)
    _four_eyes(spec, path, reviewer)
    _lint_clean(settings, path)
    approval = Approval(reviewer, group, dt.date.today().isoformat(), spec.content_hash)
    text = approval_text(original.decode("utf-8"), approval, replace_index=previous, path=path)
    write_edit(path, original, text)
    _report(spec, settings, approval, path, root, previous)
    return EXIT_OK


def _identity(root: Path) -> str:
    from promptreg.git.gitio import git

    email = git(["config", "user.email"], root, check=False).stdout.decode().strip()
    if not email:
        raise UsageError(
            f"no git identity in {root}: `git config user.email` is not set",
            hint="set it to the e-mail promptreg.yaml lists for you: "
            "`git config user.email you@example.com`",
        )
    return email


def _listed_spelling(settings: Settings, identity: str) -> str:
    """The identity as promptreg.yaml spells it (e-mail case may differ in git config)."""
    for members in settings.reviewers.values():
        for member in members:
            if member.casefold() == identity.casefold():
                return member
    return identity


def _previous_approval(spec: PromptSpec, reviewer: str) -> int | None:
    """Index of the reviewer's stale approval to replace; refuses a second approval."""
    mine = [
        (index, approval)
        for index, approval in enumerate(spec.approvals)
        if approval.reviewer.casefold() == reviewer.casefold()
    ]
    for _, approval in mine:
        if approval.content_hash == spec.content_hash:
            raise ApprovalRefused(
                f"{reviewer} already approved this content of {spec.id} {spec.version} "
                f"(on {approval.date}); an approval counts once per person",
                location=spec.location(("approvals",), key=True),
                hint="another member of the required group must give the next approval",
            )
    return mine[0][0] if mine else None


def _group(settings: Settings, spec: PromptSpec, reviewer: str, wanted: str | None) -> str:
    policy = settings.tier(spec.tier)
    mine = [g for g, members in settings.reviewers.items() if reviewer in members]
    required = " or ".join(policy.groups)
    if wanted is not None:
        if wanted not in settings.reviewers:
            raise UsageError(
                f"group {wanted!r} is not defined under reviewers: in {settings.path}",
                hint=f"groups: {', '.join(settings.reviewers) or 'none'}",
            )
        if reviewer not in settings.reviewers[wanted]:
            raise ApprovalRefused(
                f"{reviewer} is not a member of group {wanted!r} in {settings.path}",
                hint=f"your groups: {', '.join(mine) or 'none'}",
            )
        if policy.groups and wanted not in policy.groups:
            raise ApprovalRefused(
                f"tier {spec.tier} prompts need approvals from {required}, not {wanted!r}",
                hint=f"a member of {required} must approve {spec.id}",
            )
        return wanted
    eligible = [g for g in mine if not policy.groups or g in policy.groups]
    if not eligible:
        who = f"in groups {', '.join(mine)}" if mine else "not listed under reviewers:"
        raise ApprovalRefused(
            f"{reviewer} cannot approve {spec.id}: tier {spec.tier} needs approvals from "
            f"{required or 'a review group'}, and {reviewer} is {who} in {settings.path}",
            hint="if this is the wrong identity, set `git config user.email`; otherwise ask "
            f"a member of {required or 'a review group'}",
        )
    if len(eligible) > 1:
        raise UsageError(
            f"{reviewer} is in more than one group that can approve {spec.id}: "
            f"{', '.join(eligible)}",
            hint=f"choose one with --group, e.g. --group {eligible[0]}",
        )
    return eligible[0]


def _four_eyes(spec: PromptSpec, path: Path, reviewer: str) -> None:
    from promptreg.governance.provenance import content_author

    author = content_author(path, spec.content_hash, reviewer)
    if author.email.casefold() == reviewer.casefold():
        raise ApprovalRefused(
            f"{reviewer} made the current content of {spec.id} ({author.where}); the author "
            "of a change cannot approve it (four eyes)",
            hint="another member of the required group must approve it",
        )


def _lint_clean(settings: Settings, path: Path) -> None:
    from promptreg.lint.runner import Linter

    blocking = [
        finding
        for finding in Linter(settings).lint_file(path)
        if finding.severity == "error" and finding.code not in APPROVAL_RECORD_RULES
    ]
    if blocking:
        shown = "\n".join(
            f"  {finding.path}:{finding.span.line}:{finding.span.column}: {finding.code} "
            f"{finding.message}"
            for finding in blocking[:10]
        )
        more = f"\n  … and {len(blocking) - 10} more" if len(blocking) > 10 else ""
        raise ApprovalRefused(
            f"{path} has {len(blocking)} lint error{'s' if len(blocking) > 1 else ''}; "
            f"content that fails the standards cannot be approved:\n{shown}{more}",
            hint=f"the author fixes them first; `promptreg lint {path}` shows every finding",
        )


def _report(
    spec: PromptSpec,
    settings: Settings,
    approval: Approval,
    path: Path,
    root: Path,
    previous: int | None,
) -> None:
    from promptreg.core.loader import load_prompt
    from promptreg.governance.approval import approval_issues

    shown = _relative(path)
    lines = [
        f"recorded: {approval.reviewer} ({approval.group}) approves {spec.id} {spec.version}, "
        f"content {approval.content_hash}",
    ]
    if previous is not None:
        lines.append(f"  (replacing your approval of earlier content in entry {previous + 1})")
    policy = settings.tier(spec.tier)
    updated = load_prompt(path).spec
    if updated is not None and policy.approvals:
        flawed = {i.approval_index for i in approval_issues(updated, settings)}
        valid = sum(1 for index in range(len(updated.approvals)) if index not in flawed)
        lines.append(
            f"valid approvals for this content: {min(valid, policy.approvals)} of "
            f"{policy.approvals} that tier {spec.tier} needs"
        )
        if valid >= policy.approvals and spec.status != "approved":
            lines.append("  enough approvals: the owner can now set `status: approved`")
    signed = " -S" if settings.require_signed else ""
    relative = os.path.relpath(path, root)
    where = "" if _relative(root) == "." else f" -C {_relative(root)}"
    lines += [
        f"wrote {shown}; nothing was committed.",
        f"commit it yourself, as {approval.reviewer}, so the approval commit is yours"
        + (" and signed with your SSH key (require_signed is set):" if signed else ":"),
        f"  git{where} commit{signed} -m 'Approve {spec.id} {spec.version}' -- {relative}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
