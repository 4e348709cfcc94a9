"""What a lint run produced: findings sorted by place and how many files were read.

Plain data in a module of its own, so the reporters and the cached answer
(promptreg.lint.quick) hold a result without importing the rules that make one.
"""

from __future__ import annotations

from promptreg.core.records import Record
from promptreg.lint.finding import SEVERITY_RANK, Finding, Severity


class LintResult(Record):
    """A run's findings, sorted, and the number of files it read."""

    findings: tuple[Finding, ...]
    files_checked: int

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, fail_on: Severity) -> tuple[Finding, ...]:
        """Findings at or above the failing severity: these make the exit status 1."""
        floor = SEVERITY_RANK[fail_on]
        return tuple(f for f in self.findings if SEVERITY_RANK[f.severity] >= floor)
