"""`promptreg explain`: one rule's documentation, by code or name."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.errors import EXIT_OK
from promptreg.lint.catalogue import lookup
from promptreg.lint.rule import FAMILIES, Rule


def add_parser(subparsers: Any, name: str) -> None:
    parser = subparsers.add_parser(
        name,
        help="explain a lint rule",
        description="Show a rule's documentation: what it checks, why it matters, an example, "
        "what to write instead, its options and fix safety.",
        epilog=example("promptreg explain S002", "promptreg explain id-path-mismatch"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("rule", help="a rule code (S002) or name (id-path-mismatch)")


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip("\n").split("\n"))


def render_markdown(rule: Rule) -> str:
    """The rule's page; docs/rules.md is these pages concatenated."""
    doc = rule.doc
    return "\n".join(
        [
            f"## {rule.code} {rule.name}",
            "",
            f"{rule.summary} Family {rule.family} ({FAMILIES[rule.family].split(':')[0]}); "
            f"default severity {rule.severity}; fix: {rule.fix}.",
            "",
            "### What it checks",
            "",
            doc.what,
            "",
            "### Why it matters",
            "",
            doc.why,
            "",
            "### Example",
            "",
            "```yaml",
            doc.example.rstrip("\n"),
            "```",
            "",
            "### Use instead",
            "",
            "```yaml",
            doc.use_instead.rstrip("\n"),
            "```",
            "",
            "### Options",
            "",
            doc.options,
            "",
            "### Fix safety",
            "",
            doc.fix_safety,
            "",
        ]
    )


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(render_markdown(lookup(args.rule)))
    return EXIT_OK
