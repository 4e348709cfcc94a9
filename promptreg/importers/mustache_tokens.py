"""Mustache and Handlebars source as tokens, with the standalone-line rule applied.

Both engines remove a line that holds nothing but a block tag, `{{else}}`, a comment
or a partial (and its newline); `~` strips white space on one side. Applying these to
the text tokens up front means the converter can emit Jinja2 tags that print nothing
and get the same output: Jinja2 keeps every character of the text it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

_STANDALONE_KINDS = frozenset(("comment", "open", "close", "else", "inverse", "partial"))
_PARTS_RE = re.compile(
    r"""\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\(|\)|[^\s()=]+=|[^\s()]+)""", re.S
)
MAX_TOKENS = 50_000
"""A template with more tags than this is refused rather than converted slowly."""


class TemplateSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(slots=True)
class Scope:
    """Where names are looked up while converting a block's body."""

    kind: str
    """root | each | with | section"""
    context: str | None = None
    """The Jinja2 expression names resolve against; None at the root."""
    loop: bool = False
    key: str | None = None
    names: frozenset[str] = frozenset()
    """Names this scope binds (partial arguments), which are not variables."""


@dataclass(slots=True)
class Token:
    kind: str
    """text | var | raw | comment | open | close | else | inverse | partial"""
    text: str
    """The text itself, or the tag's body without its sigil and braces."""
    line: int
    source: str = ""
    """The tag as written, for notes and for leaving it to the author."""
    indent: str = ""
    """For a standalone partial: the white space it stood after."""
    standalone: bool = False


def _classify(inner: str) -> tuple[str, str]:
    body = inner.strip()
    if body.startswith("!"):
        return "comment", body[1:].removeprefix("--").removesuffix("--")
    if body.startswith("#>"):
        return "open", ">" + body[2:].strip()
    if body.startswith("#"):
        return "open", body[1:].strip()
    if body.startswith("/"):
        return "close", body[1:].strip()
    if body.startswith("^"):
        rest = body[1:].strip()
        return ("else", "") if not rest else ("inverse", rest)
    if body == "else" or body.startswith("else "):
        return "else", body[4:].strip()
    if body.startswith(">"):
        return "partial", body[1:].strip()
    if body.startswith("&"):
        return "raw", body[1:].strip()
    return "var", body


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    line = 1
    strip_next = False
    while True:
        start = source.find("{{", position)
        text = source[position:] if start < 0 else source[position:start]
        if strip_next:
            text = text.lstrip()
        if text:
            tokens.append(Token("text", text, line))
        line += text.count("\n")
        if start < 0:
            break
        if len(tokens) > MAX_TOKENS:
            raise TemplateSyntaxError(line, f"more than {MAX_TOKENS:,} tags")
        head = source[start + 2 : start + 3]
        tilde = head == "~"
        after = start + 3 if tilde else start + 2
        if source.startswith("!--", after):
            end = source.find("--", after + 3)
            end = source.find("}}", end) if end >= 0 else -1
            close = 2
        elif source.startswith("{", after):
            end = source.find("}}}", after)
            close = 3
        else:
            end = source.find("}}", after)
            close = 2
        if end < 0:
            raise TemplateSyntaxError(line, "a tag opened with {{ is never closed")
        raw = source[start : end + close]
        inner = source[after:end]
        if close == 3:
            inner = inner[1:]
        strip_next = inner.endswith("~")
        inner = inner.removesuffix("~")
        if tilde and tokens and tokens[-1].kind == "text":
            tokens[-1].text = tokens[-1].text.rstrip()
            if not tokens[-1].text:
                tokens.pop()
        kind, body = ("raw", inner.strip()) if close == 3 else _classify(inner)
        tokens.append(Token(kind, body, line, raw))
        line += raw.count("\n")
        position = end + close
    _apply_standalone(tokens)
    return [t for t in tokens if t.kind != "text" or t.text]


def _line_tail(text: str) -> str | None:
    """The text after its last newline when that is only blanks, else None."""
    tail = text.rsplit("\n", 1)[-1]
    return tail if tail.strip(" \t") == "" else None


def _line_head(text: str) -> bool:
    head = text.split("\n", 1)[0]
    return head.rstrip("\r").strip(" \t") == ""


def _apply_standalone(tokens: list[Token]) -> None:
    marks: list[int] = []
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if token.kind not in _STANDALONE_KINDS or "~" in token.source[:3]:
            continue
        prev = tokens[index - 1] if index else None
        nxt = tokens[index + 1] if index < last else None
        if prev is not None and (
            prev.kind != "text"
            or _line_tail(prev.text) is None
            or ("\n" not in prev.text and index - 1 != 0)
        ):
            continue
        if nxt is not None and (
            nxt.kind != "text"
            or not _line_head(nxt.text)
            or ("\n" not in nxt.text and index + 1 != last)
        ):
            continue
        marks.append(index)
    keep_from: dict[int, int] = {}
    keep_to: dict[int, int] = {}
    for index in marks:
        token = tokens[index]
        token.standalone = True
        if index > 0:
            prev = tokens[index - 1]
            cut = prev.text.rfind("\n") + 1
            token.indent = prev.text[cut:]
            keep_to[index - 1] = cut
        if index < last:
            nxt = tokens[index + 1]
            newline = nxt.text.find("\n")
            keep_from[index + 1] = len(nxt.text) if newline < 0 else newline + 1
    for index in set(keep_from) | set(keep_to):
        text = tokens[index].text
        start = keep_from.get(index, 0)
        end = keep_to.get(index, len(text))
        tokens[index].text = text[start:end] if start < end else ""


def split_parts(body: str) -> list[str]:
    """A tag body as its parts: helper name, arguments, `(`, `)`, `key=` and strings."""
    parts: list[str] = []
    for match in _PARTS_RE.finditer(body):
        part = match.group(1)
        if parts and parts[-1].endswith("=") and part not in "()":
            parts[-1] += part
        else:
            parts.append(part)
    return parts


class BlockHost(Protocol):
    """What block conversion needs from the converter (handlebars.py implements it)."""

    mustache: bool
    types: dict[str, str]
    variables: list[str]
    loop_names: set[str]
    inferred: dict[str, str]
    scopes: list[Scope]
    notes: list[tuple[int, str]]
    partials: Callable[[str], str | None]

    def emit(self, text: str) -> None: ...
    def leave(self, token: Token, why: str) -> None: ...
    def path(self, token: Token, text: str) -> str | None: ...
    def argument(self, token: Token, part: str) -> str | None: ...
    def convert(self, tokens: list[Token], depth: int = 0) -> None: ...
    def partial(self, token: Token, depth: int) -> None: ...
