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
from promptreg.cli.progress import Pulse
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.core.paths import shown_path
from promptreg.lint.finding import Finding
from promptreg.lint.result import LintResult

# The rules, the session and the reporters load in run(), after the cached answer
# (promptreg.lint.quick) had its chance: a run it answers never imports them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.lint.known import Filtered
    from promptreg.lint.session import LintSession


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
    known = parser.add_mutually_exclusive_group()
    known.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in FILE (written by --write-baseline), and "
        "note entries that no longer match",
    )
    known.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record every finding in FILE as accepted, then exit 0 (adopting on existing prompts)",
    )
    add_config_option(parser)


def _fix(session: LintSession, paths: list[Path], unsafe: bool) -> None:
    fixed = 0
    for outcome in session.fix_paths(paths, unsafe=unsafe):
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
    explicit = [*(args.select or ()), *args.extend_select]
    if not args.base and any(c.upper().startswith("V") for c in explicit):
        sys.stderr.write("note: V rules skipped: they compare with a git base (--base REF)\n")
    if _plain_text(args):
        printed = _printed_from_cache(args)
        if printed is not None:
            return printed
        answered = None  # asked the cache once: a miss is a miss for both forms
    else:
        answered = _cached(args)
    if answered is not None:
        result, fail_on = answered
    else:
        result, fail_on = _lint(args)
        if args.write_baseline is not None:
            return EXIT_OK
    _report(args, result)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if result.failing(fail_on) else EXIT_OK  # type: ignore[arg-type]


def _may_use_cache(args: argparse.Namespace) -> bool:
    """Whether this run may take the cached answer (promptreg.lint.quick): no base,
    fixes or baseline, and the cache in use."""
    return not (args.fix or args.base or args.no_cache or args.baseline or args.write_baseline)


def _plain_text(args: argparse.Namespace) -> bool:
    """Whether the run may take the cached answer and prints it as plain text: no
    colour and no source lines (not a terminal), no statistics."""
    return (
        _may_use_cache(args)
        and args.format == "text"
        and not args.statistics
        and not sys.stdout.isatty()  # colour, or source lines under each finding
    )


def _printed_from_cache(args: argparse.Namespace) -> int | None:
    """Print the cached answer as plain text (`_plain_text` runs) straight from the
    stored findings and return the exit status; None when there is no cached answer.
    Each line is the one promptreg.report.text prints for the finding, all written at
    once: a warm run of a registry prints thousands, and a Finding apiece would cost
    more than the lines."""
    from promptreg.core.names import find_config
    from promptreg.lint.finding import SEVERITY_RANK
    from promptreg.lint.quick import cached_entries, selection_args
    from promptreg.report.terminal import printable

    config = args.config if args.config is not None else find_config()
    selection = selection_args(args.select, args.ignore, args.extend_select)
    answer = cached_entries(config, selection, args.paths or [])
    if answer is None:
        return None
    lines: list[str] = []
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for named, spelt, items in answer.entries:
        for item in items:
            where = named if item["path"] == spelt else str(Path(item["path"]))
            severity = item["severity"]
            place = printable(f"{where}:{item['line']}:{item['column']}:")
            lines.append(f"{place} {item['code']} [{severity}] {printable(item['message'])}\n")
            counts[severity] += 1
    if not args.quiet:
        lines.append(_summary(counts, answer.files_checked) + "\n")
    sys.stdout.write("".join(lines))
    if args.exit_zero:
        return EXIT_OK
    floor = SEVERITY_RANK[answer.fail_on]
    failing = any(n for severity, n in counts.items() if SEVERITY_RANK[severity] >= floor)
    return EXIT_FINDINGS if failing else EXIT_OK


def _summary(counts: dict[str, int], files_checked: int) -> str:
    """promptreg.report.text.summary, from the counts per severity."""
    files = f"{files_checked} file{'s' if files_checked != 1 else ''}"
    total = sum(counts.values())
    if not total:
        return f"All checks passed ({files})."
    parts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for word in ("error", "warning", "info")
        if (n := counts[word])
    ]
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files}."


def _cached(args: argparse.Namespace) -> tuple[LintResult, str] | None:
    """The cached answer (promptreg.lint.quick) as a result, when this run may take it."""
    if not _may_use_cache(args):
        return None
    from promptreg.core.names import find_config
    from promptreg.lint.quick import cached_answer, selection_args

    config = args.config if args.config is not None else find_config()
    selection = selection_args(args.select, args.ignore, args.extend_select)
    answer = cached_answer(config, selection, args.paths or [])
    if answer is None:
        return None
    return LintResult(answer.findings, answer.files_checked), answer.fail_on


def _lint(args: argparse.Namespace) -> tuple[LintResult, str]:
    from promptreg.actions.lint_targets import check_lint_paths
    from promptreg.lint.session import LintSession, paths_to_lint

    settings = settings_from(args)
    with LintSession.open(
        settings,
        select=args.select,
        ignore=args.ignore,
        extend_select=args.extend_select,
        base=args.base,
        cache=not args.no_cache,
    ) as session:
        check_lint_paths(args.paths or [settings.registry_dir])
        paths = paths_to_lint(settings, args.paths or [])
        if args.fix:
            _fix(session, paths, args.unsafe_fixes)
        with Pulse("linting", quiet=args.quiet):
            found = session.lint_paths(paths, jobs="auto" if args.jobs is None else args.jobs)
    fail_on = session.settings.lint.fail_on  # the base's with --base, as every setting
    if args.write_baseline is not None:
        from promptreg.lint.known import write_baseline

        count = write_baseline(args.write_baseline, found.findings, settings.root)
        sys.stderr.write(
            f"wrote {count} finding{'s' if count != 1 else ''} to {args.write_baseline}\n"
        )
        return found, fail_on
    findings = found.findings
    if args.baseline is not None:
        from promptreg.lint.known import filter_known, read_baseline
        from promptreg.lint.runner import expand_paths

        known = filter_known(
            findings, read_baseline(args.baseline), expand_paths(paths), settings.root
        )
        findings = known.findings
        _note_baseline(args.baseline, known)
    return LintResult(_shown(findings), found.files_checked), fail_on


def _shown(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Each finding naming its file as every format does (one resolution per file)."""
    names: dict[Path, Path] = {}
    shown = []
    for finding in findings:
        name = names.get(finding.path)
        if name is None:
            name = names[finding.path] = shown_path(finding.path)
        shown.append(finding if name == finding.path else finding.at(name))
    return tuple(shown)


def _note_baseline(path: Path, known: Filtered) -> None:
    if known.known:
        sys.stderr.write(f"{known.known} known finding(s) in {path} not shown\n")
    if known.stale:
        sys.stderr.write(
            f"{len(known.stale)} entr{'y' if len(known.stale) == 1 else 'ies'} of {path} "
            f"{'matches' if len(known.stale) == 1 else 'match'} no finding any more (fixed); "
            "`--write-baseline` drops them:\n"
        )
        for entry_path, code, message in known.stale:
            sys.stderr.write(f"  {entry_path}: {code} {message}\n")


def _report(args: argparse.Namespace, result: LintResult) -> None:
    color = use_color()
    if args.statistics:
        from promptreg.report.statistics import report_statistics

        report_statistics(result, sys.stdout, color)
    elif args.quiet and args.format == "text":
        from promptreg.report.text import format_finding

        for finding in result.findings:
            sys.stdout.write(format_finding(finding, color) + "\n")
    else:
        from promptreg.report import REPORTERS

        REPORTERS[args.format](result, sys.stdout, color)
