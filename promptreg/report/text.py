"""`file:line:col: CODE [severity] message`, the form editors and CI logs link to.

On a terminal each finding also shows its source line with a caret under the span;
colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from promptreg.lint.finding import Finding
from promptreg.lint.runner import LintResult

SENSITIVE = ("X0", "X1")
"""Secrets and personal data: their source line is never echoed, only the message,
which names the kind and at most four characters."""

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def format_finding(finding: Finding, color: bool = False) -> str:
    where = f"{finding.path}:{finding.span.line}:{finding.span.column}:"
    if not color:
        return f"{where} {finding.code} [{finding.severity}] {finding.message}"
    tint = _COLORS[finding.severity]
    return (
        f"{_BOLD}{where}{_RESET} {tint}{finding.code}{_RESET} "
        f"{_DIM}[{finding.severity}]{_RESET} {finding.message}"
    )


def _source_excerpt(finding: Finding, lines: list[str]) -> str:
    line_no = finding.span.line
    if not 1 <= line_no <= len(lines):
        return ""
    source = lines[line_no - 1].rstrip("\n").expandtabs(1)
    start = finding.span.column
    end = finding.span.end.column if finding.span.end.line == line_no else len(source) + 1
    width = max(end - start, 1)
    gutter = f"{line_no:>5} | "
    return f"{gutter}{source}\n{' ' * (len(gutter) + start - 1)}{'^' * width}"


def summary(result: LintResult) -> str:
    errors, warnings, infos = (result.count(s) for s in ("error", "warning", "info"))
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    if not result.findings:
        return f"All checks passed ({files})."
    parts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((errors, "error"), (warnings, "warning"), (infos, "info"))
        if n
    ]
    return (
        f"Found {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
        f"({', '.join(parts)}) in {files}."
    )


def report(result: LintResult, stream: TextIO, color: bool = False) -> None:
    show_source = stream.isatty()
    cache: dict[Path, list[str]] = {}
    for finding in result.findings:
        stream.write(format_finding(finding, color) + "\n")
        if show_source and not finding.code.startswith(SENSITIVE):
            lines = cache.get(finding.path)
            if lines is None:
                try:
                    lines = finding.path.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    lines = []
                cache[finding.path] = lines
            excerpt = _source_excerpt(finding, lines)
            if excerpt:
                stream.write(excerpt + "\n")
    stream.write(summary(result) + "\n")
