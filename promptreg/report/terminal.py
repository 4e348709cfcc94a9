"""Text from the registry, made safe to print on a terminal.

Titles, descriptions, messages, author names and source lines come from pull requests
and commits. A YAML double-quoted string can hold any control character as an escape
(`"\\e[2J"` clears the screen, `"\\e]52;c;...\\a"` writes the clipboard), and the
bidirectional controls reorder what a terminal draws (tag and zero-width characters,
drawn as nothing, hide text). Whatever promptreg prints for
people goes through `printable`, which writes such characters as escapes, the way a
finding's message quotes a value with `repr`.

Machine formats are read on terminals too (`lint --format json | less -R`, a CI log
that renders ANSI colours): `json_text` writes the same characters as JSON escapes, so
the data is unchanged for a parser and no raw control character reaches a screen.
"""

from __future__ import annotations

import json
import re

_UNSAFE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2069\ufeff\U000e0000-\U000e007f"
)
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_OR_BREAK_RE = re.compile(f"[{_UNSAFE}\t\n]")


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with control characters (and bidirectional controls) as escapes; line
    breaks and tabs are kept when `lines` (a message body), escaped otherwise (a cell)."""
    if text.isascii() and text.isprintable():  # space to tilde: nothing to escape
        return text
    return (_UNSAFE_RE if lines else _UNSAFE_OR_BREAK_RE).sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000  # outside the BMP: JSON writes a UTF-16 surrogate pair
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def json_text(value: object, *, indent: int | None = 2) -> str:
    """`value` as JSON with every character `printable` escapes written as a `\\uXXXX`
    escape: C0 and C1 controls, DEL, bidirectional controls, line and paragraph
    separators, tag and zero-width characters. Other text stays readable (not ASCII-only).

    The substitution is safe on the encoded text: JSON's own syntax is ASCII, so these
    characters can only stand inside strings, where an escape means the same.
    """
    return _UNSAFE_RE.sub(_json_escape, json.dumps(value, indent=indent, ensure_ascii=False))
