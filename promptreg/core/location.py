"""Source positions: the one place where 0-based YAML marks become 1-based positions.

Every finding, error and model value points back into the file a person edits, so the
conversion lives here and nowhere else.

The three records are named tuples, not dataclasses: every command defines them at
start-up, and a frozen dataclass costs about ten times as much to define (dataclasses
generates and compiles each method). Their order is the tuple's, field by field, as
`order=True` gave; they are never replaced, serialised whole or tested as tuples.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from promptreg.core.records import Record

if TYPE_CHECKING:
    from typing import Protocol

    class _Mark(Protocol):
        line: int
        column: int


class Position(Record):
    """A 1-based line and column, as editors and terminals count them."""

    line: int
    column: int

    @classmethod
    def from_mark(cls, mark: _Mark) -> Position:
        return cls(mark.line + 1, mark.column + 1)


class Span(Record):
    """A region of a file: start inclusive, end exclusive (the end column is one past)."""

    start: Position
    end: Position

    @classmethod
    def from_marks(cls, start: _Mark, end: _Mark) -> Span:
        return cls(Position.from_mark(start), Position.from_mark(end))

    @classmethod
    def at(cls, line: int, column: int = 1) -> Span:
        """A zero-width span, for problems that have a point but no extent."""
        return cls(Position(line, column), Position(line, column))

    @property
    def line(self) -> int:
        return self.start.line

    @property
    def column(self) -> int:
        return self.start.column


class Location(Record):
    """A file and, when known, a span in it."""

    path: Path
    span: Span | None = None

    def __str__(self) -> str:
        if self.span is None:
            return str(self.path)
        return f"{self.path}:{self.span.line}:{self.span.column}"
