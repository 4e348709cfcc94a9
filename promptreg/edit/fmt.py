"""One canonical key order and layout for prompt files, with every comment kept.

ruamel.yaml's round-trip mode does the rewriting, so comments, quotes, block scalars and
flow collections survive. ruamel attaches a comment line to the value *before* it; before
reordering, such lines are re-attached to the key or item they sit above, so a comment
moves with the key it describes. Every result is checked before it is returned: the same
data, the same comments, no new problems, and formatting it again changes nothing. A
check that fails raises FormatError, so fmt never writes a damaging change.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from promptreg.core.errors import PromptregError
from promptreg.core.fs import atomic_write
from promptreg.core.loader import PROMPT_SUFFIX, load_prompt
from promptreg.core.location import Location, Position, Span
from promptreg.core.yamlio import parse
from promptreg.edit.roundtrip import parse_for_rewrite, round_trip_load

FIELD_ORDER: tuple[str, ...] = (
    "id",
    "version",
    "title",
    "description",
    "owner",
    "tier",
    "status",
    "tags",
    "model",
    "variables",
    "messages",
    "output",
    "handoff",
    "limitations",
    "logging",
    "evals",
    "approvals",
    "changelog",
    "lint",
)
"""The Fields table of docs/format.md; keys starting with x- go last."""

# Where key order is canonical: a path from the root ("*" is every value of a mapping or
# item of a sequence) and the order, which is the schema's property order.
ORDERS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    ((), FIELD_ORDER),
    (("model",), ("name", "temperature", "top_p", "max_output_tokens", "seed")),
    (
        ("variables", "*"),
        ("type", "description", "required", "default", "enum", "trusted", "max_tokens"),
    ),
    (("messages", "*"), ("role", "content")),
    (("output",), ("format", "schema")),
    (("handoff",), ("ai", "human", "checkpoint")),
    (("evals", "*"), ("name", "description", "vars", "assert")),
    (("evals", "*", "assert", "*"), ("type", "value")),
    (("approvals", "*"), ("reviewer", "group", "date", "content_hash")),
    (("changelog", "*"), ("version", "date", "summary")),
    (("lint", "ignore", "*"), ("rule", "reason")),
)

# No line is ever re-wrapped: a file is at most MAX_FILE_BYTES, so no line is wider.

_COMMENT_RE = re.compile(r"#[^\r\n]*")

Line = tuple[int, str]
"""A full-line comment: its column (-1 for a blank line) and its text from '#' on."""


class FormatError(PromptregError):
    """The file cannot be formatted safely, so it is left as it was."""


@dataclass(frozen=True, slots=True)
class FormatOutcome:
    path: Path
    changed: bool
    """The file is not (or, with check, would not be) in canonical form."""
    diff: str = ""
    """A unified diff, when asked for and the file changed."""
    error: str | None = None
    """Why the file was left alone, ready to print: `file:line:col: message`."""


def format_text(text: str, *, path: Path = Path("<text>")) -> str:
    """`text` in canonical key order and layout; raises FormatError instead of damaging it."""
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    source = text.replace("\r\n", "\n")
    before = parse_for_rewrite(
        source,
        path,
        error=FormatError,
        hint="fmt only rewrites files that load safely; `promptreg lint` lists the problems",
    )
    result = _format(source, path)
    after = parse(result, path)
    if after.problems or _canonical(after.value) != _canonical(before.value):
        raise FormatError(
            "formatting would change what the file means; it was left unchanged",
            location=Location(path, Span.at(1, 1)),
            hint="this is a bug in promptreg fmt; please report it with the file",
        )
    try:
        expected, found = _comments(source), _comments(result)
    except yaml.YAMLError as exc:  # libyaml read it, so this would be a scanner difference
        raise FormatError(
            f"cannot list the comments of this file: {exc}", location=Location(path, Span.at(1, 1))
        ) from None
    if Counter(c for c, _ in expected) != Counter(c for c, _ in found):
        lost = Counter(c for c, _ in expected) - Counter(c for c, _ in found)
        where = next((pos for c, pos in expected if c in lost), Position(1, 1))
        raise FormatError(
            "formatting would drop or alter a comment here; the file was left unchanged",
            location=Location(path, Span(where, where)),
            hint="comments inside a flow collection ({...} or [...]), between a key and a "
            "value on the next line, or before `---` cannot be kept; move it above the key",
        )
    if _format(result, path) != result:
        raise FormatError(
            "formatting is not stable for this file (a second run would change it again)",
            location=Location(path, Span.at(1, 1)),
            hint="this is a bug in promptreg fmt; please report it with the file",
        )
    return result.replace("\n", newline)


def format_file(path: Path, *, check: bool, diff: bool) -> FormatOutcome:
    """Format one file; writes (atomically) only when it changed and `check` is false."""
    if not path.name.endswith(PROMPT_SUFFIX):
        return FormatOutcome(path, False, error=f"{path}: not a prompt file (*{PROMPT_SUFFIX})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FormatOutcome(path, False, error=f"{path}: cannot read: {exc.strerror or exc}")
    blocking = [p for p in load_prompt(path, data).problems if p.code.startswith("F")]
    if blocking:
        return FormatOutcome(path, False, error="\n".join(str(p) for p in blocking))
    text = data.decode("utf-8")
    try:
        result = format_text(text, path=path)
    except FormatError as exc:
        return FormatOutcome(path, False, error=str(exc))
    if result == text:
        return FormatOutcome(path, False)
    patch = ""
    if diff:
        name = path.as_posix()
        patch = "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                result.splitlines(keepends=True),
                fromfile=name,
                tofile=name,
            )
        )
    if not check:
        atomic_write(path, result)
    return FormatOutcome(path, True, patch)


def _format(text: str, path: Path) -> str:
    rt, root = round_trip_load(text, path, sequence=4, offset=2, error=FormatError)
    trailing = _float_comments(root)
    for where, order in ORDERS:
        for node in _select(root, where):
            _reorder(node, order)
    _settle_first_keys(root)
    if trailing:
        if root.ca.comment is None:  # ruamel drops end comments of a mapping without one
            root.ca.comment = [None, None]
        root.ca.end = trailing
    out = io.StringIO()
    rt.dump(root, out)
    return _tidy(out.getvalue())


def _float_comments(root: Any) -> list[Any]:
    """Attach every full-line comment to the key or item below it, not the value above.

    Lines indented deeper than that key stay where they are (they close the block
    above). Returns the comment tokens after the last node, for the end of the document.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
    from ruamel.yaml.tokens import CommentToken

    pending: list[Line] = []
    origin: tuple[list[Any], int, Any, str] | None = None  # holder, index, token, head

    def tokens(lines: list[Line]) -> list[Any]:
        return [CommentToken(text, CommentMark(max(col, 0))) for col, text in lines]

    def release(column: int) -> list[Line]:
        """Pending lines for the node at `column`; the deeper ones go back to their origin."""
        nonlocal pending, origin
        deeper = [i for i, (col, _) in enumerate(pending) if col > column]
        cut = deeper[-1] + 1 if deeper else 0
        keep, moved = pending[:cut], pending[cut:]
        if keep and origin is not None:
            holder, index, token, head = origin
            token.value = head + "".join(" " * col + text for col, text in keep)
            holder[index] = token
        pending, origin = [], None
        return moved

    def walk(node: Any) -> None:
        nonlocal origin
        is_map = isinstance(node, CommentedMap)
        for key in list(node) if is_map else range(len(node)):
            if pending:
                entry = node.ca.items.setdefault(key, [None, None, None, None])
                entry[1] = tokens(release(_column(node, key))) + (entry[1] or [])
            child = node[key]
            if isinstance(child, CommentedMap | CommentedSeq) and not child.fa.flow_style():
                walk(child)
                continue
            entry = node.ca.items.get(key)
            slot = 2 if is_map else 0
            token = entry[slot] if entry else None
            if token is None:
                continue
            block = isinstance(child, LiteralScalarString | FoldedScalarString)
            head, lines = _split_tail(token, block=block)
            if not lines:
                continue
            pending.extend(lines)
            if head:
                token.value = head
            else:
                entry[slot] = None
            origin = (entry, slot, token, head)
        for token in node.ca.end or ():
            pending.extend(_lines(token.value, token.column))
        node.ca.end = []

    if isinstance(root, CommentedMap) and root:
        _detach_first_paragraph(root)
        walk(root)
    return tokens(pending)


