"""`promptreg fmt`: rewrite prompt files in the canonical key order and layout."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import (
    HelpFormatter,
    add_config_option,
    add_paths_argument,
    example,
    settings_from,
)
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from promptreg.edit.fmt import format_file
from promptreg.lint.runner import expand_paths


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Put the keys of prompt files (default: the whole registry) in the order "
        "of docs/format.md and indent them the same way, keeping every comment. A file that "
        "does not load safely (an F finding) or cannot be formatted without losing something "
        "is reported and left unchanged.\n\n"
        "Exit status: 0 nothing to do (or every file formatted), 1 with --check or --diff "
        "when a file would change, 2 when a file could not be formatted.",
        epilog=example(
            "promptreg fmt",
            "promptreg fmt registry/support/summarize-ticket.prompt.yaml",
            "promptreg fmt --check            # in CI: fail when a file is not formatted",
            "promptreg fmt --diff registry/legal",
        ),
        formatter_class=HelpFormatter,
    )
    add_paths_argument(parser)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; list the files that would change"
    )
    parser.add_argument(
        "--diff", action="store_true", help="write nothing; print the changes as unified diffs"
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [settings_from(args).registry_dir]
    dry = args.check or args.diff
    changed = unchanged = failed = 0
    for path in expand_paths(paths):
        outcome = format_file(path, check=dry, diff=args.diff)
        if outcome.error is not None:
            failed += 1
            sys.stderr.write(f"error: {outcome.error}\n")
        elif outcome.changed:
            changed += 1
            if args.diff:
                sys.stdout.write(outcome.diff)
            else:
                sys.stdout.write(f"{'would reformat' if dry else 'reformatted'} {path}\n")
        else:
            unchanged += 1
    sys.stderr.write(_summary(changed, unchanged, failed, dry=dry) + "\n")
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if dry and changed else EXIT_OK


def _summary(changed: int, unchanged: int, failed: int, *, dry: bool) -> str:
    def files(count: int) -> str:
        return f"{count} file{'' if count == 1 else 's'}"

    parts = []
    if changed:
        parts.append(f"{files(changed)} {'would be reformatted' if dry else 'reformatted'}")
    if unchanged or not parts:
        parts.append(f"{files(unchanged)} {'already formatted' if dry else 'left unchanged'}")
    if failed:
        parts.append(f"{files(failed)} could not be formatted")
    return ", ".join(parts)
