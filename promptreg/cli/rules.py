"""`promptreg rules`: the rule catalogue as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.core.errors import EXIT_OK
from promptreg.report.rules import catalogue, rule_json, rules_table


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="List the lint rules: code, name, default severity, fix availability.",
        epilog=example("promptreg rules", "promptreg rules --format json"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    rules = catalogue()
    if args.format == "json":
        json.dump([rule_json(r) for r in rules], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(rules_table(rules) + "\n")
    return EXIT_OK
