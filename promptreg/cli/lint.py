"""`promptreg lint`: check prompt files against the organisation's standards."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from promptreg.cli.common import (
    HelpFormatter,
    add_config_option,
    add_paths_argument,
    add_report_options,
    example,
    settings_from,
    use_color,
)
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.lint.cache import LintCache
from promptreg.lint.runner import Linter, LintResult
from promptreg.lint.select import Selection
from promptreg.report import REPORTERS
from promptreg.report.statistics import report_statistics


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_parser(subparsers: Any, name: str, summary: str) -> None:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description="Check prompt files (default: the whole registry) and report findings "
        "as file:line:col: CODE [severity] message.\n\n"
        "Exit status: 0 no failing findings, 1 findings at or above the failing severity "
        "(lint.fail_on, default error), 2 usage or configuration error.",
        epilog=example(
            "promptreg lint",
            "promptreg lint registry/support",
            "promptreg lint --select S,T --ignore S006",
            "promptreg lint --base origin/main --format sarif > promptreg.sarif",
            "promptreg lint --fix",
            "promptreg lint --statistics",
        ),
        formatter_class=HelpFormatter,
    )
    add_paths_argument(parser)
    add_report_options(parser)
    parser.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="comma-separated codes, prefixes or names to run instead of the configured "
        "selection (e.g. S,T001)",
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
        "--base",
        metavar="REF",
        help="git revision to compare versions against (V rules), e.g. HEAD or origin/main",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then lint again")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix, also apply unsafe fixes"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="count findings per rule instead of listing"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore and do not update the result cache in .promptreg/cache/",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core when there are many files)",
    )
    add_config_option(parser)


def _fix(linter: Linter, paths: list[Path], unsafe: bool) -> None:
    from promptreg.lint.fix import fix_paths  # writes files: only with --fix

    fixed = 0
    for outcome in fix_paths(linter, paths, unsafe=unsafe):
        if outcome.error and not outcome.changed:
            sys.stderr.write(f"{outcome.path}: not fixed: {outcome.error}\n")
            continue
        if outcome.error:
            sys.stderr.write(f"{outcome.path}: {outcome.error}\n")
        if outcome.changed:
            count = sum(outcome.fixed.values())
            fixed += count
            sys.stderr.write(
                f"fixed {count} finding{'s' if count != 1 else ''} in {outcome.path}\n"
            )
    if fixed:
        sys.stderr.write(f"{fixed} fixed; linting again\n")


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    lint = settings.lint
    selection = Selection.build(
        args.select if args.select is not None else lint.select,
        [*lint.ignore, *args.ignore],
        [*lint.extend_select, *args.extend_select],
    )
    base = None
    if args.base:
        from promptreg.git.baseline import Baseline  # git only when asked for

        base = Baseline(settings, args.base)
    elif any(c.upper().startswith("V") for c in [*(args.select or ()), *args.extend_select]):
        sys.stderr.write("note: V rules skipped: they compare with a git base (--base REF)\n")
    paths = args.paths or [settings.registry_dir]
    cache = None
    counter = None
    if not args.no_cache and lint.options.get("cache", True):
        config_bytes = settings.path.read_bytes()
        if selection.enabled & {"G011", "G012", "G013", "G014"}:
            from promptreg.governance.provenance import cache_token  # they read git history

            config_bytes += cache_token(settings).encode()
        from promptreg.lint.rules import evals  # its rules read .promptreg/evals/ too

        if selection.enabled & evals.CODES:
            import datetime as dt

            config_bytes += evals.cache_token(settings, dt.datetime.now(dt.UTC)).encode()
        fingerprint = LintCache.fingerprint_of(
            config_bytes, selection.enabled, base.commit if base else None
        )
        cache = LintCache(settings.root / ".promptreg" / "cache", fingerprint)
        from promptreg.render.tokens import TokenCounter  # light; tiktoken loads only to count

        counter = TokenCounter(cache.directory / "tokens.json")
    linter = Linter(settings, selection, base, counter)
    if args.fix:
        _fix(linter, paths, args.unsafe_fixes)
    try:
        result = linter.lint_paths(paths, cache=cache, jobs=args.jobs)
    finally:
        if counter is not None:
            counter.save()
    _report(args, result)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if result.failing(lint.fail_on) else EXIT_OK  # type: ignore[arg-type]


def _report(args: argparse.Namespace, result: LintResult) -> None:
    color = use_color()
    if args.statistics:
        report_statistics(result, sys.stdout, color)
    elif args.quiet and args.format == "text":
        from promptreg.report.text import format_finding

        for finding in result.findings:
            sys.stdout.write(format_finding(finding, color) + "\n")
    else:
        REPORTERS[args.format](result, sys.stdout, color)
