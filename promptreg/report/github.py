"""GitHub Actions workflow commands: each finding becomes an annotation on the file.

    ::error file=a.prompt.yaml,line=9,col=8,endLine=9,endColumn=23,title=S004 unknown-owner::...

Errors are `error`, warnings `warning` and info findings `notice`. Values are escaped
as the runner unescapes them: in the message % CR LF, in properties also : and ,.
Before that, control characters (ESC, C1, bidirectional controls) are written as
visible escapes (`\x1b`), as on a terminal: the runner prints each command in the job's
log, which draws ANSI sequences, and a file name or a quoted value comes from the pull
request. The
runner drops `col`/`endColumn` (with a warning) when a span covers several lines, so
those are only written for spans on one line. A plain summary line follows.
"""

from __future__ import annotations

from typing import TextIO

from promptreg.core.paths import relative_path
from promptreg.lint.finding import Finding
from promptreg.lint.result import LintResult
from promptreg.report.terminal import printable
from promptreg.report.text import summary

COMMANDS: dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}
"""promptreg severity → workflow command."""


def escape_data(value: str) -> str:
    """Escape a command's message (the text after `::`)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(value, lines=True)


def escape_property(value: str) -> str:
    """Escape a property value (file, title, ...)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_finding(finding: Finding) -> str:
    start, end = finding.span.start, finding.span.end
    properties = [("file", relative_path(finding.path)), ("line", str(start.line))]
    if start.line == end.line:
        properties += [
            ("col", str(start.column)),
            ("endLine", str(end.line)),
            ("endColumn", str(end.column)),
        ]
    else:
        properties.append(("endLine", str(end.line)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(finding.message)}"


def report(result: LintResult, stream: TextIO, color: bool = False) -> None:
    del color
    for finding in result.findings:
        stream.write(format_finding(finding) + "\n")
    stream.write(summary(result) + "\n")
