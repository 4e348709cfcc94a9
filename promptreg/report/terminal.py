"""Text from the registry, made safe to print on a terminal.

Titles, descriptions, messages, author names and source lines come from pull requests
and commits. A YAML double-quoted string can hold any control character as an escape
(`"\\e[2J"` clears the screen, `"\\e]52;c;...\\a"` writes the clipboard), and the
bidirectional controls reorder what a terminal draws (tag and zero-width characters,
drawn as nothing, hide text). Whatever promptreg prints for
people goes through `printable`, which writes such characters as escapes, the way a
finding's message quotes a value with `repr`.
"""

from __future__ import annotations

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
    return (_UNSAFE_RE if lines else _UNSAFE_OR_BREAK_RE).sub(_escape, text)
