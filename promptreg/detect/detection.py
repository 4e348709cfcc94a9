"""What every detector returns, and the small checks the detectors share.

Detectors work on plain strings so that the linter, the eval runner (redacting recorded
outputs), the bundle builder (refusing secrets) and the importers find the same things.
A caller with many strings may join them with SEPARATOR and scan once: no detector
matches a NUL or looks past one for context, so no detection spans two strings.
"""

from __future__ import annotations

import re

from promptreg.core.records import Record

SEPARATOR = "\x00"
"""Joins independent strings for one scan. A YAML file cannot hold the character
literally; the escape `\\0` in a double-quoted string can, and then it only ends a match
early."""

PREVIEW_CHARS = 4
"""How much of a detected value a description may show: enough to find it again in a
file, too little to use it."""


class Detection(Record):
    """One thing found in a string: `text[start:end]` is the value itself. (A named
    tuple: a lint run defines it at start-up, where a dataclass costs ten times as much.)"""

    kind: str
    """A secret format's name ("AWS access key ID"), "high-entropy", "email", "phone",
    "card", "ssn", "iban" or "link"."""
    start: int
    end: int
    description: str
    """Safe to show and log: the kind and at most PREVIEW_CHARS characters of the value
    (a link's host), never the secret or the personal value itself."""


def preview(value: str) -> str:
    """What a message may show of a secret or personal value: its first characters."""
    return value[:PREVIEW_CHARS] + "…"


def overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in taken)


def glued(text: str, start: int, chars: frozenset[str]) -> bool:
    """Whether the character before `start` is one of `chars` (the match is mid-word)."""
    return start > 0 and text[start - 1] in chars


def context_before(text: str, offset: int, length: int) -> str:
    """Up to `length` characters before `offset`, within the same joined string."""
    return text[max(0, offset - length) : offset].rpartition(SEPARATOR)[2]


ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_DIGIT_RE = re.compile(r"[0-9]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def has_letter_and_digit(text: str) -> bool:
    return _DIGIT_RE.search(text) is not None and _LETTER_RE.search(text) is not None


_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")


def scheme_start(text: str, start: int) -> int:
    """Where the URL scheme ending at `start` (the "://") begins.

    URL regexes start at "://", a literal `re` can skip ahead to; the scheme is found
    backwards afterwards.
    """
    begin = start
    while begin > 0 and start - begin < 32 and text[begin - 1] in _SCHEME_CHARS:
        begin -= 1
    return begin
