"""Make a change to the top-level keys it touches and copy every other line: the
machinery under `bump` and `approve`.

ruamel.yaml's round-trip mode re-emits what it read, comments included, and the
registry's files come back from it byte for byte (2-space mappings, `- ` items indented
by 2, quotes as written, nothing re-wrapped). Two guards make that a promise rather
than a hope:

- Only the top-level keys an edit touches are taken from ruamel's output; every other
  line is copied from the original, so a layout ruamel would normalise elsewhere (a
  different indentation, an odd flow list) stays exactly as it was.
- Before anything is written the result is parsed again and compared with the
  original: the data must be the original plus exactly the intended change, every
  comment must still be there in the same order, and inside the touched keys every old
  line must survive except the values that were meant to change. Anything else raises
  EditError, and the file is not written.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promptreg.core.document import Document
from promptreg.core.errors import PromptregError
from promptreg.core.fs import atomic_write
from promptreg.core.location import Location, Span
from promptreg.core.yamlio import parse
from promptreg.edit import comments
from promptreg.edit.roundtrip import dump, parse_for_rewrite, round_trip_load

# Nothing is ever re-wrapped: no line of a file within MAX_FILE_BYTES is wider.


class EditError(PromptregError):
    """The edit cannot be made without touching more than it should; nothing was written."""


@dataclass(frozen=True, slots=True)
class Change:
    """One edit: the same change made to ruamel's tree and to the plain data."""

    keys: tuple[str, ...]
    """Top-level keys whose lines may change."""
    sequence: str
    """The list the edit adds to; its layout decides ruamel's sequence indentation."""
    on_tree: Callable[[Any], None]
    on_data: Callable[[dict[str, Any]], None]
    replaceable: Callable[[Document], set[int]]
    """Lines (1-based) of the original whose text may be replaced, not only moved."""


def apply_change(text: str, path: Path, change: Change) -> str:
    """`text` with `change` made, checked as the module says; EditError instead."""
    newline = "\r\n" if "\r\n" in text else "\n"
    source = text.replace("\r\n", "\n")
    if source and not source.endswith("\n"):
        source += "\n"  # the one change outside the edit: a missing final newline is added
    before = parse_for_rewrite(
        source,
        path,
        error=EditError,
        hint="the file must load before it can be edited; `promptreg lint` lists the problems",
    )
    _require_block_root(before, source, path)
    dumped = _round_trip(source, path, change, _item_column(before, change.sequence))
    result = _splice(source, before, dumped, change.keys, path)
    _verify(source, before, result, change, path)
    return result.replace("\n", newline) if newline != "\n" else result


def _round_trip(source: str, path: Path, change: Change, content_column: int) -> str:
    rt, root = round_trip_load(
        source,
        path,
        sequence=content_column,
        offset=content_column - 2,
        error=EditError,
    )
    change.on_tree(root)
    return dump(rt, root)


def _item_column(document: Document, key: str) -> int:
    """The 0-based column where the items of top-level list `key` start (registry: 4)."""
    node = document.positions.get((key, 0))
    if node is None:
        return 4
    column = node.value.start.column - 1
    return column if column >= 2 else 4


def _require_block_root(document: Document, source: str, path: Path) -> None:
    """Every top-level key must start a line: splicing works line by line."""
    lines = _split_lines(source)
    for key in document.value:
        span = document.positions[(key,)].key
        if span is None or span.start.column != 1 or not lines[span.start.line - 1].strip():
            raise EditError(
                "the top level of the file is not a block mapping (one `key:` per line)",
                location=_at(path),
                hint="`promptreg fmt` rewrites it in the canonical layout",
            )


def _regions(document: Document, total: int) -> tuple[int, dict[str, tuple[int, int]]]:
    """Where the header ends and each top-level key's lines are: 0-based [start, end).

    A key's region runs to the next key, so comment lines above a key belong to the
    region before it, which is also where ruamel keeps them.
    """
    starts = []
    for key in document.value:
        span = document.positions[(key,)].key
        assert span is not None
        starts.append((span.start.line - 1, key))
    starts.sort()
    regions = {}
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else total
        regions[key] = (start, end)
    return (starts[0][0] if starts else total), regions


