"""`promptreg list`: the registry as a table, filtered by tier, status, owner or tag."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.errors import EXIT_OK
from promptreg.core.model import STATUSES
from promptreg.core.summary import not_served_note, served_json, summary_json
from promptreg.governance.approval import serving_refusal
from promptreg.governance.evidence import eval_label
from promptreg.report.prompt import prompts_table
from promptreg.sdk.registry import matching


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="List the prompts in the registry, sorted by id. Files that do not load "
        "are skipped with a note on stderr; `promptreg lint` shows why.",
        epilog=example(
            "promptreg list",
            "promptreg list --tier 3 --status approved",
            "promptreg list --owner legal-ops --format json",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--tier", type=int, choices=(1, 2, 3), help="only this risk tier")
    parser.add_argument("--status", choices=STATUSES, help="only this status")
    parser.add_argument("--owner", help="only prompts owned by this team")
    parser.add_argument("--tag", help="only prompts with this tag")
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output format (default: table)",
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    total = sum(1 for _ in registry.paths())
    everything = registry.specs()  # each file is read once
    specs = matching(everything, tier=args.tier, status=args.status, owner=args.owner, tag=args.tag)
    loaded = len(everything)
    settings = registry.settings
    refusals = [serving_refusal(s, settings) for s in specs]
    if args.format == "json":
        rows_json = [
            {**summary_json(s), "evals": eval_label(s, settings), **served_json(why)}
            for s, why in zip(specs, refusals, strict=True)
        ]
        json.dump(rows_json, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        labels = [eval_label(s, settings) for s in specs]
        served = [why is None for why in refusals]
        sys.stdout.write(prompts_table(specs, labels, served) + "\n")
        sys.stderr.write(f"{len(specs)} of {total} prompts\n")
        sys.stderr.write(not_served_note(specs, refusals))
    if loaded < total:
        sys.stderr.write(
            f"note: {total - loaded} prompt file(s) could not be loaded; run `promptreg lint`\n"
        )
    return EXIT_OK
