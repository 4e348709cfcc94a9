"""Hardened YAML reading with source positions, and atomic writing.

Prompt files arrive in pull requests, so reading them is a security boundary. The fast
path walks libyaml's event stream (PyYAML's C parser) and builds plain JSON-like values
itself, which lets it refuse anchors, aliases and tags before anything is constructed,
bound nesting, catch duplicate keys, and record a span for every key and value. It is
about forty times faster than a round-trip parse, and the lint path reads thousands of
files per run. Edits that must keep comments (fmt, bump, approve, fixes) use ruamel.yaml's
round-trip mode instead, imported only by the functions that need it.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from promptreg.errors import Problem
from promptreg.location import Location, Position, Span

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32

PathKey = tuple[str | int, ...]
"""Where a node sits in a document: mapping keys and sequence indexes from the root."""


@dataclass(frozen=True, slots=True)
class NodeSpan:
    """Where a node's key (for mapping values) and value are in the source."""

    value: Span
    key: Span | None = None
    style: str | None = None
    """The scalar style: '' plain, "'" or '"' quoted, '|' literal, '>' folded."""


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


# YAML 1.2 core schema, which is also what ruamel.yaml's round-trip mode uses, so the
# formatter never changes what a value means. YAML 1.1's yes/no/on/off and its
# timestamps stay strings. So do .inf and .nan: prompt files are JSON documents written
# as YAML, and JSON has no such numbers (they would also poison the content hash).
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NUMERIC_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if first not in _NUMERIC_START:
        return text
    number: int | float
    if _INT_RE.match(text) and len(text) <= 20:
        number = int(text)
    elif _FLOAT_RE.match(text):
        number = float(text)
        if not math.isfinite(number):  # 1e999: JSON has no infinity
            return text
        return number
    elif _OCT_RE.match(text) and len(text) <= 24:
        number = int(text[2:], 8)
    elif _HEX_RE.match(text) and len(text) <= 18:
        number = int(text[2:], 16)
    else:
        return text
    # Integers are 64-bit, as in most JSON readers; a longer one stays a string (and
    # then fails its schema type) rather than breaking hashing or messages downstream.
    return number if -(2**63) <= number < 2**63 else text


