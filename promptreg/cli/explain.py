"""`promptreg explain`: one rule's documentation, by code or name."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.core.errors import EXIT_OK
from promptreg.lint.catalogue import lookup
from promptreg.lint.docs import render_markdown


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Show a rule's documentation: what it checks, why it matters, an example, "
        "what to write instead, its options and fix safety.",
        epilog=example("promptreg explain S002", "promptreg explain id-path-mismatch"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("rule", help="a rule code (S002) or name (id-path-mismatch)")


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render_markdown(lookup(args.rule)))
    return EXIT_OK
