"""`promptreg approve`: record your approval of a prompt's current content, for you to commit.

The checks and the write are promptreg.actions.approve's; this module reads the
arguments and prints what happened and the commit to make.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK

if TYPE_CHECKING:
    from promptreg.actions.approve import ApprovalOutcome


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
    from promptreg.actions.approve import approve_prompt

    outcome = approve_prompt(settings_from(args), args.id, group=args.group)
    sys.stdout.write("\n".join(report_lines(outcome)) + "\n")
    return EXIT_OK


def report_lines(outcome: ApprovalOutcome) -> list[str]:
    spec, approval, root = outcome.spec, outcome.approval, outcome.root
    lines = [
        f"recorded: {approval.reviewer} ({approval.group}) approves {spec.id} {spec.version}, "
        f"content {approval.content_hash}",
    ]
    if outcome.replaced is not None:
        lines.append(
            f"  (replacing your approval of earlier content in entry {outcome.replaced + 1})"
        )
    if outcome.valid is not None:
        lines.append(
            f"valid approvals for this content: {min(outcome.valid, outcome.needed)} of "
            f"{outcome.needed} that tier {spec.tier} needs"
        )
        if outcome.status_set:
            lines.append(
                "  enough approvals: set `status: approved` (and dropped approvals of "
                "earlier content); commit it with the approval"
            )
        elif outcome.enough and spec.status != "approved":
            lines.append("  enough approvals: the owner can now set `status: approved`")
    signed = " -S" if outcome.signed else ""
    relative = os.path.relpath(outcome.path, root)
    where = "" if _relative(root) == "." else f" -C {_relative(root)}"
    lines += [
        f"wrote {_relative(outcome.path)}; nothing was committed.",
        f"commit it yourself, as {approval.reviewer}, so the approval commit is yours"
        + (" and signed with your SSH key (require_signed is set):" if signed else ":"),
        f"  git{where} commit{signed} -m 'Approve {spec.id} {spec.version}' -- {relative}",
    ]
    return lines


def _relative(path: os.PathLike[str]) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