def _splice(source: str, before: Document, dumped: str, keys: tuple[str, ...], path: Path) -> str:
    """The original text with the regions of `keys` taken from ruamel's output."""
    after = parse(dumped, path)
    if after.problems or not isinstance(after.value, dict):
        raise EditError(
            "the edited file does not load again; nothing was written",
            location=_at(path),
            hint="this is a bug in promptreg; please report it with the file",
        )
    old_lines = _split_lines(source)
    new_lines = _split_lines(dumped)
    header_end, old_regions = _regions(before, len(old_lines))
    _, new_regions = _regions(after, len(new_lines))
    order = list(after.value)
    segments: list[tuple[str | None, list[str]]] = [(None, old_lines[:header_end])]
    for key in before.value:
        start, end = old_regions[key]
        segments.append((key, old_lines[start:end]))
    segments.sort(key=lambda s: -1 if s[0] is None else old_regions[s[0]][0])
    for key in keys:
        if key not in new_regions:
            continue
        start, end = new_regions[key]
        replacement = new_lines[start:end]
        if key in old_regions:
            index = next(i for i, (name, _) in enumerate(segments) if name == key)
            segments[index] = (key, replacement)
            continue
        following = next((k for k in order[order.index(key) + 1 :] if k in old_regions), None)
        if following is None:
            segments.append((key, replacement))
            continue
        index = next(i for i, (name, _) in enumerate(segments) if name == following)
        previous_name, previous = segments[index - 1]
        cut = len(previous)
        while cut > 0 and previous[cut - 1].startswith("#"):
            cut -= 1  # a comment right above the following key stays with it
        segments[index - 1 : index] = [
            (previous_name, previous[:cut]),
            (key, replacement),
            (None, previous[cut:]),
        ]
    return "".join(line for _, lines in segments for line in lines)


def _verify(source: str, before: Document, result: str, change: Change, path: Path) -> None:
    after = parse(result, path)
    if after.problems:
        raise EditError(
            f"the edited file would not load ({after.problems[0].message}); nothing was written",
            location=_at(path),
            hint="this is a bug in promptreg; please report it with the file",
        )
    intended = copy.deepcopy(before.value)
    change.on_data(intended)
    if _as_json(after.value) != _as_json(intended):
        raise EditError(
            "the edit would change more than intended; nothing was written",
            location=_at(path),
            hint="this is a bug in promptreg; please report it with the file",
        )
    expected = comments.inventory(source, error=EditError)
    if not comments.same_order(expected, comments.inventory(result, error=EditError)):
        raise EditError(
            "the edit would drop, alter or move a comment; nothing was written",
            location=_at(path),
            hint="comments inside a flow collection ({...} or [...]) of "
            f"{' or '.join(change.keys)} cannot always be kept; move them above the key",
        )
    _check_lines(source, before, result, change, path)


def _check_lines(source: str, before: Document, result: str, change: Change, path: Path) -> None:
    """Inside the touched keys, old lines may only move, except the ones meant to change."""
    old_lines = _split_lines(source)
    new_lines = _split_lines(result)
    allowed = change.replaceable(before)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        touched = [number for number in range(i1 + 1, i2 + 1) if number not in allowed]
        if touched:
            raise EditError(
                f"the edit would rewrite line {touched[0]}, which it should not touch; "
                "nothing was written",
                location=Location(path, Span.at(touched[0], 1)),
                hint=f"`promptreg fmt` puts {' and '.join(change.keys)} in the canonical "
                "layout, after which the edit can be made",
            )
        if tag == "insert" and any(line.lstrip().startswith("#") for line in new_lines[j1:j2]):
            raise EditError(
                "the edit would add a comment line; nothing was written",
                location=_at(path),
                hint="this is a bug in promptreg; please report it with the file",
            )


# --- plain helpers ------------------------------------------------------------------------


_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as libyaml counts them, so line numbers agree with the parser's marks."""


def _split_lines(text: str) -> list[str]:
    lines = []
    start = 0
    for match in _BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def lines_of(document: Document, where: tuple[str | int, ...]) -> set[int]:
    node = document.positions.get(where)
    if node is None:
        return set()
    span = node.value
    ends_at_line_start = span.end.column == 1 and span.end.line > span.start.line
    end = span.end.line - 1 if ends_at_line_start else span.end.line
    first = node.key.start.line if node.key is not None else span.start.line
    return set(range(first, end + 1))


def empty_key_lines(document: Document, key: str) -> set[int]:
    """The `key: []` (or `key:`) line, which an empty list's first item rewrites."""
    value = document.value.get(key)
    if key in document.value and not value:
        return lines_of(document, (key,))
    return set()


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _at(path: Path) -> Location:
    return Location(path, Span.at(1, 1))


def write_edit(path: Path, original: bytes, text: str) -> None:
    """Write `text` over `path` atomically, unless the file changed since it was read."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise EditError(f"cannot read {path}: {exc.strerror or exc}") from None
    if current != original:
        raise EditError(
            f"{path} changed while it was being edited; nothing was written",
            hint="run the command again",
        )
    atomic_write(path, text)
