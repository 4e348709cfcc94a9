"""The canonical key order and layout, made on ruamel.yaml's round-trip tree.

ruamel attaches a comment line to the value *before* it; before reordering, such lines
are re-attached to the key or item they sit above, so a comment moves with the key it
describes. This module only rewrites; fmt.format_text checks every result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from promptreg.core.errors import PromptregError
from promptreg.core.yamlio import parse
from promptreg.edit.roundtrip import (
    comment_token,
    dump,
    is_block_collection,
    is_block_scalar,
    round_trip_load,
    split_trailing,
    trailing_comment,
)

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

SEQUENCE_INDENT, SEQUENCE_OFFSET = 4, 2
"""`- ` items indented by 2 under their key, their keys by 4: the registry's layout."""

# No line is ever re-wrapped: a file is at most MAX_FILE_BYTES, so no line is wider.

Line = tuple[int, str]
"""A full-line comment: its column (-1 for a blank line) and its text from '#' on."""


def canonical_layout(text: str, path: Path, *, error: type[PromptregError]) -> str:
    """`text` with its keys in canonical order and the registry's indentation."""
    rt, root = round_trip_load(
        text, path, sequence=SEQUENCE_INDENT, offset=SEQUENCE_OFFSET, error=error
    )
    trailing = _float_comments(root)
    for where, order in ORDERS:
        for node in _select(root, where):
            _reorder(node, order)
    _settle_first_keys(root)
    if trailing:
        if root.ca.comment is None:  # ruamel drops end comments of a mapping without one
            root.ca.comment = [None, None]
        root.ca.end = trailing
    return _tidy(dump(rt, root))


def _float_comments(root: Any) -> list[Any]:
    """Attach every full-line comment to the key or item below it, not the value above.

    Lines indented deeper than that key stay where they are (they close the block
    above). Returns the comment tokens after the last node, for the end of the document.
    """
    from ruamel.yaml.comments import CommentedMap

    pending: list[Line] = []
    origin: tuple[list[Any], int, Any, str] | None = None  # holder, index, token, head

    def tokens(lines: list[Line]) -> list[Any]:
        return [comment_token(text, col) for col, text in lines]

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
            if is_block_collection(child):
                walk(child)
                continue
            found = trailing_comment(node, key)
            if found is None:
                continue
            entry, slot, token = found
            head, tail = split_trailing(token.value, child)
            lines = _lines(tail, token.column if is_block_scalar(child) else None)
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
    header = root.ca.comment[1] if root.ca.comment else None
    lines = [line for token in header or () for line in _lines(token.value, token.column)]
    blanks = [index for index, (column, _) in enumerate(lines) if column < 0]
    if not blanks or blanks[-1] == len(lines) - 1:
        return
    start = blanks[-1]
    while start > 0 and lines[start - 1][0] < 0:
        start -= 1
    root.ca.comment[1] = [comment_token(t, c) for c, t in lines[:start]]
    entry = root.ca.items.setdefault(next(iter(root)), [None, None, None, None])
    moved = [comment_token(t, c) for c, t in lines[start:]]
    entry[1] = moved + (entry[1] or [])


def _settle_first_keys(node: Any, *, root: bool = True) -> None:
    """Tidy the comments a key brought along when reordering made it a mapping's first.

    Blank lines go (no blank line right below `key:`), except under the file header.
    In a sequence, the comments go above the `- `: ruamel would write them between the
    dash and the key, breaking the layout.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

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
                dash = _column(node, index) - 2
                outer = node.ca.items.setdefault(index, [None, None, None, None])
                outer[1] = (outer[1] or []) + [comment_token(t.value, dash) for t in entry[1]]
                entry[1] = None


def _column(node: Any, key: Any) -> int:
    """The source column of a key (mapping) or item (sequence); 0 when unknown."""
    from ruamel.yaml.comments import CommentedMap

    try:
        line_col = node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key)
        return int(line_col[1])
    except (KeyError, IndexError, TypeError):
        return 0


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
