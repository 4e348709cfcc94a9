"""`promptreg report`: the governance report for the people who sign prompts off."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Write governance.html (one self-contained page: no scripts, nothing "
        "fetched) and governance.md: prompts by tier, owner and status; whether the SDK "
        "serves each and why not; approvals and whether git backs them; eval state; open "
        "findings by family; tier-3 changes over a period; with --base, what the change "
        "does to governance.",
        epilog=example(
            "promptreg report",
            "promptreg report -o site/ --days 30",
            "promptreg report --base origin/main",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("promptreg-report"),
        metavar="DIR",
        help="directory for the two files (default: promptreg-report)",
    )
    parser.add_argument("--base", metavar="REV", help="compare governance with this revision")
    parser.add_argument("--days", type=int, default=90, help="tier-3 history period (default: 90)")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.report.governance import build_report, write_report

    report = build_report(settings_from(args), base=args.base, days=max(args.days, 1))
    page, text = write_report(report, args.output)
    sys.stdout.write(f"wrote {page}\nwrote {text}\n")
    return EXIT_OK