def _detach_first_paragraph(root: Any) -> None:
    """The comment paragraph right above the first key, after a blank line, is the key's.

    Whatever comes before that blank line (the modeline, a file header) stays on top.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    header = root.ca.comment[1] if root.ca.comment else None
    lines = [line for token in header or () for line in _lines(token.value, token.column)]
    blanks = [index for index, (column, _) in enumerate(lines) if column < 0]
    if not blanks or blanks[-1] == len(lines) - 1:
        return
    start = blanks[-1]
    while start > 0 and lines[start - 1][0] < 0:
        start -= 1
    root.ca.comment[1] = [CommentToken(t, CommentMark(max(c, 0))) for c, t in lines[:start]]
    entry = root.ca.items.setdefault(next(iter(root)), [None, None, None, None])
    moved = [CommentToken(t, CommentMark(max(c, 0))) for c, t in lines[start:]]
    entry[1] = moved + (entry[1] or [])


def _settle_first_keys(node: Any, *, root: bool = True) -> None:
    """Tidy the comments a key brought along when reordering made it a mapping's first.

    Blank lines go (no blank line right below `key:`), except under the file header.
    In a sequence, the comments go above the `- `: ruamel would write them between the
    dash and the key, breaking the layout.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        entry = node.ca.items.get(next(iter(node)))
        if entry and entry[1] and not (root and node.ca.comment and node.ca.comment[1]):
            while entry[1] and entry[1][0].value.strip() == "":
                entry[1].pop(0)
        for child in node.values():
            _settle_first_keys(child, root=False)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            _settle_first_keys(item, root=False)
            if not isinstance(item, CommentedMap) or not item or item.fa.flow_style():
                continue
            entry = item.ca.items.get(next(iter(item)))
            if entry and entry[1]:
                dash = CommentMark(max(_column(node, index) - 2, 0))
                outer = node.ca.items.setdefault(index, [None, None, None, None])
                outer[1] = (outer[1] or []) + [CommentToken(t.value, dash) for t in entry[1]]
                entry[1] = None