def decode(data: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    """Bytes to text, refusing what a prompt file must not be: huge, BOM, not UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                "F005",
                f"file is {len(data):,} bytes, over the limit of {MAX_FILE_BYTES:,} (1 MiB); "
                "split it or move large data out of the prompt",
                Location(path, Span.at(1, 1)),
            )
        ]
    for bom, name in ((b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            return None, [
                Problem(
                    "F007",
                    f"file starts with a {name} byte-order mark; save it as UTF-8 without a BOM",
                    Location(path, Span.at(1, 1)),
                )
            ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        return None, [
            Problem(
                "F006",
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                Location(path, Span.at(line, column)),
            )
        ]


def _offset_position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _syntax_problem(exc: yaml.YAMLError, text: str, path: Path) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml reads the text as UTF-8, so its position counts bytes, not characters.
        chars = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        pos = _offset_position(text, chars)
        return Problem(
            "F001",
            f"unacceptable character U+{exc.character:04X} ({exc.reason}); remove it",
            Location(path, Span(pos, pos)),
        )
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = (
                f"{exc.context}: {what}" if exc.context_mark is None else f"{what} ({exc.context})"
            )
        return Problem(
            "F001", f"YAML syntax error: {what}", Location(path, Span.from_marks(mark, mark))
        )
    return Problem("F001", f"YAML syntax error: {exc}", Location(path, Span.at(1, 1)))


class _Frame:
    """A container being built: its value, path, and (for mappings) a pending key."""

    __slots__ = ("first_key_line", "key", "key_span", "path", "start", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: PathKey, start: Position) -> None:
        self.value = value
        self.path = path
        self.start = start
        self.key: str | None = None
        self.key_span: Span | None = None
        self.first_key_line: dict[str, int] = {}


def parse(text: str, path: Path) -> Document:
    """Build plain values and positions from YAML text; problems instead of exceptions."""
    problems: list[Problem] = []
    positions: dict[PathKey, NodeSpan] = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    skip_depth = 0  # > 0 while skipping a subtree that is nested too deeply

    def loc(span: Span) -> Location:
        return Location(path, span)

    def place(value: Any, span: Span, style: str | None) -> PathKey | None:
        """Attach a finished node to its parent; returns its path, or None when it is a key."""
        nonlocal root
        if not stack:
            root = value
            positions[()] = NodeSpan(span, None, style)
            return ()
        frame = stack[-1]
        if isinstance(frame.value, list):
            node_path = (*frame.path, len(frame.value))
            frame.value.append(value)
            positions[node_path] = NodeSpan(span, None, style)
            return node_path
        if frame.key is None:
            if not isinstance(value, str):
                if isinstance(value, dict | list):
                    problems.append(
                        Problem(
                            "F011", "mapping keys must be plain strings, not collections", loc(span)
                        )
                    )
                    value = f"<complex key at line {span.line}>"
                else:
                    value = "" if value is None else _key_text(value)
            frame.key, frame.key_span = value, span
            return None
        key, key_span = frame.key, frame.key_span
        frame.key = frame.key_span = None
        node_path = (*frame.path, key)
        if key in frame.first_key_line:
            problems.append(
                Problem(
                    "F002",
                    f"duplicate key {key!r} (first defined on line {frame.first_key_line[key]}); "
                    "remove one of them",
                    loc(key_span or span),
                )
            )
            return node_path
        assert isinstance(frame.value, dict)
        assert key_span is not None
        frame.first_key_line[key] = key_span.line
        frame.value[key] = value
        positions[node_path] = NodeSpan(span, key_span, style)
        return node_path

    def refuse_anchor_and_tag(event: Any, span: Span) -> None:
        if getattr(event, "anchor", None) is not None:
            problems.append(
                Problem(
                    "F003",
                    f"YAML anchor '&{event.anchor}' is not allowed (aliases can expand a small "
                    "file into gigabytes); write the value out",
                    loc(span),
                )
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            problems.append(
                Problem(
                    "F004",
                    f"YAML tag {_short_tag(tag)!r} is not allowed (tags can construct objects); "
                    "remove it and write a plain value",
                    loc(span),
                )
            )

    try:
        events: Iterator[Any] = yaml.parse(text, Loader=yaml.CSafeLoader)
        for event in events:
            kind = type(event)
            if skip_depth:
                if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    skip_depth += 1
                elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                    skip_depth -= 1
                    if not skip_depth:
                        place(None, Span.from_marks(event.start_mark, event.end_mark), None)
                continue
            if kind is yaml.ScalarEvent:
                span = Span.from_marks(event.start_mark, event.end_mark)
                if event.anchor is not None or event.tag is not None:
                    refuse_anchor_and_tag(event, span)
                awaiting_key = (
                    bool(stack) and isinstance(stack[-1].value, dict) and stack[-1].key is None
                )
                if event.style == "" and not awaiting_key:  # keys keep their spelling
                    place(resolve_plain(event.value), span, event.style)
                else:
                    place(event.value, span, event.style)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                span = Span.from_marks(event.start_mark, event.end_mark)
                if event.anchor is not None or event.tag is not None:
                    refuse_anchor_and_tag(event, span)
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(
                            "F008",
                            f"nesting deeper than {MAX_DEPTH} levels; flatten the structure",
                            loc(span),
                        )
                    )
                    skip_depth = 1
                    continue
                container: dict[str, Any] | list[Any] = {} if kind is yaml.MappingStartEvent else []
                parent_path: PathKey
                if not stack:
                    parent_path = ()
                elif isinstance(stack[-1].value, list):
                    parent_path = (*stack[-1].path, len(stack[-1].value))
                else:
                    parent_path = (*stack[-1].path, stack[-1].key or "")
                stack.append(_Frame(container, parent_path, span.start))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                place(frame.value, Span(frame.start, Position.from_mark(event.end_mark)), None)
            elif kind is yaml.AliasEvent:
                span = Span.from_marks(event.start_mark, event.end_mark)
                problems.append(
                    Problem(
                        "F003",
                        f"YAML alias '*{event.anchor}' is not allowed (aliases can expand a small "
                        "file into gigabytes); write the value out",
                        loc(span),
                    )
                )
                place(None, span, None)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        Problem(
                            "F010",
                            "more than one YAML document in the file; keep one prompt per file "
                            "and remove the extra '---' section",
                            loc(Span.from_marks(event.start_mark, event.end_mark)),
                        )
                    )
                    break
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(exc, text, path))
        return Document(path, None, positions, tuple(problems), text)
    return Document(path, root, positions, tuple(problems), text)


def _key_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _short_tag(tag: str) -> str:
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read and parse a YAML file; every failure becomes a problem on the document."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return Document(
                path,
                None,
                problems=(
                    Problem("F012", f"cannot read file: {exc.strerror or exc}", Location(path)),
                ),
            )
    text, problems = decode(data, path)
    if text is None:
        return Document(path, None, problems=tuple(problems))
    return parse(text, path)


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new, never half.

    A temporary file in the same directory, flushed and synced, then renamed over the
    target: a crash or a full disk leaves the original untouched.
    """
    import tempfile  # writers only; keeps it off the read path

    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            tmp.chmod(path.stat().st_mode & 0o7777)
        else:
            tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
