"""Characters a reviewer cannot see but a model reads (X301).

A diff shows text as a terminal or a browser draws it. Some characters are drawn as
nothing at all, or reorder what is drawn around them, while a model receives every one:

- Unicode tag characters (U+E0000-U+E007F) mirror ASCII one for one, so a run of them
  carries a whole hidden sentence ("ignore the instructions above") that models read;
- bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) make
  the text shown differ from the text stored (the "Trojan Source" attack);
- zero-width and other invisible format characters (U+200B-U+200D, U+2060-U+2064,
  U+FEFF, U+180E, U+00AD, Hangul fillers) and variation selectors beyond the emoji
  ones split words that a reviewer, or a banned-phrase rule, reads as whole, and can
  encode data bit by bit.

Legitimate uses are left alone: a zero-width joiner or variation selector inside an
emoji sequence, a zero-width non-joiner between letters of a script that needs it
(Persian, the Indic scripts), one variation selector after a character, and the tag
sequence of a subdivision flag (the flag of England). A run of neighbouring characters
is one detection, and its description names the code points escaped (`U+202E`), never
the characters themselves, with the ASCII that tag characters spell.
"""

from __future__ import annotations

import re
import unicodedata

from promptreg.detect.detection import Detection

TAG = "tag characters"
BIDI = "bidirectional controls"
INVISIBLE = "invisible characters"

_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_ZERO_WIDTH = "\u200b-\u200d\u2060-\u2064\ufeff\u180e\u00ad\u115f\u1160\u3164\uffa0\u034f"
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_TAGS = "\U000e0000-\U000e007f"
_BIDI_SET = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
_RUN_RE = re.compile(f"[{_BIDI}{_ZERO_WIDTH}{_SELECTORS}{_TAGS}]+")

_FLAG = "\U0001f3f4"
_FLAG_TAGS_RE = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,6}\U000e007f")
_EMOJI_GLUE = frozenset("\u200d\ufe0f\ufe0e")
_SHOWN = 8
"""Code points a description lists; longer runs say how many there are."""
_SPELLED = 60
"""Characters of hidden ASCII (from tag characters) a description quotes."""


def find_invisible(text: str) -> list[Detection]:
    """Every run of invisible or bidirectional control characters in `text` that is not
    part of a legitimate sequence, in order."""
    found = []
    for match in _RUN_RE.finditer(text):
        start, end = match.span()
        if not _benign(text, start, end):
            found.append(Detection(_kind(match.group()), start, end, describe(match.group())))
    return found


def _benign(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before == _FLAG and _FLAG_TAGS_RE.fullmatch(run):
        return True
    if len(run) <= 3 and set(run) <= _EMOJI_GLUE and _pictographic(before):
        return "\u200d" not in run or _pictographic(after)
    if run == "\u200c":
        return _script_letter(before) and _script_letter(after)
    return len(run) == 1 and "\ufe00" <= run <= "\ufe0f" and before not in ("", "\x00")


def _pictographic(char: str) -> bool:
    """Near enough to Unicode's Extended_Pictographic for the characters emoji
    sequences join (the standard library has no such property)."""
    if not char:
        return False
    point = ord(char)
    return (
        0x1F000 <= point <= 0x1FAFF
        or 0x2190 <= point <= 0x2BFF
        or point in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _script_letter(char: str) -> bool:
    """A letter or mark of a script past Latin, Greek and Cyrillic, where a zero-width
    non-joiner is spelling, not a trick."""
    return bool(char) and ord(char) >= 0x0590 and unicodedata.category(char)[0] in "LM"


def _kind(run: str) -> str:
    if any("\U000e0000" <= char <= "\U000e007f" for char in run):
        return TAG
    if any(char in _BIDI_SET for char in run):
        return BIDI
    return INVISIBLE


def escape(run: str) -> str:
    """The code points of `run` as `U+XXXX`, the first few of a long run."""
    shown = " ".join(f"U+{ord(char):04X}" for char in run[:_SHOWN])
    return shown if len(run) <= _SHOWN else f"{shown} … ({len(run)} in all)"


def spelled(run: str) -> str:
    """The printable ASCII that the tag characters of `run` mirror (others dropped)."""
    letters = (chr(ord(char) - 0xE0000) for char in run if "\U000e0020" <= char <= "\U000e007e")
    text = "".join(letters)
    return text if len(text) <= _SPELLED else text[:_SPELLED] + "…"


def describe(run: str) -> str:
    """What a finding says of a run: its kind and escaped code points, and the hidden
    text that tag characters spell. Safe to print: never a raw invisible character."""
    kind = _kind(run)
    text = f"{kind} {escape(run)}"
    hidden = spelled(run) if kind == TAG else ""
    return f"{text} spelling {hidden!r}" if hidden else text
