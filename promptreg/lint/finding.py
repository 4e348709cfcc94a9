"""Findings: immutable facts about a file that reporters, the TUI and caches read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from promptreg.location import Span

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check yields: a message and where. The runner adds code and severity."""

    message: str
    span: Span


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    path: Path
    span: Span
    code: str
    message: str = field(compare=False)
    name: str = field(compare=False)
    severity: Severity = field(compare=False, default="error")

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": self.path.as_posix(),
            "line": self.span.start.line,
            "column": self.span.start.column,
            "end_line": self.span.end.line,
            "end_column": self.span.end.column,
        }
