"""Findings: immutable facts about a file that reporters, the TUI and caches read.

What checks yield (hits, fixes, edits) are named tuples: every run defines these classes
before it lints, and a named tuple costs a tenth of a frozen dataclass to define.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from promptreg.core.location import Position, Span
from promptreg.core.records import Record

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: Mapping[str, int] = {"info": 0, "warning": 1, "error": 2}
Applicability = Literal["safe", "unsafe"]


class Edit(Record):
    """Replace the source text from `start` (inclusive) to `end` (exclusive) with `text`.

    Fixes are text edits, as in ruff: everything outside the edited range, comments and
    key order included, stays byte for byte. Insert with start == end; delete with "".
    """

    start: Position
    end: Position
    text: str


class Fix(Record):
    """A way to resolve a finding: a description and non-overlapping edits."""

    description: str
    edits: tuple[Edit, ...]
    applicability: Applicability = "safe"

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "applicability": self.applicability,
            "edits": [
                {
                    "line": e.start.line,
                    "column": e.start.column,
                    "end_line": e.end.line,
                    "end_column": e.end.column,
                    "text": e.text,
                }
                for e in self.edits
            ],
        }


def fix_from_json(data: dict[str, Any]) -> Fix:
    return Fix(
        data["description"],
        tuple(
            Edit(
                Position(e["line"], e["column"]),
                Position(e["end_line"], e["end_column"]),
                e["text"],
            )
            for e in data["edits"]
        ),
        data["applicability"],
    )


class Hit(Record):
    """What a check yields: a message, where, and maybe a fix. The runner adds the rest."""

    message: str
    span: Span
    fix: Fix | None = None
    severity: Severity | None = None
    """Set when this finding is milder than the rule's severity (a stale approval on a
    prompt that is not approved is information); None: the rule's."""


class RegistryHit(Record):
    """What a whole-registry check yields: a hit in the file it names (a prompt, a
    prompt deleted since the base, CODEOWNERS)."""

    path: Path
    message: str
    span: Span


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One rule's finding in one file. Ordered by place and code, so every format lists
    findings in the same order; message, name, severity and fix do not take part in
    comparisons."""

    path: Path
    span: Span
    code: str
    message: str = field(compare=False)
    name: str = field(compare=False)
    severity: Severity = field(compare=False, default="error")
    fix: Fix | None = field(compare=False, default=None)

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        """Pickled as the constructor's arguments: lint workers send thousands of
        findings back, and a slotted dataclass's default state restores each field
        through a setattr of its own (a quarter of the parent's unpickling)."""
        fields = (self.path, self.span, self.code, self.message, self.name, self.severity)
        return (Finding, (*fields, self.fix))

    def at(self, path: Path) -> Finding:
        """The same finding, naming its file as `path` (as dataclasses.replace, which
        costs three times as much: every report relativises thousands)."""
        return Finding(path, self.span, self.code, self.message, self.name, self.severity, self.fix)

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
            "fix": self.fix.to_json() if self.fix else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path | None = None) -> Finding:
        """The inverse of to_json (the result cache stores findings this way); `path`
        stands for the stored one when the caller has it (one Path per file, not per
        finding: a warm run of a large registry reads thousands)."""
        return cls(
            path if path is not None else Path(data["path"]),
            Span(
                Position(data["line"], data["column"]),
                Position(data["end_line"], data["end_column"]),
            ),
            data["code"],
            data["message"],
            data["name"],
            data["severity"],
            fix_from_json(data["fix"]) if data["fix"] else None,
        )
