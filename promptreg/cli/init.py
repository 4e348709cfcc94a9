"""`promptreg init`: scaffold a registry in the current directory, never overwriting."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, example
from promptreg.core.errors import EXIT_OK
from promptreg.edit.scaffold import init_registry


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Create promptreg.yaml, an example prompt, a .pre-commit-config.yaml and "
        "editor schemas (.promptreg/schemas/) in the current directory. Refuses to "
        "overwrite anything: if one of the files exists, nothing is written. A repository "
        "that already has a .pre-commit-config.yaml keeps it; init prints the block to add.",
        epilog=example("promptreg init", "promptreg init --owner support-platform"),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--owner", default="my-team", help="the first owning team (lower-case, '-' between words)"
    )
    parser.add_argument("--registry", default="registry", help="folder for prompt files")


def run(args: argparse.Namespace) -> int:
    root = Path.cwd()
    result = init_registry(root, owner=args.owner, registry=args.registry)
    for path in result.created:
        sys.stdout.write(f"created {path.relative_to(root)}\n")
    if result.pre_commit_entry is not None:
        sys.stdout.write(
            "\n.pre-commit-config.yaml exists and was left alone; add this under repos:\n"
            + result.pre_commit_entry
        )
    sys.stdout.write(
        "\nnext: edit owners and reviewers in promptreg.yaml, then\n"
        "  promptreg lint\n  promptreg new <namespace>/<name> --tier 2\n"
    )
    return EXIT_OK
