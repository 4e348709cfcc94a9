"""`promptreg bump`: raise a prompt's version as far as its change needs, with a changelog entry.

edit.bump.plan_bump chooses the version; edit.rewrite writes it, keeping every comment.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.errors import EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Compare the prompt with the base revision, work out the smallest bump "
        "the change needs (a removed variable, a new required one or an incompatible output "
        "schema needs major; an optional addition minor; any other content edit patch), "
        "then write the new version and a changelog entry dated today. Every comment and "
        "all other formatting in the file stay as they were. Without LEVEL the needed "
        "level is used; a LEVEL lower than needed is refused.",
        epilog=example(
            "promptreg bump support/summarize-ticket",
            "promptreg bump support/summarize-ticket minor -m 'Add the language variable.'",
            "promptreg bump legal/nda-review major --base origin/main",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument(
        "level",
        nargs="?",
        choices=("major", "minor", "patch"),
        metavar="LEVEL",
        help="major, minor or patch (default: the level the change needs)",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="git revision to compare with (default: HEAD)",
    )
    parser.add_argument(
        "-m",
        "--message",
        metavar="TEXT",
        help="changelog summary (default: generated from the changes)",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.edit.bump import bump_baseline, plan_bump
    from promptreg.edit.rewrite import bump_text, write_edit

    registry = registry_from(args)
    spec = registry.spec(args.id)
    path = registry.path_of(args.id)
    original = path.read_bytes()
    baseline = bump_baseline(registry.settings, args.base, args.level)
    plan = plan_bump(spec, path, baseline, level=args.level, message=args.message)
    if plan.outcome == "not-needed":
        sys.stderr.write(plan.message)
        return EXIT_OK
    if plan.outcome == "bump":
        text = original.decode("utf-8")
        write_edit(
            path,
            original,
            bump_text(
                text,
                plan.target,
                plan.entry,
                replace_top=plan.replace_top,
                status=plan.status,
                path=path,
            ),
        )
    sys.stdout.write(plan.message)
    return EXIT_OK
