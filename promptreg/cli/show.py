"""`promptreg show`: one prompt's metadata, variables, messages and approval state."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.cli.listing import summary_json
from promptreg.core.errors import EXIT_OK
from promptreg.core.model import PromptSpec
from promptreg.governance.approval import serving_refusal
from promptreg.governance.evidence import eval_report


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


def _text(spec: PromptSpec, refusal: str | None) -> str:
    out = [
        f"{spec.id} {spec.version}  —  {spec.title}",
        f"  {spec.description.strip()}",
        "",
        f"  tier {spec.tier} · {spec.status} · owner {spec.owner} · model {spec.model.name}",
        f"  tags: {', '.join(spec.tags) or '-'}",
        f"  content hash: {spec.content_hash}",
        f"  served by the SDK: {'yes' if refusal is None else 'no, ' + refusal}",
    ]
    if spec.variables:
        out += ["", "variables:"]
        for var in spec.variables.values():
            flags = [
                var.type,
                "required" if var.required else "optional",
                "trusted" if var.trusted else "untrusted",
            ]
            if var.enum is not None:
                flags.append("one of " + "|".join(str(v) for v in var.enum))
            if var.has_default:
                flags.append(f"default {var.default!r}")
            if var.max_tokens:
                flags.append(f"≤{var.max_tokens} tokens")
            out.append(f"  {var.name} ({', '.join(flags)}): {var.description.strip()}")
    for index, message in enumerate(spec.messages, 1):
        out += ["", f"message {index} [{message.role}]:"]
        out += [f"  | {line}" for line in message.content.rstrip("\n").split("\n")]
    if spec.approvals:
        out += ["", "approvals:"]
        out += [
            f"  {a.reviewer} ({a.group}) on {a.date}"
            + ("" if a.content_hash == spec.content_hash else "  [stale]")
            for a in spec.approvals
        ]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    spec = registry.spec(args.id)
    refusal = serving_refusal(spec, registry.settings)
    evals = eval_report(spec, registry.settings)
    if args.format == "json":
        payload = {
            **summary_json(spec),
            "served": refusal is None,
            "refusal": refusal,
            "evals": evals,
            "data": dict(spec.data),
        }
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(
            _text(spec, refusal) + f"\n\nevals: {evals['label']} ({evals['results_file']})\n"
        )
    return EXIT_OK
