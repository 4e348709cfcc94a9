"""`promptreg render`: a prompt's messages for given variables, as text, JSON or the
keyword arguments the openai client takes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.errors import EXIT_OK
from promptreg.governance.approval import serving_refusal
from promptreg.render.values import parse_assignment, read_vars_file


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Render a prompt's messages. Variables are checked against their declared "
        "types first and every problem is reported at once. Values from --var are converted "
        "to the declared type (integer, number, boolean; JSON for arrays and objects).\n\n"
        "Unapproved prompts render with a warning on stderr; --approved-only refuses them, "
        "as the SDK does.",
        epilog=example(
            "promptreg render support/summarize-ticket --var ticket_text='Order 1234 is late'",
            "promptreg render support/summarize-ticket --vars-file vars.yaml --format openai",
            "promptreg render hr/job-posting-draft --var role_title='Data engineer' "
            "--var work_model=hybrid --var salary_min=70000 --var salary_max=90000 "
            "--var currency=EUR --var manager_notes='Small team, on-call once a month.'",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a variable (repeatable)"
    )
    parser.add_argument(
        "--vars-file",
        type=Path,
        metavar="FILE",
        help="a YAML or JSON mapping of variables; --var wins over it",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "openai"),
        default="text",
        help="text: readable messages; json: the message list; openai: "
        "keyword arguments for client.chat.completions.create",
    )
    parser.add_argument(
        "--approved-only", action="store_true", help="refuse prompts the SDK would not serve"
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    prompt = registry.get(args.id, allow_unapproved=not args.approved_only)
    values: dict[str, Any] = read_vars_file(args.vars_file) if args.vars_file else {}
    values.update(parse_assignment(item, prompt.variables) for item in args.var)
    refusal = serving_refusal(prompt.spec, registry.settings)
    if refusal is not None:
        sys.stderr.write(f"warning: {args.id} is not served by the SDK: {refusal}\n")
    if args.format == "openai":
        json.dump(prompt.openai_chat(**values), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    messages = prompt.render(**values)
    if args.format == "json":
        json.dump(messages, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for message in messages:
            sys.stdout.write(f"--- {message['role']} ---\n{message['content'].rstrip()}\n\n")
    return EXIT_OK
