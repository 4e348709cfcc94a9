"""`promptreg diff`: two versions of a prompt, field by field, messages as unified diffs.

The comparison itself is promptreg.git.history.compare_versions, plain data (the TUI
renders the same); this module only turns it into text or JSON.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Any

from promptreg.cli.common import (
    HelpFormatter,
    add_config_option,
    example,
    settings_from,
    use_color,
)
from promptreg.core.diff import PromptDiff
from promptreg.core.errors import EXIT_OK
from promptreg.git.history import WORKING, compare_versions

_WIDTH = 100
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}
_RESET = "\x1b[0m"


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Compare two versions of a prompt: metadata field by field, variables, "
        "output format and schema, a unified diff of each message, and the version bump the "
        "changes need. A and B are each a version number (1.2.0), a git revision (a branch, "
        f"tag, commit id or HEAD~2) or {WORKING!r} for the working tree. With no A, the "
        "prompt as committed at HEAD is compared with the working tree; with only A, A is.",
        epilog=example(
            "promptreg diff support/summarize-ticket              HEAD vs the working tree",
            "promptreg diff support/summarize-ticket 1.2.0        1.2.0 vs the working tree",
            "promptreg diff support/summarize-ticket 1.2.0 1.3.0",
            "promptreg diff support/summarize-ticket main HEAD --format json",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="prompt id, e.g. support/summarize-ticket")
    parser.add_argument("a", nargs="?", default="HEAD", metavar="A", help="older side (HEAD)")
    parser.add_argument(
        "b", nargs="?", default=WORKING, metavar="B", help=f"newer side ({WORKING})"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    add_config_option(parser)


def _value(value: Any) -> str:
    text = "-" if value is None else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _paint(line: str, color: bool) -> str:
    start = _COLORS.get(line[:1]) if color else None
    return f"{start}{line}{_RESET}" if start else line


def _bump_line(result: PromptDiff) -> str:
    went = f"version: {result.version_before} → {result.version_after}"
    made = f"a {result.bump} bump" if result.bump else "not raised"
    if result.bump_sufficient:
        return f"{went}, {made}; the changes need a {result.suggested_level} bump"
    return f"{went}, {made}, but the changes need a {result.suggested_level} bump"


def render_text(result: PromptDiff, label_a: str, label_b: str, *, color: bool = False) -> str:
    out = [f"{result.id}: {label_a} → {label_b}"]
    if result.identical:
        return "\n".join([*out, "no differences"])
    if result.content_changed:
        out.append(f"content hash: {result.content_hash_before} → {result.content_hash_after}")
    if result.changes:
        out += ["", "changes:"]
        out += [f"  {c.level:<6} {c.description}" for c in result.changes]
        out.append(_bump_line(result))
    elif result.content_changed:
        out.append("no change callers would notice besides the version")
    if result.metadata:
        out += ["", "metadata:"]
        out += [
            f"  {'.'.join(f.path)}: {_value(f.before)} → {_value(f.after)}" for f in result.metadata
        ]
    if result.variables:
        out += ["", "variables:"]
        for var in result.variables:
            if var.kind == "changed":
                out.append(f"  ~ {var.name}: {', '.join(var.keys)} changed")
                out += [
                    f"      {key}: {_value((var.before or {}).get(key))} → "
                    f"{_value((var.after or {}).get(key))}"
                    for key in var.keys
                ]
            else:
                out.append(f"  {'+' if var.kind == 'added' else '-'} {var.name} ({var.kind})")
    if result.output:
        output = result.output
        out += ["", "output:"]
        if output.format_before != output.format_after:
            out.append(f"  format: {output.format_before} → {output.format_after}")
        if output.schema_before != output.schema_after:
            schema_lines = difflib.unified_diff(
                _json_lines(output.schema_before),
                _json_lines(output.schema_after),
                fromfile="a/output.schema",
                tofile="b/output.schema",
                lineterm="",
            )
            out += [_paint(line, color) for line in schema_lines]
    if result.messages:
        out += ["", "messages:"]
        for message in result.messages:
            if message.role_before != message.role_after and message.kind == "changed":
                out.append(f"role: {message.role_before} → {message.role_after}")
            out += [_paint(line, color) for line in message.unified]
    counts = [
        (name, pair)
        for name, pair in (
            ("evals", result.evals),
            ("approvals", result.approvals),
            ("changelog entries", result.changelog),
        )
        if pair[0] != pair[1]
    ]
    if counts:
        out.append("")
        out += [f"{name}: {before} → {after}" for name, (before, after) in counts]
    return "\n".join(out)


def _json_lines(value: Any) -> list[str]:
    if value is None:
        return []
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def run(args: argparse.Namespace) -> int:
    found = compare_versions(settings_from(args), args.id, args.a, args.b)
    if args.format == "json":
        json.dump(found.to_json(), sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        text = render_text(found.diff, found.label_a, found.label_b, color=use_color())
        sys.stdout.write(text + "\n")
    return EXIT_OK
