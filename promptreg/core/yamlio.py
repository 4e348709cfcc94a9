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

from pathlib import Path

import yaml

from promptreg.core.document import Document, NodeSpan, PathKey, Raw, raw_span
from promptreg.core.errors import Problem
from promptreg.core.location import Location, Position, Span
from promptreg.core.scalars import resolve_plain as resolve_plain

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32


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

    __slots__ = ("first_key_line", "is_map", "key", "key_raw", "path", "start", "value")

    def __init__(
        self, value: dict[str, Any] | list[Any], path: PathKey, start: tuple[int, int]
    ) -> None:
        self.value = value
        self.is_map = isinstance(value, dict)
        self.path = path
        self.start = start
        self.key: str | None = None
        self.key_raw: Raw | None = None
        self.first_key_line: dict[str, int] = {}


_NO_RAW: Raw = (0, 0, 0, 0)
"""Stands in for a scalar's marks when positions are not recorded."""


def _raw(event: Any) -> Raw:
    start, end = event.start_mark, event.end_mark
    return (start.line, start.column, end.line, end.column)


_UNUSUAL = object()
"""What `_plain_values` answers for a text it leaves to the full walk."""


def _plain_values(text: str) -> Any:
    """The document's value, by the walk below minus everything a sound file never
    needs (spans, frames, problems), or _UNUSUAL at the first anchor, alias, tag,
    duplicate or complex key, excess depth, second document or syntax error: then the
    full walk reads the file again and words the problem. Sound files are nearly all
    the files an index or a history reads, and this walk costs half of the full one."""
    scalar, start_map, start_seq = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    end_map, end_seq, start_doc = (
        yaml.MappingEndEvent,
        yaml.SequenceEndEvent,
        yaml.DocumentStartEvent,
    )
    loader = yaml.CSafeLoader(text)  # what yaml.parse iterates, without its generator
    stack: list[tuple[Any, Any]] = []  # the enclosing containers and their pending keys
    top: Any = None  # the container being built (a dict or a list), None outside any
    key: Any = _UNUSUAL  # the key read in `top` and waiting for its value (_UNUSUAL: none)
    root: Any = None
    documents = 0
    try:
        while (got := loader.get_event()) is not None:
            event: Any = got  # its fields depend on its kind
            kind = type(event)
            if kind is scalar or kind is start_map or kind is start_seq:
                if event.anchor is not None or event.tag is not None:
                    return _UNUSUAL
                if kind is scalar:
                    if top.__class__ is dict and key is _UNUSUAL:
                        key = event.value  # keys keep their spelling
                        continue
                    value = resolve_plain(event.value) if event.style == "" else event.value
                else:
                    if len(stack) >= MAX_DEPTH or (top.__class__ is dict and key is _UNUSUAL):
                        return _UNUSUAL
                    stack.append((top, key))
                    top, key = ({} if kind is start_map else []), _UNUSUAL
                    continue
            elif kind is end_map or kind is end_seq:
                value = top
                top, key = stack.pop()
            elif kind is start_doc:
                documents += 1
                if documents > 1:
                    return _UNUSUAL
                continue
            elif kind is yaml.AliasEvent:
                return _UNUSUAL
            else:
                continue  # the stream's start and end, a document's end
            if top is None:
                root = value
            elif top.__class__ is dict:
                if key in top:
                    return _UNUSUAL
                top[key], key = value, _UNUSUAL
            else:
                top.append(value)
    except yaml.YAMLError:
        return _UNUSUAL
    finally:
        loader.dispose()
    return root


def parse(text: str, path: Path, *, positions: bool = True) -> Document:
    """Build plain values and positions from YAML text; problems instead of exceptions.

    `positions=False` skips recording where each node is (a third of the time, and
    half again through `_plain_values`), for callers that read values only, such as
    the terminal UI's index or a history of hundreds of versions.
    """
    if not positions:
        value = _plain_values(text)
        if value is not _UNUSUAL:
            return Document(path, value, {}, (), text)
    return _walk(text, path, positions=positions)


