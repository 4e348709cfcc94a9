"""`promptreg new`: scaffold a prompt with every field its tier requires."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK
from promptreg.edit.scaffold import create_prompt


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Write registry/<ID>.prompt.yaml as a draft with every field the tier's "
        "policy in promptreg.yaml requires (handoff, limitations, changelog, enough eval "
        "cases, logging level). Refuses to overwrite an existing prompt.",
        epilog=example(
            "promptreg new support/refund-reply --tier 2",
            "promptreg new legal/nda-review --tier 3 --owner legal-ops --model gpt-4o",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="namespace/name, lower-case words joined by '-'")
    parser.add_argument(
        "--tier",
        type=int,
        choices=(1, 2, 3),
        required=True,
        help="risk tier: 1 low, 2 medium, 3 high",
    )
    parser.add_argument("--owner", help="owning team (default: the first in promptreg.yaml)")
    parser.add_argument("--model", help="model name (default: the first in promptreg.yaml)")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    path = create_prompt(settings, args.id, tier=args.tier, owner=args.owner, model=args.model)
    sys.stdout.write(f"created {path}\n")
    return EXIT_OK
