"""`promptreg stubs`: type stubs that let mypy check every call site's variables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, registry_from
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.core.fs import atomic_write
from promptreg.sdk.stubs import render_stubs


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Write a stub-only module (.pyi) with each prompt's variables as a "
        "TypedDict and `Prompts`, a Protocol of the Registry whose get() is overloaded by "
        "literal prompt id. Annotate the registry with it and mypy reports a misspelt, "
        "missing or wrongly typed variable at the call site. Files that do not load are "
        "left out (`promptreg lint` reports them).\n\n"
        "Exit status: 0 written or up to date, 1 with --check when the file is stale.",
        epilog=example(
            "promptreg stubs -o app/prompt_types.pyi",
            "promptreg stubs -o app/prompt_types.pyi --check   # in CI: fail when stale",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="the .pyi to write (default: stdout)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when FILE is out of date"
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    text = render_stubs(registry_from(args).specs())
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    if args.check:
        try:
            current = output.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            sys.stderr.write(f"{output} is out of date; run `promptreg stubs -o {output}`\n")
            return EXIT_FINDINGS
        return EXIT_OK
    output.parent.mkdir(parents=True, exist_ok=True)  # `-o app/types.pyi` in a new app
    atomic_write(output, text)
    sys.stderr.write(f"wrote {output}\n")
    return EXIT_OK
