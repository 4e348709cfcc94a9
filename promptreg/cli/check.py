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
promptreg.yaml apply to them as to lint findings.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
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
from promptreg.core.config import Settings
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK
from promptreg.core.location import Span
from promptreg.git.baseline import Baseline
from promptreg.git.gitio import GitError, git, repo_root
from promptreg.governance import codeowners
from promptreg.governance.codeowners import Head
from promptreg.lint.catalogue import RULES
from promptreg.lint.finding import Finding
from promptreg.lint.runner import Linter, LintResult
from promptreg.lint.select import Selection
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


class _Checker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        lint = settings.lint
        self.selection = Selection.build(lint.select, lint.ignore, lint.extend_select)

    def enabled(self, code: str) -> bool:
        return code in self.selection

    def finding(self, code: str, message: str, path: Path, span: Span) -> Finding:
        name, severity = RULES[code].name, RULES[code].severity
        override = self.settings.lint.severity.get(code)
        if override in ("error", "warning", "info"):
            severity = override  # type: ignore[assignment]
        return Finding(path, span, code, message, name, severity)


def _relative(path: Path, settings: Settings) -> str:
    try:
        return path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def duplicate_ids(checker: _Checker, heads: Mapping[Path, Head]) -> list[Finding]:
    from promptreg.core.yamlio import read_document

    declared: dict[str, list[Path]] = defaultdict(list)
    for path, head in heads.items():
        if head.id is not None:
            declared[head.id].append(path)
    found = []
    for prompt_id, paths in declared.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = ", ".join(_relative(p, checker.settings) for p in paths if p != path)
            found.append(
                checker.finding(
                    "R001",
                    f"id {prompt_id!r} is also declared by {others}; an id names one prompt, "
                    "so give each file the id of its own path",
                    path,
                    read_document(path).span(("id",)),  # parsed again only when reported
                )
            )
    return found


def case_collisions(checker: _Checker, paths: Iterable[Path]) -> list[Finding]:
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        groups[_relative(path, checker.settings).casefold()].append(path)
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue
        for path in group:
            others = ", ".join(_relative(p, checker.settings) for p in group if p != path)
            found.append(
                checker.finding(
                    "R002",
                    f"the path differs from {others} only in case; on macOS and Windows "
                    "checkouts one file replaces the other. Rename one of them",
                    path,
                    Span.at(1, 1),
                )
            )
    return found


def stale_codeowners(checker: _Checker, heads: Mapping[Path, Head]) -> list[Finding]:
    settings = checker.settings
    root = codeowners.project_root(settings)
    path = codeowners.default_path(root)
    if not path.is_file():
        return []
    text = codeowners.read_text(path)
    block = codeowners.find_block(text, path, codeowners.markers(settings, root))
    if block is None or codeowners.updated_text(text, settings, root, path, heads) == text:
        return []
    return [
        checker.finding(
            "R003",
            "the promptreg block no longer matches the tiers of the prompts and the "
            "reviewers in promptreg.yaml; run `promptreg codeowners` and commit the result",
            path,
            Span.at(block.start + 1, 1),
        )
    ]


class _DeletedOnly(Baseline):
    """The base narrowed to the files gone from the work tree: only those are parsed,
    not the whole registry as it was (5 s for 1,000 prompts)."""

    def paths(self) -> list[Path]:
        return [path for path in super().paths() if not path.exists()]


def deleted_approved(settings: Settings, rev: str) -> list[Finding]:
    try:
        base = _DeletedOnly(settings, rev)
    except GitError:
        # The first commit of a new repository has no HEAD: nothing can have been deleted.
        root = repo_root(settings.root)
        if rev != "HEAD" or git(["rev-list", "-n1", "--all"], root, check=False).stdout:
            raise
        return []
    return Linter(settings, base=base).registry_findings()


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checker = _Checker(settings)
    heads = codeowners.read_heads(settings)
    findings: list[Finding] = []
    if args.base:
        findings += deleted_approved(settings, args.base)
    elif not args.quiet and checker.enabled("V005"):
        sys.stderr.write("note: deleted approved prompts (V005) need a git base (--base REF)\n")
    if checker.enabled("R001"):
        findings += duplicate_ids(checker, heads)
    if checker.enabled("R002"):
        findings += case_collisions(checker, heads)
    if checker.enabled("R003"):
        findings += stale_codeowners(checker, heads)
    shown = sorted(replace(f, path=_shown(f.path)) for f in findings)
    result = LintResult(tuple(shown), len(heads))
    _report(args, result)
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if result.failing(settings.lint.fail_on) else EXIT_OK  # type: ignore[arg-type]


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