def _column(node: Any, key: Any) -> int:
    """The source column of a key (mapping) or item (sequence); 0 when unknown."""
    from ruamel.yaml.comments import CommentedMap

    try:
        line_col = node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key)
        return int(line_col[1])
    except (KeyError, IndexError, TypeError):
        return 0


def _split_tail(token: Any, *, block: bool) -> tuple[str, list[Line]]:
    """A trailing comment token: the part on its node's own line, and the lines below.

    After a block scalar every line is a line below: the scalar took its own newline.
    """
    value: str = token.value
    if block:
        return "", _lines(value, token.column)
    cut = value.find("\n") + 1 or len(value)
    return value[:cut], _lines(value[cut:], None)


def _lines(value: str, first_column: int | None) -> list[Line]:
    lines: list[Line] = []
    for number, raw in enumerate(value.splitlines()):
        text = raw.lstrip(" ")
        if not text.strip():
            lines.append((-1, "\n"))
        else:
            column = len(raw) - len(text)
            if number == 0 and first_column is not None:
                column = first_column
            lines.append((column, text + "\n"))
    return lines


def _select(node: Any, where: tuple[str, ...]) -> Iterator[Any]:
    if not where:
        yield node
        return
    head, rest = where[0], where[1:]
    if head == "*":
        children: Any = node.values() if isinstance(node, dict) else node
        if not isinstance(node, dict | list):
            return
    elif isinstance(node, dict) and head in node:
        children = (node[head],)
    else:
        return
    for child in children:
        yield from _select(child, rest)


def _reorder(node: Any, order: tuple[str, ...]) -> None:
    """Known keys in `order`, then unknown keys, then x- keys, each group as it was."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(node, CommentedMap):
        return
    rank = {key: index for index, key in enumerate(order)}

    def place(item: tuple[int, Any]) -> tuple[int, int, int]:
        index, key = item
        if key in rank:
            return (0, rank[key], index)
        return (2 if isinstance(key, str) and key.startswith("x-") else 1, 0, index)

    keys = list(node)
    wanted = [key for _, key in sorted(enumerate(keys), key=place)]
    if wanted != keys:
        for key in wanted:
            node.move_to_end(key)


def _tidy(text: str) -> str:
    """No trailing white space outside block scalars; exactly one newline at the end."""
    keep: set[int] = set()
    document = parse(text, Path("<formatted>"))
    for node in document.positions.values():
        if node.style in ("|", ">"):
            start, end = node.value.start, node.value.end
            keep.update(range(start.line + 1, end.line + (1 if end.column > 1 else 0)))
    lines = text.split("\n")
    tidy = [line if number in keep else line.rstrip(" \t") for number, line in enumerate(lines, 1)]
    return "\n".join(tidy).rstrip("\n") + "\n"


def _canonical(value: Any) -> str:
    """Data as comparable text: key order ignored, but 1, 1.0, true and "1" all differ."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _comments(text: str) -> list[tuple[str, Position]]:
    """Every comment in `text` with its place, found between the tokens YAML scans."""
    found: list[tuple[str, Position]] = []
    previous = 0

    def gap(start: int, end: int) -> None:
        for match in _COMMENT_RE.finditer(text, start, end):
            offset = match.start()
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            found.append((match.group().rstrip(), Position(line, column)))

    # PyYAML's pure-Python scanner, not ruamel's: an independent count, so a comment
    # ruamel loses is caught. Its marks count characters, which libyaml's do not.
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        gap(previous, token.start_mark.index)
        previous = max(previous, token.end_mark.index)
    gap(previous, len(text))
    return found
