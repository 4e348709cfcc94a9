"""`promptreg lint`: check prompt files against the organisation's standards."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import HelpFormatter, add_config_option, example, settings_from, use_color
from promptreg.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from promptreg.report import REPORTERS


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_parser(subparsers: Any, name: str) -> None:
    parser = subparsers.add_parser(
        name,
        help="check prompt files against the standards",
        description="Check prompt files (default: the whole registry) and report findings "
        "as file:line:col: CODE [severity] message.\n\n"
        "Exit status: 0 no failing findings, 1 findings at or above the failing severity, "
        "2 usage or configuration error.",
        epilog=example(
            "promptreg lint",
            "promptreg lint registry/support",
            "promptreg lint --select S,T --ignore S006",
            "promptreg lint --format json > findings.json",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or directories (default: the registry directory)",
    )
    parser.add_argument(
        "--format", choices=sorted(REPORTERS), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="comma-separated codes, prefixes or names to run instead of the "
        "configured selection (e.g. S,T001)",
    )
    parser.add_argument(
        "--extend-select", type=_codes, default=[], metavar="CODES", help="add to the selection"
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        default=[],
        metavar="CODES",
        help="comma-separated codes, prefixes or names to skip",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    lint = settings.lint
    selection = Selection.build(
        args.select if args.select is not None else lint.select,
        [*lint.ignore, *args.ignore],
        [*lint.extend_select, *args.extend_select],
    )
    paths = args.paths or [settings.registry_dir]
    result = Linter(settings, selection).lint_paths(paths)
    REPORTERS[args.format](result, sys.stdout, use_color())
    if args.exit_zero:
        return EXIT_OK
    failing_severity = lint.fail_on if lint.fail_on in ("error", "warning", "info") else "error"
    return EXIT_FINDINGS if result.failing(failing_severity) else EXIT_OK  # type: ignore[arg-type]
