"""`promptreg codeowners`: keep the forge's required reviewers in step with the tiers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Write a block of CODEOWNERS lines, between `# BEGIN promptreg` and "
        "`# END promptreg`, that owns each prompt whose tier needs approvals from a "
        "reviewer group (tiers 2 and 3 by default) by that group's e-mail addresses, and "
        "promptreg.yaml by the strictest tier's reviewers. The rest of the file is kept "
        "byte for byte; a file without the block gets it appended. A promptreg.yaml below the "
        "repository's top adds its path to the markers, so several registries can share "
        "one file.\n\n"
        "The file is the CODEOWNERS the forge reads (.github/, the root, docs/ or "
        ".gitlab/); a new one goes in .github/ when that folder exists, else at the "
        "repository root.\n\n"
        "Exit status: 0 written or up to date, 1 with --check when the block is out of "
        "date, 2 usage or configuration error.",
        epilog=example(
            "promptreg codeowners",
            "promptreg codeowners --check        # in CI or pre-commit: fail when stale",
            "promptreg codeowners --path docs/CODEOWNERS",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print the difference and exit 1 when the block is out of date",
    )
    parser.add_argument(
        "--path",
        type=Path,
        metavar="FILE",
        help="the CODEOWNERS file (default: the one the forge reads, see above)",
    )
    add_config_option(parser)


def _shown(path: Path) -> str:
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


_STALE = {
    "missing": "does not exist",
    "no-block": "has no promptreg block",
    "stale": "has an out-of-date promptreg block",
}


def run(args: argparse.Namespace) -> int:
    from promptreg.governance import codeowners  # reads every prompt: only for this command

    update = codeowners.plan_codeowners(settings_from(args), args.path)
    name = _shown(update.path)
    if update.state == "current":
        sys.stderr.write(f"{name}: the promptreg block is up to date\n")
        return EXIT_OK
    if args.check:
        sys.stdout.write(codeowners.unified_diff(update.old, update.new, name))
        what = _STALE[update.state]
        sys.stderr.write(f"{name} {what}; run `promptreg codeowners` and commit the result\n")
        return EXIT_FINDINGS
    codeowners.write_codeowners(update)
    sys.stderr.write(f"{name}: {'updated' if update.old else 'created'} the promptreg block\n")
    return EXIT_OK
