"""Counts per rule, most frequent first, like `ruff check --statistics`:

    12  S006  missing-schema-modeline  [*]
     3  S004  unknown-owner
     1  T002  undeclared-variable

`[*]` marks a code where at least one finding has a safe fix; `[-]` one whose findings
have only unsafe fixes. Ties are ordered by code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from promptreg.lint.result import LintResult
from promptreg.report.text import summary

_BOLD, _RESET = "\033[1m", "\033[0m"


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    name: str
    count: int
    fix: str
    """"[*]" (a safe fix), "[-]" (only unsafe fixes) or "" (no fix)."""


def code_counts(result: LintResult) -> list[CodeCount]:
    """One entry per code that fired, most frequent first, then by code."""
    counts = Counter(finding.code for finding in result.findings)
    names: dict[str, str] = {}
    safe: set[str] = set()
    unsafe: set[str] = set()
    for finding in result.findings:
        names.setdefault(finding.code, finding.name)
        if finding.fix is not None:
            (safe if finding.fix.applicability == "safe" else unsafe).add(finding.code)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        CodeCount(code, names[code], n, "[*]" if code in safe else "[-]" if code in unsafe else "")
        for code, n in ordered
    ]


def statistics(result: LintResult, color: bool = False) -> str:
    """The table, one line per code (no trailing newline); "" when nothing was found."""
    rows = code_counts(result)
    if not rows:
        return ""
    count_width = max(len(str(row.count)) for row in rows)
    code_width = max(len(row.code) for row in rows)
    name_width = max(len(row.name) for row in rows)
    lines = []
    for row in rows:
        code = row.code.ljust(code_width)
        if color:
            code = f"{_BOLD}{code}{_RESET}"
        line = f"{row.count:>{count_width}}  {code}  {row.name.ljust(name_width)}  {row.fix}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def report_statistics(result: LintResult, stream: TextIO, color: bool = False) -> None:
    """A reporter: the table, then the summary line the text format ends with."""
    table = statistics(result, color)
    if table:
        stream.write(table + "\n")
    stream.write(summary(result) + "\n")
