"""`promptreg check`: what no single prompt file can show, over the whole registry.

Runs as the pre-commit hook `promptreg-check` on every commit (a deleted file is not
passed to hooks, so a per-file hook never sees a deletion) and in CI:

- V005: an approved prompt deleted since the base revision (needs `--base REF`);
- R001: two files declaring the same `id`;
- R002: two paths that differ only in case (one overwrites the other on macOS and
  Windows checkouts);
- R003: a CODEOWNERS file whose promptreg block is out of date. Teams opt in by running
  `promptreg codeowners` once; a repository without the block is not checked.

Findings print in the linter's formats; `lint:` selection and severities in
promptreg.yaml apply to them as to lint findings. The checks are rules of scope
`registry` (promptreg/lint/rules/registry.py, and versions.py for V005).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from promptreg.cli.common import (
    HelpFormatter,
    add_config_option,
    add_report_options,
    example,
    settings_from,
    use_color,
)
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.lint.result import LintResult
from promptreg.lint.session import LintSession
from promptreg.report import REPORTERS


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Check the registry as a whole: approved prompts deleted since the base "
        "revision (V005, with --base), two files declaring one id (R001), paths that "
        "differ only in case (R002), and a CODEOWNERS promptreg block that is out of date "
        "(R003, when the file has one). Findings print as file:line:col: CODE [severity] "
        "message.\n\n"
        "Exit status: 0 no failing findings, 1 findings at or above the failing severity "
        "(lint.fail_on, default error), 2 usage or configuration error.",
        epilog=example(
            "promptreg check --base HEAD            # what the pre-commit hook runs",
            "promptreg check --base origin/main     # in CI",
            "promptreg check --format github",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="git revision to look for deleted approved prompts against, e.g. HEAD",
    )
    add_report_options(parser)
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with LintSession.open(settings, base=args.base, cache=False) as session:
        if not args.base and not args.quiet and "V005" in session.selection:
            sys.stderr.write("note: deleted approved prompts (V005) need a git base (--base REF)\n")
        checked = session.check_registry()
    shown = sorted(replace(f, path=_shown(f.path)) for f in checked.findings)
    result = LintResult(tuple(shown), checked.files_checked)
    _report(args, result)
    if args.exit_zero:
        return EXIT_OK
    fail_on = session.settings.lint.fail_on  # the base's with --base, as every setting
    return EXIT_FINDINGS if result.failing(fail_on) else EXIT_OK  # type: ignore[arg-type]


def _shown(path: Path) -> Path:
    """Relative to the working directory when below it, as pre-commit users read paths."""
    from promptreg.core.paths import relative_path

    return Path(relative_path(path, Path.cwd()))


def _report(args: argparse.Namespace, result: LintResult) -> None:
    color = use_color()
    if args.quiet and args.format == "text":
        from promptreg.report.text import format_finding

        for finding in result.findings:
            sys.stdout.write(format_finding(finding, color) + "\n")
    else:
        REPORTERS[args.format](result, sys.stdout, color)
