"""`promptreg show`: one prompt's metadata, variables, messages and approval state."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.errors import EXIT_OK
from promptreg.core.summary import details_json
from promptreg.governance.approval import serving_refusal
from promptreg.governance.evidence import eval_report
from promptreg.report.prompt import prompt_text


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Show a prompt: metadata, content hash, variables, messages, and "
        "whether the SDK would serve it (and if not, why).",
        epilog=example(
            "promptreg show support/summarize-ticket",
            "promptreg show legal/contract-clause-risk --format json",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    spec = registry.spec(args.id)
    refusal = serving_refusal(spec, registry.settings)
    evals = eval_report(spec, registry.settings)
    if args.format == "json":
        payload = details_json(spec, refusal, evals)
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        text = prompt_text(spec, refusal)
        sys.stdout.write(f"{text}\n\nevals: {evals['label']} ({evals['results_file']})\n")
    return EXIT_OK