def _walk(text: str, path: Path, *, positions: bool) -> Document:
    """`parse`, recording every problem (and, with `positions`, every node's span)."""
    record = positions
    problems: list[Problem] = []
    spans: dict[PathKey, NodeSpan] = {}
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    skip_depth = 0  # > 0 while skipping a subtree that is nested too deeply

    def loc(raw: Raw) -> Location:
        return Location(path, raw_span(raw))

    def place(value: Any, raw: Raw, style: str | None) -> None:
        """Attach a finished node to its parent (or make it the pending key)."""
        nonlocal root
        if not stack:
            root = value
            if record:
                spans[()] = NodeSpan(raw, None, style)
            return
        frame = stack[-1]
        if not frame.is_map:
            container: list[Any] = frame.value  # type: ignore[assignment]
            if record:
                spans[(*frame.path, len(container))] = NodeSpan(raw, None, style)
            container.append(value)
            return
        if frame.key is None:
            if not isinstance(value, str):
                if isinstance(value, dict | list):
                    problems.append(
                        Problem(
                            "F011", "mapping keys must be plain strings, not collections", loc(raw)
                        )
                    )
                    value = f"<complex key at line {raw[0] + 1}>"
                else:
                    value = "" if value is None else _key_text(value)
            frame.key, frame.key_raw = value, raw
            return
        key, key_raw = frame.key, frame.key_raw
        frame.key = frame.key_raw = None
        assert key_raw is not None
        if key in frame.first_key_line:
            problems.append(
                Problem(
                    "F002",
                    f"duplicate key {key!r} (first defined on line {frame.first_key_line[key]}); "
                    "remove one of them",
                    loc(key_raw),
                )
            )
            return
        frame.first_key_line[key] = key_raw[0] + 1
        frame.value[key] = value  # type: ignore[call-overload]
        if record:
            spans[(*frame.path, key)] = NodeSpan(raw, key_raw, style)

    def refuse_anchor_and_tag(event: Any, raw: Raw) -> None:
        if getattr(event, "anchor", None) is not None:
            problems.append(
                Problem(
                    "F003",
                    f"YAML anchor '&{event.anchor}' is not allowed (aliases can expand a small "
                    "file into gigabytes); write the value out",
                    loc(raw),
                )
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            problems.append(
                Problem(
                    "F004",
                    f"YAML tag {_short_tag(tag)!r} is not allowed (tags can construct objects); "
                    "remove it and write a plain value",
                    loc(raw),
                )
            )

    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    doc_start = yaml.DocumentStartEvent
    loader = yaml.CSafeLoader(text)  # its events as yaml.parse gives them, minus a generator
    try:
        events: Any = iter(loader.get_event, None)  # each of its own kind of Event
        for event in events:
            kind = type(event)
            if skip_depth:
                if kind is map_start or kind is seq_start:
                    skip_depth += 1
                elif kind is map_end or kind is seq_end:
                    skip_depth -= 1
                    if not skip_depth:
                        place(None, _raw(event), None)
                continue
            if kind is scalar:
                raw = _raw(event) if record else _NO_RAW
                if event.anchor is not None or event.tag is not None:
                    refuse_anchor_and_tag(event, _raw(event))
                style = event.style
                if style == "" and not (stack and stack[-1].is_map and stack[-1].key is None):
                    place(resolve_plain(event.value), raw, style)
                else:  # quoted, block, or a mapping key: keys keep their spelling
                    place(event.value, raw, style)
            elif kind is map_start or kind is seq_start:
                raw = _raw(event)
                if event.anchor is not None or event.tag is not None:
                    refuse_anchor_and_tag(event, raw)
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(
                            "F008",
                            f"nesting deeper than {MAX_DEPTH} levels; flatten the structure",
                            loc(raw),
                        )
                    )
                    skip_depth = 1
                    continue
                parent_path: PathKey
                if not stack or not record:
                    parent_path = ()
                else:
                    top = stack[-1]
                    last: str | int = (top.key or "") if top.is_map else len(top.value)
                    parent_path = (*top.path, last)
                container_value: dict[str, Any] | list[Any] = {} if kind is map_start else []
                stack.append(_Frame(container_value, parent_path, (raw[0], raw[1])))
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
                end = event.end_mark
                place(frame.value, (*frame.start, end.line, end.column), None)
            elif kind is alias:
                raw = _raw(event)
                problems.append(
                    Problem(
                        "F003",
                        f"YAML alias '*{event.anchor}' is not allowed (aliases can expand a small "
                        "file into gigabytes); write the value out",
                        loc(raw),
                    )
                )
                place(None, raw, None)
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    problems.append(
                        Problem(
                            "F010",
                            "more than one YAML document in the file; keep one prompt per file "
                            "and remove the extra '---' section",
                            loc(_raw(event)),
                        )
                    )
                    break
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(exc, text, path))
        return Document(path, None, spans, tuple(problems), text)
    finally:
        loader.dispose()
    return Document(path, root, spans, tuple(problems), text)


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


def read_document(path: Path, data: bytes | None = None, *, positions: bool = True) -> Document:
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
    return parse(text, path, positions=positions)
