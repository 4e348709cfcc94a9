"""`file:line:col: CODE [severity] message`, the form editors and CI logs link to.

On a terminal each finding also shows its source line with a caret under the span,
with any secret on it redacted and control characters escaped (a line of a pull
request's file must not drive the terminal); colour only on a terminal and never when
NO_COLOR is set (https://no-color.org).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from promptreg.lint.finding import Finding
from promptreg.lint.result import LintResult
from promptreg.report.terminal import printable

SENSITIVE = ("X0", "X1")
"""Secrets and personal data: their source line is never echoed, only the message,
which names the kind and at most four characters."""

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def format_finding(finding: Finding, color: bool = False) -> str:
    where = printable(f"{finding.path}:{finding.span.line}:{finding.span.column}:")
    message = printable(finding.message)
    if not color:
        return f"{where} {finding.code} [{finding.severity}] {message}"
    tint = _COLORS[finding.severity]
    return (
        f"{_BOLD}{where}{_RESET} {tint}{finding.code}{_RESET} "
        f"{_DIM}[{finding.severity}]{_RESET} {message}"
    )


def _source_excerpt(finding: Finding, lines: list[str]) -> str:
    line_no = finding.span.line
    if not 1 <= line_no <= len(lines):
        return ""
    source = lines[line_no - 1].rstrip("\n").expandtabs(1)
    start = finding.span.column
    end = finding.span.end.column if finding.span.end.line == line_no else len(source) + 1
    shown, where = _shown(source)
    first, last = where[min(start, len(where)) - 1], where[min(max(end, start), len(where)) - 1]
    gutter = f"{line_no:>5} | "
    return f"{gutter}{shown}\n{' ' * (len(gutter) + first)}{'^' * max(last - first, 1)}"


def _shown(source: str) -> tuple[str, list[int]]:
    """The line as shown: every secret (random-looking tokens too) as a marker, control
    characters escaped; and where each character of `source` (and its end) begins in it,
    so the caret stays under the span. The detectors load here, for the first source
    line shown: a run with nothing to show (a clean or cached one) never compiles them."""
    from promptreg.detect.redact import redact_secrets
    from promptreg.detect.secrets import find_secrets

    spans = sorted((d.start, d.end) for d in find_secrets(source))
    parts: list[str] = []
    where: list[int] = []
    size = index = 0
    for start, end in [*spans, (len(source), len(source))]:
        for char in source[index:start]:
            where.append(size)
            parts.append(printable(char))
            size += len(parts[-1])
        index = max(index, start)
        if end > index:
            where.extend([size] * (end - index))
            parts.append("[redacted secret]")
            size += len(parts[-1])
            index = end
    where.append(size)
    shown = "".join(parts)
    if redact_secrets(shown, random_tokens=True) != shown:  # a redaction uncovered more
        return redact_secrets(shown, random_tokens=True), [0] * (len(source) + 1)
    return shown, where


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
