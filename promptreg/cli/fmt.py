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
from promptreg.cli.progress import Bar
from promptreg.edit.fmt import FormatOutcome, FormatTally, files_to_format, format_file
from promptreg.edit.prove import proved_canonical


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
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no summary line"
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [settings_from(args).registry_dir]
    tally = FormatTally(dry=args.check or args.diff)
    files = files_to_format(paths)
    with Bar("checking" if tally.dry else "formatting", len(files), quiet=args.quiet) as bar:
        proved = proved_canonical(files, on_progress=bar.advance)
        for file, canonical in zip(files, proved, strict=True):
            if canonical:
                tally.add(FormatOutcome(file, False))
                continue
            outcome = format_file(file, check=tally.dry, diff=args.diff)
            tally.add(outcome)
            bar.advance()
            if outcome.error is not None:
                sys.stderr.write(f"error: {outcome.error}\n")
            elif outcome.changed and args.diff:
                sys.stdout.write(outcome.diff)
            elif outcome.changed:
                verb = "would reformat" if tally.dry else "reformatted"
                sys.stdout.write(f"{verb} {outcome.path}\n")
    if not args.quiet:
        sys.stderr.write(tally.summary() + "\n")
    return tally.exit_status
