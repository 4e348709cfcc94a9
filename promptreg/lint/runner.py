"""Run the selected rules over files and collect findings into one result.

The result is plain data (findings sorted by place), shared by every reporter, the
pre-commit hooks and the TUI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from promptreg.config import CONFIG_NAME, Settings
from promptreg.errors import Problem
from promptreg.lint.catalogue import RULES
from promptreg.lint.context import FileContext
from promptreg.lint.finding import SEVERITY_RANK, Finding, Fix, Severity
from promptreg.lint.select import Selection
from promptreg.loader import PROMPT_SUFFIX, check_document, load_prompt, prompt_id_for
from promptreg.location import Span
from promptreg.schema import CONFIG_SCHEMA
from promptreg.yamlio import read_document


@dataclass(frozen=True, slots=True)
class LintResult:
    findings: tuple[Finding, ...]
    files_checked: int

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, fail_on: Severity) -> tuple[Finding, ...]:
        """Findings at or above the failing severity: these make the exit status 1."""
        floor = SEVERITY_RANK[fail_on]
        return tuple(f for f in self.findings if SEVERITY_RANK[f.severity] >= floor)


class Linter:
    """Settings and selection resolved once; then any number of files."""

    def __init__(self, settings: Settings, selection: Selection | None = None) -> None:
        self.settings = settings
        lint = settings.lint
        self.selection = selection or Selection.build(lint.select, lint.ignore, lint.extend_select)
        self._checks = [
            rule for rule in RULES.values() if rule.check and rule.code in self.selection
        ]

    def _severity(self, code: str) -> Severity:
        override = self.settings.lint.severity.get(code)
        if override in ("error", "warning", "info"):
            return override  # type: ignore[return-value]
        return RULES[code].severity

    def _finding(
        self, code: str, message: str, path: Path, span: Span, fix: Fix | None = None
    ) -> Finding:
        return Finding(path, span, code, message, RULES[code].name, self._severity(code), fix)

    def _from_problems(self, problems: Iterable[Problem]) -> Iterator[Finding]:
        for problem in problems:
            if problem.code in self.selection:
                span = problem.location.span or Span.at(1, 1)
                yield self._finding(problem.code, problem.message, problem.location.path, span)

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        if path.name == CONFIG_NAME:
            document = read_document(path, data)
            return sorted(self._from_problems(check_document(document, CONFIG_SCHEMA)))
        result = load_prompt(path, data)
        findings = list(self._from_problems(result.problems))
        if result.spec is not None:
            ctx = FileContext(
                path=path,
                document=result.document,
                spec=result.spec,
                settings=self.settings,
                expected_id=prompt_id_for(path, self.settings.registry_dir),
            )
            for rule in self._checks:
                assert rule.check is not None
                findings.extend(
                    self._finding(rule.code, hit.message, path, hit.span, hit.fix)
                    for hit in rule.check(ctx)
                )
        return sorted(findings)

    def lint_paths(self, paths: Iterable[Path]) -> LintResult:
        findings: list[Finding] = []
        count = 0
        for path in expand_paths(paths):
            count += 1
            findings.extend(self.lint_file(path))
        return LintResult(tuple(findings), count)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Directories become the prompt files below them; files are taken as given."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob(f"*{PROMPT_SUFFIX}") if p.is_file())
        else:
            yield path
