"""Prove, from the fast loader's values and spans alone, that fmt would leave a file as
it is, so `fmt --check` needs no ruamel round trip for the files that are canonical.

The round trip costs tens of milliseconds a file and importing ruamel more; the fast
loader has already read the file with a span for every key and value. This checker
rebuilds, line by line, what the canonical layout of edit/layout.py looks like for the
shapes the registry's files use (2-space mappings, `- ` items indented by 2, plain,
quoted and block scalars on their key's line, one-line flow collections, comments
above the key they describe) and compares it with the text.

It answers True only when it proved the file canonical. Anything it does not model
(a multi-line plain scalar, an odd indentation, a comment deeper than the key below
it, a `|+` block, a tab) makes it answer False, which means "not proved": the round
trip then decides. So it must never say True for a file fmt would change; the tests
check that against fmt itself on perturbed files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from promptreg.core.document import Document, NodeSpan, PathKey
from promptreg.core.yamlio import parse, resolve_plain
from promptreg.edit.layout import ORDERS

_UNSAFE_CHARACTER = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
"""Anything but printable characters and \\n: tabs, CR, controls, BOM, odd line breaks."""

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*\Z")
_DIGITS_FIRST = re.compile(r"[0-9][0-9A-Za-z.+-]*\Z")
"""Versions, dates, `2026-10`, `12ab`: the round trip writes them back as they were."""
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
_PLAIN_START = re.compile(r"[A-Za-z_(/$~<=^]")
"""What a plain string may start with here: no indicator, no digit, sign or dot (those
may read as numbers, dates or .inf to the round-trip reader)."""
_WORDS_OF_YAML_11 = frozenset(("y", "n", "yes", "no", "on", "off", "<<", "="))
_EOL_COMMENT = re.compile(r" +#")
_FLOW_SPECIAL = frozenset(",[]{}:#")
_MAX_BLANKS = 2


class _Unsure(Exception):
    """The checker met something it does not model; the round trip must decide."""


def is_canonical(document: Document) -> bool:
    """True when `document` (the fast loader's, with positions) is proved to be in the
    form fmt writes; False when it is not, or when that cannot be proved this way."""
    text = document.text
    if "\r" in text:
        unix = text.replace("\r\n", "\n")
        if "\r" in unix or unix.replace("\n", "\r\n") != text:
            return False  # mixed line endings: fmt writes them all as the first line's
        document = parse(unix, document.path)
        text = unix
    if document.problems or not isinstance(document.value, dict) or not document.value:
        return False
    if () not in document.positions:
        return False  # read without positions: nothing to prove it with
    if not text.endswith("\n") or text.endswith("\n\n") or _UNSAFE_CHARACTER.search(text):
        return False
    try:
        _Checker(document, text.split("\n")[:-1]).run()
    except (_Unsure, KeyError, IndexError):  # a shape the walk does not expect: unproved
        return False
    return True


def is_canonical_text(text: str, path: Path = Path("<text>")) -> bool:
    """is_canonical for text not parsed yet."""
    return is_canonical(parse(text, path))


class _Checker:
    """One walk over a document: every line must be claimed by a node, or be a blank
    line or a comment where fmt would leave it."""

    def __init__(self, document: Document, lines: list[str]) -> None:
        self.positions = document.positions
        self.value = document.value
        self.lines = lines
        self.claimed: list[bool] = [False] * len(lines)
        self.block_text: set[int] = set()
        """Lines inside block scalars: trailing white space there is content."""
        self.last = -1
        """The last line claimed so far: nodes come in the order of their lines."""
        self.anchors: dict[int, tuple[int, bool]] = {}
        """Line of a block key or `- ` item: its column and whether it opens its block."""

    def run(self) -> None:
        root = self.positions[()].raw_value
        if self._char(root[0], root[1]) == "{":
            raise _Unsure
        self._mapping((), self.value, 0, None)
        self._gaps()

    # --- nodes --------------------------------------------------------------------------

    def _mapping(
        self, path: PathKey, node: dict[str, Any], column: int, dash_line: int | None
    ) -> None:
        """A block mapping whose keys start at `column`; the first on `dash_line` when it
        is a sequence item."""
        keys = list(node)
        _check_order(path, keys)
        for index, key in enumerate(keys):
            span = self.positions[(*path, key)]
            where = span.raw_key
            if where is None or where[0] != where[2]:
                raise _Unsure
            line, start, end = where[0], where[1], where[3]
            text = self.lines[line]
            if start != column or not _plain_key(key):
                raise _Unsure
            if text[start:end] != key or text[end : end + 1] != ":":
                raise _Unsure
            if index == 0 and dash_line is not None:
                if line != dash_line:
                    raise _Unsure
            else:
                if line <= self.last or text[:start].strip(" "):
                    raise _Unsure
                self.anchors[line] = (column, index == 0 and path != ())
                self._claim(line)
            self._value((*path, key), node[key], line, end + 1, column)

    def _value(self, path: PathKey, value: Any, line: int, after: int, column: int) -> None:
        """The value of the key on `line` whose colon ends at `after`."""
        span = self.positions[path]
        text = self.lines[line]
        rest = text[after:]
        start = span.raw_value
        if isinstance(value, dict | list) and value and self._is_block(span):
            _eol(rest)
            if start[0] <= line:
                raise _Unsure
            if isinstance(value, dict):
                self._mapping(path, value, column + 2, None)
            else:
                self._sequence(path, value, column + 2)
            return
        if value is None and span.style == "":
            if start[:2] != start[2:]:
                raise _Unsure  # `~` or `null`: fmt writes an empty value
            _eol(rest)
            return
        if not rest.startswith(" ") or start[:2] != (line, after + 1):
            raise _Unsure
        if span.style in ("|", ">"):
            self._block_scalar(path, value, line, after + 1, column + 2)
            return
        end = self._inline(path, value, line, flow=False)
        _eol(text[end:])

    def _sequence(self, path: PathKey, items: list[Any], dash: int) -> None:
        for index, item in enumerate(items):
            span = self.positions[(*path, index)]
            line, column = span.raw_value[:2]
            text = self.lines[line]
            if column != dash + 2 or line <= self.last:
                raise _Unsure
            if text[:dash].strip(" ") or text[dash : dash + 2] != "- ":
                raise _Unsure
            self.anchors[line] = (dash, index == 0)
            self._claim(line)
            if isinstance(item, dict) and item and self._is_block(span):
                self._mapping((*path, index), item, dash + 2, line)
                continue
            if isinstance(item, list) and item and self._is_block(span):
                raise _Unsure  # `- - x`
            if item is None:
                raise _Unsure
            if span.style in ("|", ">"):
                self._block_scalar((*path, index), item, line, dash + 2, dash + 2)
                continue
            end = self._inline((*path, index), item, line, flow=False)
            _eol(text[end:])

    def _inline(self, path: PathKey, value: Any, line: int, *, flow: bool) -> int:
        """A scalar or flow collection that must sit on `line`; returns where it ends."""
        span = self.positions[path]
        where = span.raw_value
        if where[0] != line or where[2] != line:
            raise _Unsure
        start, end = where[1], where[3]
        source = self.lines[line][start:end]
        if isinstance(value, dict | list):
            if source != self._flow(path, value, line):
                raise _Unsure
        elif not _scalar_as_written(value, span.style, source, flow=flow):
            raise _Unsure
        return end

    def _flow(self, path: PathKey, value: dict[str, Any] | list[Any], line: int) -> str:
        """A flow collection as fmt writes it, built from its items' own text."""
        parts = []
        if isinstance(value, dict):
            keys = list(value)
            _check_order(path, keys)
            for key in keys:
                if not _plain_key(key) or value[key] is None:
                    raise _Unsure
                parts.append(f"{key}: {self._item_source((*path, key), value[key], line)}")
            return "{" + ", ".join(parts) + "}"
        for index, item in enumerate(value):
            if item is None:
                raise _Unsure
            parts.append(self._item_source((*path, index), item, line))
        return "[" + ", ".join(parts) + "]"

    def _item_source(self, path: PathKey, value: Any, line: int) -> str:
        start = self.positions[path].raw_value[1]
        end = self._inline(path, value, line, flow=True)
        return self.lines[line][start:end]

    def _block_scalar(self, path: PathKey, value: Any, line: int, at: int, indent: int) -> None:
        """A `|` or `>` scalar whose header starts at column `at` of `line` and whose
        text fmt indents to `indent`."""
        style = self.positions[path].style
        if not isinstance(value, str) or not value or value[0] in " \n" or style is None:
            raise _Unsure
        if value.endswith("\n\n"):
            raise _Unsure  # `|+`
        chomp = "" if value.endswith("\n") else "-"
        if self.lines[line][at:] != style + chomp:
            raise _Unsure
        first = line + 1
        last = first
        prefix = " " * indent
        while last < len(self.lines) and (
            self.lines[last] == "" or self.lines[last].startswith(prefix)
        ):
            last += 1
        while last > first and self.lines[last - 1] == "":
            last -= 1
        body = self.lines[first:last]
        if not body or any(not line_text.strip() and line_text for line_text in body):
            raise _Unsure  # white space alone on a line
        texts = [line_text[indent:] for line_text in body]
        if style == "|":
            joined = "\n".join(texts)
        else:
            if any(not t or t[0] == " " or t != t.rstrip(" ") for t in texts):
                raise _Unsure  # folding rules beyond plain joined lines
            joined = " ".join(texts)
        if joined + ("\n" if chomp == "" else "") != value:
            raise _Unsure
        for number in range(first, last):
            self._claim(number)
            self.block_text.add(number)

    # --- lines between nodes -----------------------------------------------------------

    def _gaps(self) -> None:
        """Blank and comment lines: only where fmt would leave them."""
        lines = self.lines
        run: list[int] = []
        for number, text in enumerate(lines):
            if number not in self.block_text and text != text.rstrip(" "):
                raise _Unsure
            if not self.claimed[number]:
                run.append(number)
                continue
            if run:
                self._check_run(run, self.anchors.get(number), header=run[0] == 0)
                run = []
        if run:
            self._check_run(run, (0, False), header=False)

    def _check_run(self, run: list[int], anchor: tuple[int, bool] | None, *, header: bool) -> None:
        """Lines above a key or item at the anchor's column: comments at that column,
        blank lines unless the key opens its block; the file starts with no blank line."""
        if anchor is None:
            raise _Unsure
        column, opens = anchor
        blanks = 0
        for number in run:
            text = self.lines[number]
            if text == "":
                blanks += 1
                if opens or blanks > _MAX_BLANKS or (header and number == 0):
                    raise _Unsure
                continue
            blanks = 0
            if len(text) - len(text.lstrip(" ")) != column or text[column] != "#":
                raise _Unsure

    # --- helpers --------------------------------------------------------------------------

    def _is_block(self, span: NodeSpan) -> bool:
        start = span.raw_value
        return self._char(start[0], start[1]) not in "{["

    def _char(self, line: int, column: int) -> str:
        text = self.lines[line] if line < len(self.lines) else ""
        return text[column : column + 1] or "\n"

    def _claim(self, line: int) -> None:
        if self.claimed[line]:
            raise _Unsure
        self.claimed[line] = True
        self.last = max(self.last, line)


_DEEPEST_ORDER = max(len(where) for where, _ in ORDERS)


def _check_order(path: PathKey, keys: list[str]) -> None:
    """The keys of the mapping at `path` are in the order edit/layout.py puts them:
    known keys by their rank, then unknown keys, then x- keys. layout's sort is stable,
    so the keys are in its order exactly when their ranks never go down."""
    if len(keys) < 2 or len(path) > _DEEPEST_ORDER:
        return
    for where, order in ORDERS:
        if len(where) == len(path) and all(w in ("*", p) for w, p in zip(where, path, strict=True)):
            last = (0, -1)
            for key in keys:
                rank = (0, order.index(key)) if key in order else (2 if key[:2] == "x-" else 1, 0)
                if rank < last:
                    raise _Unsure
                last = rank
            return


def _plain_key(key: str) -> bool:
    return (
        bool(_KEY.match(key)) and resolve_plain(key) == key and key.lower() not in _WORDS_OF_YAML_11
    )


def _eol(rest: str) -> None:
    """What may follow a value on its line: nothing, or a comment after a space."""
    if rest and not _EOL_COMMENT.match(rest):
        raise _Unsure


def _scalar_as_written(value: Any, style: str | None, source: str, *, flow: bool) -> bool:
    """The scalar's source is what fmt would write for its value."""
    if style == "'":
        return isinstance(value, str) and source == "'" + value.replace("'", "''") + "'"
    if style == '"':
        return (
            isinstance(value, str)
            and '"' not in value
            and "\\" not in value
            and source == f'"{value}"'
        )
    if style != "":
        return False
    if isinstance(value, bool):
        return source == ("true" if value else "false")
    if isinstance(value, int):
        return bool(_INT.match(source)) and source == str(value)
    if isinstance(value, float):
        return bool(_FLOAT.match(source))
    if not isinstance(value, str) or source != value or value != value.strip(" "):
        return False
    if value.lower() in _WORDS_OF_YAML_11 or resolve_plain(value) != value:
        return False
    if _DIGITS_FIRST.match(value):
        return True
    if not _PLAIN_START.match(value) or ": " in value or " #" in value or value.endswith(":"):
        return False
    return not (flow and _FLOW_SPECIAL.intersection(value))
