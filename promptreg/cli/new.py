"""`promptreg new`: scaffold a prompt with every field its tier requires."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK, UsageError
from promptreg.core.fs import atomic_write
from promptreg.core.loader import ID_RE
from promptreg.edit.scaffold import prompt_text


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
    if not ID_RE.match(args.id):
        raise UsageError(
            f"{args.id!r} is not a valid prompt id",
            hint="use namespace/name in lower case with '-' between words, "
            "e.g. support/refund-reply",
        )
    owner = args.owner or settings.owners[0]
    if owner not in settings.owners:
        raise UsageError(f"owner {owner!r} is not listed under owners: in {settings.path}")
    models = list(settings.models)
    model = args.model or (models[0] if models else None)
    if model is None or model not in settings.models:
        raise UsageError(
            f"model {model!r} is not listed under models: in {settings.path}",
            hint="add it there, or pass --model with a listed name",
        )
    path = settings.registry_dir / f"{args.id}.prompt.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists", hint="pick another id, or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, prompt_text(args.id, args.tier, settings, path, owner, model))
    sys.stdout.write(f"created {path}\n")
    return EXIT_OK
