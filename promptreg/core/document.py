"""A parsed YAML document as plain values with a span for every node: no parser here.

The model, the schema mapping and every rule read positions through this class, so
they need neither PyYAML nor the loader; only `yamlio` builds documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from promptreg.core.errors import Problem
from promptreg.core.location import Location, Position, Span

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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

    def __repr__(self) -> str:
        return f"NodeSpan(value={self.value}, key={self.key}, style={self.style!r})"


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed YAML document: plain values, a span per node, and the problems found."""

    path: Path
    value: Any
    positions: dict[PathKey, NodeSpan] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    text: str = ""

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
        value: Any = self.value
        for part in path:
            value = value[part]
        wanted = str(value).split("\n")[line - 1].strip()[:40] if isinstance(value, str) else ""
        source = self.text.split("\n")
        if wanted:
            for number in range(start, min(end, len(source)) + 1):
                if wanted in source[number - 1]:
                    return number
        return start + (1 if node.style == ">" else 0)
