"""Round-trip edits of prompt files for `bump` and `approve`: change one thing, keep the rest.

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
import datetime as dt
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from promptreg.core.document import Document
from promptreg.core.errors import PromptregError
from promptreg.core.fs import atomic_write
from promptreg.core.location import Location, Span
from promptreg.core.model import Approval, ChangelogEntry
from promptreg.core.yamlio import parse
from promptreg.edit.fmt import FIELD_ORDER
from promptreg.edit.roundtrip import parse_for_rewrite, round_trip_load

Style = Literal["flow", "block"]

# Nothing is ever re-wrapped: no line of a file within MAX_FILE_BYTES is wider.


class EditError(PromptregError):
    """The edit cannot be made without touching more than it should; nothing was written."""


@dataclass(frozen=True, slots=True)
class _Change:
    """One edit: the same change made to ruamel's tree and to the plain data."""

    keys: tuple[str, ...]
    """Top-level keys whose lines may change."""
    sequence: str
    """The list the edit adds to; its layout decides ruamel's sequence indentation."""
    on_tree: Callable[[Any], None]
    on_data: Callable[[dict[str, Any]], None]
    replaceable: Callable[[Document], set[int]]
    """Lines (1-based) of the original whose text may be replaced, not only moved."""


# --- public operations ------------------------------------------------------------------


def bump_text(
    text: str,
    version: str,
    entry: ChangelogEntry,
    *,
    replace_top: bool = False,
    path: Path = Path("<text>"),
) -> str:
    """`text` with `version:` set and `entry` at the top of `changelog:`.

    With `replace_top` the first changelog entry is overwritten instead (a version that
    was bumped again before it was ever committed). A missing `changelog:` is created in
    its canonical place; an entry copies the style (flow or block) of its neighbours,
    flow when it has none, as `promptreg new` writes it.
    """
    fields = {"version": version, "date": entry.date, "summary": entry.summary}

    def on_tree(root: Any) -> None:
        root["version"] = _like(root.get("version"), version)
        sequence = _sequence(root, "changelog")
        if replace_top:
            _overwrite(sequence[0], fields)
        else:
            style = _neighbour_style(sequence, 0, default="flow")
            sequence.insert(0, _entry(fields, style))

    def on_data(data: dict[str, Any]) -> None:
        data["version"] = version
        items = _plain_sequence(data, "changelog")
        if replace_top:
            items[0].update(fields)
        else:
            items.insert(0, dict(fields))

    def replaceable(document: Document) -> set[int]:
        lines = _lines_of(document, ("version",))
        lines |= _empty_key_lines(document, "changelog")
        if replace_top:
            lines |= _lines_of(document, ("changelog", 0))
        return lines

    change = _Change(("version", "changelog"), "changelog", on_tree, on_data, replaceable)
    return _edit(text, path, change)


def approval_text(
    text: str,
    approval: Approval,
    *,
    replace_index: int | None = None,
    path: Path = Path("<text>"),
) -> str:
    """`text` with `approval` appended to `approvals:`, or written over entry `replace_index`.

    Replacing is for a reviewer approving again after the content changed: their stale
    entry becomes the new one, so the file never holds two approvals by one person.
    A new entry copies the style of its neighbours, block when it has none, as the
    registry's files write approvals.
    """
    fields = {
        "reviewer": approval.reviewer,
        "group": approval.group,
        "date": approval.date,
        "content_hash": approval.content_hash,
    }

    def on_tree(root: Any) -> None:
        sequence = _sequence(root, "approvals")
        if replace_index is not None:
            _overwrite(sequence[replace_index], fields)
            return
        style = _neighbour_style(sequence, len(sequence) - 1, default="block")
        item = _entry(fields, style)
        tail = _take_tail_comment(sequence)
        sequence.append(item)
        if tail is not None:
            _give_tail_comment(sequence, item, tail)

    def on_data(data: dict[str, Any]) -> None:
        items = _plain_sequence(data, "approvals")
        if replace_index is not None:
            items[replace_index].update(fields)
        else:
            items.append(dict(fields))

    def replaceable(document: Document) -> set[int]:
        lines = _empty_key_lines(document, "approvals")
        if replace_index is not None:
            lines |= _lines_of(document, ("approvals", replace_index))
        return lines

    change = _Change(("approvals",), "approvals", on_tree, on_data, replaceable)
    return _edit(text, path, change)


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


# --- the edit and its checks -------------------------------------------------------------


def _edit(text: str, path: Path, change: _Change) -> str:
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


def _round_trip(source: str, path: Path, change: _Change, content_column: int) -> str:
    import io

    rt, root = round_trip_load(
        source,
        path,
        sequence=content_column,
        offset=content_column - 2,
        error=EditError,
    )
    change.on_tree(root)
    out = io.StringIO()
    rt.dump(root, out)
    return out.getvalue()


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


def _verify(source: str, before: Document, result: str, change: _Change, path: Path) -> None:
    after = parse(result, path)
    if after.problems:
        raise EditError(
            f"the edited file would not load ({after.problems[0].message}); nothing was written",
            location=_at(path),
            hint="this is a bug in promptreg; please report it with the file",
        )
    expected = copy.deepcopy(before.value)
    change.on_data(expected)
    if _as_json(after.value) != _as_json(expected):
        raise EditError(
            "the edit would change more than intended; nothing was written",
            location=_at(path),
            hint="this is a bug in promptreg; please report it with the file",
        )
    if _comments(source) != _comments(result):
        raise EditError(
            "the edit would drop, alter or move a comment; nothing was written",
            location=_at(path),
            hint="comments inside a flow collection ({...} or [...]) of "
            f"{' or '.join(change.keys)} cannot always be kept; move them above the key",
        )
    _check_lines(source, before, result, change, path)


