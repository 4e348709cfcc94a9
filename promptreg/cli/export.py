"""`promptreg export`: a registry prompt as a Prompty or Dotprompt file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from
from promptreg.core.errors import EXIT_OK


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Write a prompt in another tool's file format. Importing the result "
        "gives back a prompt that renders the same messages (Prompty drops newlines at the "
        "ends of each message). Refuses what the target cannot express the same way.",
        epilog=example(
            "promptreg export support/summarize-ticket --to prompty",
            "promptreg export support/summarize-ticket --to dotprompt -o summarize.prompt",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("id", help="the prompt's id")
    parser.add_argument("--to", choices=("prompty", "dotprompt"), required=True)
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    from promptreg.core.fs import atomic_write
    from promptreg.core.tree import spec_by_id
    from promptreg.importers.export import export_text

    text = export_text(spec_by_id(settings_from(args), args.id), args.to)
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write(args.output, text)
        sys.stderr.write(f"wrote {args.output}\n")
    return EXIT_OK
