"""`promptreg rules`: the rule catalogue as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.cli.listing import table
from promptreg.core.errors import EXIT_OK
from promptreg.lint.catalogue import RULES
from promptreg.lint.rule import Rule


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="List the lint rules: code, name, default severity, fix availability.",
        epilog=example("promptreg rules", "promptreg rules --format json"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity,
        "fix": rule.fix,
        "summary": rule.summary,
        "docs": {
            "what_it_checks": rule.doc.what,
            "why_it_matters": rule.doc.why,
            "example": rule.doc.example,
            "use_instead": rule.doc.use_instead,
            "options": rule.doc.options,
            "fix_safety": rule.doc.fix_safety,
        },
    }


def run(args: argparse.Namespace) -> int:
    rules = sorted(RULES.values(), key=lambda r: r.code)
    if args.format == "json":
        json.dump([rule_json(r) for r in rules], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        rows = [[r.code, r.name, r.severity, r.fix, r.summary] for r in rules]
        sys.stdout.write(table(rows, ["CODE", "NAME", "SEVERITY", "FIX", "SUMMARY"]) + "\n")
    return EXIT_OK