def _check_lines(source: str, before: Document, result: str, change: _Change, path: Path) -> None:
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


# --- ruamel helpers -----------------------------------------------------------------------


def _like(old: Any, value: str) -> Any:
    """`value` as a scalar of the same kind as `old`, so quotes stay as written."""
    return type(old)(value) if isinstance(old, str) and type(old) is not str else value


def _scalar(key: str, value: str) -> Any:
    if key == "date":
        try:
            return dt.date.fromisoformat(value)  # written plain, like the registry's dates
        except ValueError:
            return value
    return value


def _entry(fields: dict[str, str], style: Style) -> Any:
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap((key, _scalar(key, value)) for key, value in fields.items())
    if style == "flow":
        item.fa.set_flow_style()
    else:
        item.fa.set_block_style()
    return item


def _overwrite(item: Any, fields: dict[str, str]) -> None:
    if not isinstance(item, dict):
        raise EditError("the entry to replace is not a mapping")
    for key, value in fields.items():
        old = item.get(key)
        item[key] = _like(old, value) if isinstance(old, str) else _scalar(key, value)


def _neighbour_style(sequence: Any, index: int, *, default: Style) -> Style:
    from ruamel.yaml.comments import CommentedMap

    if 0 <= index < len(sequence) and isinstance(sequence[index], CommentedMap):
        return "flow" if sequence[index].fa.flow_style() else "block"
    return default


def _sequence(root: Any, key: str) -> Any:
    """The list at `key`, created in its canonical place, and in block style when empty."""
    from ruamel.yaml.comments import CommentedSeq

    value = root.get(key)
    if value is None:
        sequence = CommentedSeq()
        sequence.fa.set_block_style()
        if key in root:
            root[key] = sequence
        else:
            root.insert(_canonical_index(list(root), key), key, sequence)
        return sequence
    if not isinstance(value, CommentedSeq):
        raise EditError(f"`{key}:` is not a list")
    if not value:
        value.fa.set_block_style()
    return value


def _canonical_index(keys: list[str], key: str) -> int:
    rank = {name: index for index, name in enumerate(FIELD_ORDER)}
    mine = rank[key]
    for index, existing in enumerate(keys):
        if rank.get(existing, len(FIELD_ORDER)) > mine:
            return index
    return len(keys)


def _plain_sequence(data: dict[str, Any], key: str) -> list[Any]:
    if data.get(key) is None:
        if key not in data:
            pairs = list(data.items())
            pairs.insert(_canonical_index(list(data), key), (key, []))
            data.clear()
            data.update(pairs)
        else:
            data[key] = []
    items: list[Any] = data[key]
    return items


def _take_tail_comment(sequence: Any) -> str | None:
    """Detach the comment lines that follow the list's last item.

    ruamel keeps the lines after a list (a blank line, a comment above the next key) on
    the last item's last value; appending an item would put them above the new item.
    Returns those lines; a comment on the value's own line stays where it is.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if not sequence:
        return None
    node: Any = sequence
    key: Any = len(sequence) - 1
    while True:
        child = node[key]
        is_block = isinstance(child, CommentedMap | CommentedSeq) and not child.fa.flow_style()
        if not is_block or not child:
            break
        node, key = child, (next(reversed(child)) if isinstance(child, dict) else len(child) - 1)
    slot = 2 if isinstance(node, CommentedMap) else 0
    entry = node.ca.items.get(key)
    token = entry[slot] if entry else None
    if token is None:
        return None
    value: str = token.value
    if isinstance(node[key], LiteralScalarString | FoldedScalarString):
        head, tail = "", value
    else:
        cut = value.find("\n") + 1 or len(value)
        head, tail = value[:cut], value[cut:]
    if not tail.strip():
        return None
    if head.strip():
        token.value = head
    else:
        entry[slot] = None
    return tail


def _give_tail_comment(sequence: Any, item: Any, tail: str) -> None:
    """Attach the detached lines after the new last item (see _take_tail_comment)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    lines = "\n" + tail  # the new item's own line end, then the lines below it
    if item.fa.flow_style():
        entry = sequence.ca.items.setdefault(len(sequence) - 1, [None, None, None, None])
        entry[0] = CommentToken(lines, CommentMark(0))
    else:
        last = next(reversed(item))
        item.ca.items[last] = [None, None, CommentToken(lines, CommentMark(0)), None]


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


def _lines_of(document: Document, where: tuple[str | int, ...]) -> set[int]:
    node = document.positions.get(where)
    if node is None:
        return set()
    span = node.value
    ends_at_line_start = span.end.column == 1 and span.end.line > span.start.line
    end = span.end.line - 1 if ends_at_line_start else span.end.line
    first = node.key.start.line if node.key is not None else span.start.line
    return set(range(first, end + 1))


def _empty_key_lines(document: Document, key: str) -> set[int]:
    """The `key: []` (or `key:`) line, which an empty list's first item rewrites."""
    value = document.value.get(key)
    if key in document.value and not value:
        return _lines_of(document, (key,))
    return set()


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _at(path: Path) -> Location:
    return Location(path, Span.at(1, 1))


def _comments(text: str) -> list[str]:
    """Every comment in `text`, in order, found between the tokens YAML scans."""
    found: list[str] = []
    previous = 0

    def gap(start: int, end: int) -> None:
        segment = text[start:end]
        for line in segment.split("\n"):
            hash_at = line.find("#")
            if hash_at >= 0:
                found.append(line[hash_at:].rstrip())

    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            gap(previous, token.start_mark.index)
            previous = max(previous, token.end_mark.index)
    except yaml.YAMLError as exc:
        raise EditError(f"cannot list the comments of this file: {exc}") from None
    gap(previous, len(text))
    return found
