"""Suppressions: inline `# promptreg: ignore[CODE] reason` comments and `lint.ignore`.

As in flake8's noqa engine, one compiled regex finds the comments; a suppression that
matches nothing, or lacks a reason where the tier demands one, is a finding itself.
A comment on the line of a block scalar's `|` covers the whole scalar, since a comment
cannot sit inside one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from promptreg.core.document import Document
from promptreg.core.location import Position, Span
from promptreg.core.model import PromptSpec
from promptreg.lint.finding import Edit, Finding, Fix

INLINE_RE = re.compile(r"#\s*promptreg:\s*ignore\[(?P<rules>[^\]]*)\](?P<reason>[^#]*)")

Resolve = Callable[[str], str | None]
"""A rule code or name as written → its current code, None for no known rule. The
catalogue's `code_of`; passed in, so that the rules (which read suppressions) and the
catalogue (which imports the rules) do not import each other through this module."""


class Suppression:
    """An inline comment or `lint.ignore` entry, marked with what it suppressed in this
    run.

    A plain class with slots, not a dataclass: a lint run defines it at start-up, where
    dataclasses generates and compiles each method (about a millisecond)."""

    __slots__ = ("comment_start", "lines", "reason", "rules", "span", "unknown", "used")

    def __init__(
        self,
        rules: tuple[str, ...],
        reason: str,
        span: Span,
        lines: frozenset[int] | None,
        comment_start: Position | None = None,
        unknown: tuple[str, ...] = (),
    ) -> None:
        self.rules = rules
        """Codes, resolved from names and redirects; unknown entries are kept as written."""
        self.reason = reason
        self.span = span
        self.lines = lines
        """Lines it covers; None for a file-level entry, which covers the whole file."""
        self.comment_start = comment_start
        self.unknown = unknown
        """Entries that name no known rule, as written."""
        self.used: set[str] = set()
        """The codes it suppressed in this run."""

    def _fields(self) -> tuple[object, ...]:
        return (
            self.rules,
            self.reason,
            self.span,
            self.lines,
            self.comment_start,
            self.unknown,
            self.used,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Suppression):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable (`used`), as a dataclass is

    def __repr__(self) -> str:
        return f"Suppression(rules={self.rules!r}, reason={self.reason!r}, span={self.span!r})"

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.rules:
            return False
        return self.lines is None or finding.span.line in self.lines


def _codes(entries: Iterable[str], resolve: Resolve) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, entries naming no rule); an unknown entry stays in the codes as written."""
    resolved = [(entry, resolve(entry)) for entry in entries]
    codes = tuple(code or entry for entry, code in resolved)
    return codes, tuple(entry for entry, code in resolved if code is None)


def _scalar_lines(
    document: Document,
) -> tuple[frozenset[int], dict[int, frozenset[int]], dict[int, list[tuple[int, int]]]]:
    """Lines inside multi-line scalars (no comments there), what a block scalar's header
    line covers, and the columns each line's keys and scalar values occupy (a `#` there
    is text)."""
    inside: set[int] = set()
    covered: dict[int, frozenset[int]] = {}
    values: dict[int, list[tuple[int, int]]] = {}
    for node in document.positions.values():
        key = node.key
        if key is not None:
            # A key is text too: `"x # promptreg: ignore[G011]": 1` is no comment.
            last_key = key.end.column if key.end.line == key.start.line else 10**9
            values.setdefault(key.start.line, []).append((key.start.column, last_key))
        if node.style is None:
            continue  # a mapping or sequence: its scalars are recorded themselves
        span = node.value
        start, end = span.start.line, span.end.line
        if span.end.column == 1 and end > start:
            end -= 1  # the scalar ends at the start of the next line, which is not its own
        if node.style in ("|", ">"):
            body = frozenset(range(start + 1, end + 1))
            inside |= body
            covered[start] = covered.get(start, frozenset()) | body
            continue
        last = span.end.column if end == start else 10**9
        values.setdefault(start, []).append((span.start.column, last))
        if end > start:
            inside |= set(range(start + 1, end + 1))
    return frozenset(inside), covered, values


def inline_suppressions(document: Document, resolve: Resolve) -> list[Suppression]:
    if "promptreg:" not in document.text:
        return []
    inside, covered, values = _scalar_lines(document)
    found = []
    for number, line in enumerate(document.text.split("\n"), 1):
        if number in inside or "promptreg:" not in line:
            continue
        match = INLINE_RE.search(line)
        if match is None:
            continue
        column = match.start() + 1
        if any(first <= column < last for first, last in values.get(number, ())):
            continue  # inside a string value: prompt text, not a comment
        entries = [r.strip() for r in match.group("rules").split(",") if r.strip()]
        rules, unknown = _codes(entries, resolve)
        start = Position(number, match.start() + 1)
        found.append(
            Suppression(
                rules=rules,
                reason=match.group("reason").strip(),
                span=Span(start, Position(number, match.end() + 1)),
                lines=frozenset({number}) | covered.get(number, frozenset()),
                comment_start=Position(number, len(line[: match.start()].rstrip()) + 1),
                unknown=unknown,
            )
        )
    return found


def file_suppressions(spec: PromptSpec, document: Document, resolve: Resolve) -> list[Suppression]:
    found = []
    for index, entry in enumerate(spec.suppressions):
        rules, unknown = _codes([entry.rule], resolve)
        found.append(
            Suppression(
                rules=rules,
                reason=(entry.reason or "").strip(),
                span=document.span(("lint", "ignore", index)),
                lines=None,
                unknown=unknown,
            )
        )
    return found


def apply(findings: Iterable[Finding], suppressions: list[Suppression]) -> Iterator[Finding]:
    """The findings no suppression covers; marks each suppression that was used."""
    for finding in findings:
        hit = next((s for s in suppressions if s.covers(finding)), None)
        if hit is None:
            yield finding
        else:
            hit.used.add(finding.code)


def removal_fix(suppression: Suppression, document: Document) -> Fix | None:
    """Delete an inline comment none of whose rules suppressed anything (and the spaces
    before it); a comment that still suppresses one of its rules is left for a person."""
    if suppression.comment_start is None or suppression.used:
        return None
    del document
    edit = Edit(suppression.comment_start, suppression.span.end, "")
    return Fix("remove the unused suppression", (edit,))
