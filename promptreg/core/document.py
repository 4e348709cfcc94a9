"""A parsed YAML document as plain values with a span for every node: no parser here.

The model, the schema mapping and every rule read positions through this class, so
they need neither PyYAML nor the loader; only `yamlio` builds documents.
"""

from __future__ import annotations

import functools
from pathlib import Path

from promptreg.core.errors import Problem
from promptreg.core.location import Location, Position, Span

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


PathKey = tuple[str | int, ...]
"""Where a node sits in a document: mapping keys and sequence indexes from the root."""


Raw = tuple[int, int, int, int]
"""0-based start line, start column, end line, end column, as libyaml marks them."""


def raw_span(raw: Raw) -> Span:
    return Span(Position(raw[0] + 1, raw[1] + 1), Position(raw[2] + 1, raw[3] + 1))


class NodeSpan:
    """Where a node's key (for mapping values) and value are in the source.

    Kept as raw marks and turned into Spans when read: a parse records one per node and
    the linter reads a handful, so building the objects up front would dominate parsing.
    """

    __slots__ = ("_key", "_value", "style")

    def __init__(self, value: Raw, key: Raw | None = None, style: str | None = None) -> None:
        self._value = value
        self._key = key
        self.style = style
        """The scalar style: '' plain, "'" or '"' quoted, '|' literal, '>' folded."""

    @property
    def value(self) -> Span:
        return raw_span(self._value)

    @property
    def key(self) -> Span | None:
        return raw_span(self._key) if self._key is not None else None

    @property
    def raw_value(self) -> Raw:
        """The value's 0-based marks as recorded: for a walk over every node, where
        building a Span for each would cost more than the parse."""
        return self._value

    @property
    def raw_key(self) -> Raw | None:
        return self._key

    def __repr__(self) -> str:
        return f"NodeSpan(value={self.value}, key={self.key}, style={self.style!r})"


class Document:
    """A parsed YAML document: plain values, a span per node, and the problems found.

    A plain class with slots and `Final` attributes rather than a frozen dataclass:
    every command defines it at start-up, where dataclasses generates and compiles each
    method (about a millisecond), and a named tuple's defaults could not give each
    document a dict of its own."""

    __slots__ = ("path", "positions", "problems", "text", "value")

    def __init__(
        self,
        path: Path,
        value: Any,
        positions: dict[PathKey, NodeSpan] | None = None,
        problems: tuple[Problem, ...] = (),
        text: str = "",
    ) -> None:
        self.path: Final = path
        self.value: Final = value
        self.positions: Final = {} if positions is None else positions
        self.problems: Final = problems
        self.text: Final = text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (self.path, self.value, self.positions, self.problems, self.text) == (
            other.path,
            other.value,
            other.positions,
            other.problems,
            other.text,
        )

    __hash__ = None  # type: ignore[assignment]  # holds a dict: never a key

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, problems={self.problems!r})"

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """The best span for `path`: the node itself, or its nearest existing ancestor."""
        probe = path
        while True:
            node = self.positions.get(probe)
            if node is not None:
                if key and node.key is not None:
                    return node.key
                return node.value
            if not probe:
                return Span.at(1, 1)
            probe = probe[:-1]

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        return Location(self.path, self.span(path, key=key))

    def text_line(self, path: PathKey, line: int) -> int:
        """The file line holding line `line` (1-based) of the string value at `path`.

        Exact for literal block scalars (`|`), which keep their lines. Folded and
        quoted scalars join or re-wrap lines, so the line's text is searched for in the
        scalar's source instead.
        """
        node = self.positions.get(path)
        if node is None:
            return self.span(path).line
        start, end = node.value.start.line, node.value.end.line
        if node.style == "|":
            return start + line
        value = self._value_at(path)
        wanted = value.split("\n")[line - 1].strip()[:40] if isinstance(value, str) else ""
        source = source_lines(self.text)
        if wanted:
            for number in range(start, min(end, len(source)) + 1):
                if wanted in source[number - 1]:
                    return number
        return start + (1 if node.style == ">" else 0)

    def offset_line(self, path: PathKey, offset: int) -> int:
        """The file line holding character `offset` of the string value at `path`."""
        value = self._value_at(path)
        text = value if isinstance(value, str) else str(value)
        return self.text_line(path, line_of(text, offset))

    def locate(self, path: PathKey, start: int, end: int) -> Span:
        """The span in the file of characters `start:end` of the string value at `path`
        (an integer's digits, for an integer).

        The line comes from `text_line`; the column from the scalar's source: a literal
        block (`|`) keeps its lines, so the column follows from its indentation. Other
        scalars may fold, re-wrap or escape their text, so the match's first line is
        searched for in the scalar's source. When it cannot be found (escapes), the span
        falls back to the line `text_line` gives.
        """
        node = self.positions.get(path)
        if node is None:
            return self.span(path)
        raw = self._value_at(path)
        value = raw if isinstance(raw, str) else str(raw)
        region = node.value
        lines = source_lines(self.text)
        needle = value[start:end].split("\n", 1)[0]
        line_start = value.rfind("\n", 0, start) + 1
        offset = start - line_start
        line = line_of(value, start)

        def found(number: int, column: int) -> Span:
            return Span(Position(number, column + 1), Position(number, column + 1 + len(needle)))

        def search(number: int, column: int = 0) -> Span | None:
            if 1 <= number <= len(lines) and needle:
                col = lines[number - 1].find(needle, column)
                if col >= 0:
                    return found(number, col)
            return None

        if node.style == "|":
            number = self.text_line(path, line)
            if 1 <= number <= len(lines):
                source = lines[number - 1]
                end_of_line = value.find("\n", start)
                text_line = value[line_start : len(value) if end_of_line < 0 else end_of_line]
                indent = len(source) - len(text_line)
                if indent >= 0 and source[indent + offset :].startswith(needle):
                    return found(number, indent + offset)
            return search(number) or Span.at(number, 1)
        if node.style in ("", "'", '"') and line_start == 0:
            # The first line of a flow scalar starts where the scalar does: try the exact column.
            quote = 1 if node.style in ("'", '"') else 0
            column = region.start.column - 1 + quote + offset
            number = region.start.line
            if 1 <= number <= len(lines) and lines[number - 1][column:].startswith(needle):
                return found(number, column)
            hit = search(number, region.start.column - 1)
            if hit is not None:
                return hit
        guess = self.text_line(path, line)
        hit = search(guess)
        if hit is not None:
            return hit
        for number in range(region.start.line, region.end.line + 1):
            hit = search(number, region.start.column - 1 if number == region.start.line else 0)
            if hit is not None:
                return hit
        if guess == region.start.line:
            return region if region.start.line == region.end.line else Span.at(guess, region.column)
        return Span.at(guess, 1)

    def _value_at(self, path: PathKey) -> Any:
        value: Any = self.value
        for part in path:
            value = value[part]
        return value


def line_of(text: str, offset: int) -> int:
    """The 1-based line of `text` that character `offset` is on."""
    return text.count("\n", 0, offset) + 1


@functools.lru_cache(maxsize=8)
def source_lines(text: str) -> tuple[str, ...]:
    """A file's lines, split once for the many positions looked up in one file.

    A pure function of an immutable string returning an immutable tuple, so sharing the
    memo between threads is safe: lru_cache guards its own bookkeeping, and at worst two
    threads split the same text once each.
    """
    return tuple(text.split("\n"))
