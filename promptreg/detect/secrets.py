"""Secrets in plain strings: credentials of a known format (X001), then random-looking
tokens that no known format explains (X002).

Speed: a format's prefix is looked for before its regex runs at all, for token formats
(`AKIA…`, `ghp_…`) only in the few runs of 20+ base64 characters that the entropy check
examines anyway, for the others in the whole text; `password=`-style names are found
with `str.find` in an ASCII-lower-cased copy. Matches of different formats never
overlap: the first format in SECRET_PATTERNS to claim a stretch of text keeps it.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

from promptreg.detect.detection import (
    ALNUM,
    SEPARATOR,
    Detection,
    glued,
    overlaps,
    preview,
    scheme_start,
)
from promptreg.detect.entropy import TOKEN_RE, scan_entropy
from promptreg.detect.secret_formats import SECRET_PATTERNS, SecretPattern

# typing costs ~15 ms to import; only annotations need it here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

HIGH_ENTROPY = "high-entropy"
"""The kind of a random-looking token (X002); every other kind here names a format."""
SECRET_KINDS = frozenset(pattern.kind for pattern in SECRET_PATTERNS)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
"""Lower-cases ASCII only, so offsets in the folded text equal those in the original
(str.lower can change a string's length: 'İ' becomes two characters)."""


def _candidates(pattern: SecretPattern, text: str, folded: str) -> Iterator[re.Match[str]]:
    """The pattern's regex matches: after each keyword, or anywhere in the text."""
    if not pattern.keywords:
        yield from pattern.regex.finditer(text)
        return
    for keyword in pattern.keywords:
        at = folded.find(keyword)
        while at >= 0:
            after = at + len(keyword)
            if not glued(folded, at, ALNUM):
                match = pattern.regex.match(text, after)
                if match is not None:
                    yield match
                    after = match.end()  # a name inside the value is part of the value
            at = folded.find(keyword, after)


def _match_start(pattern: SecretPattern, text: str, match: re.Match[str]) -> int | None:
    """Where the reported text starts: the keyword, the URL scheme, or the match."""
    start = match.start()
    if pattern.keywords:
        folded = text[max(0, start - 32) : start].translate(_ASCII_LOWER)
        return start - max((len(k) for k in pattern.keywords if folded.endswith(k)), default=0)
    if pattern.scheme:
        begin = scheme_start(text, start)
        return begin if begin < start else None
    return start


def scan_secrets(
    text: str, tokens: list[str] | None = None
) -> Iterator[tuple[str, int, int, int, int]]:
    """Secrets of a known format in `text`: (kind, start, end) of the secret itself and
    (start, end) of the whole match, which may include a keyword or URL around it.

    `tokens` are the text's runs of 20+ base64 characters (`TOKEN_RE`), if known.
    """
    runs = SEPARATOR.join(TOKEN_RE.findall(text) if tokens is None else tokens)
    taken: list[tuple[int, int]] = []
    folded = ""
    for pattern in SECRET_PATTERNS:
        if pattern.keywords:
            folded = folded or text.translate(_ASCII_LOWER)
            if not any(keyword in folded for keyword in pattern.keywords):
                continue
        elif pattern.in_token:
            if not any(part in runs for part in pattern.prefilter):
                continue
        elif not any(part in text for part in pattern.prefilter):
            continue
        for match in _candidates(pattern, text, folded):
            start = _match_start(pattern, text, match)
            end = match.end()
            if start is None or overlaps(start, end, taken):
                continue
            if pattern.valid is not None and not pattern.valid(match):
                continue
            taken.append((start, end))
            secret_start, secret_end = match.span(pattern.group)
            if pattern.group == 0:
                secret_start = start
            yield pattern.kind, secret_start, secret_end, start, end


def find_secrets(text: str) -> list[Detection]:
    """Every secret in `text`: known formats, then high-entropy tokens outside them.

    A known format's detection covers the secret itself: for `password = value` the
    value, for a URL with a password the whole URL. Its surroundings (the name, the
    URL) still keep the entropy check away, so one secret is reported once.
    """
    runs = list(TOKEN_RE.finditer(text))
    found: list[Detection] = []
    known: list[tuple[int, int]] = []
    for kind, start, end, whole_start, whole_end in scan_secrets(
        text, [run.group() for run in runs]
    ):
        found.append(Detection(kind, start, end, f"{kind} {preview(text[start:end])!r}"))
        known.append((whole_start, whole_end))
    for start, end in scan_entropy(text, known, runs):
        token = text[start:end]
        description = f"high-entropy string {preview(token)!r} ({len(token)} characters)"
        found.append(Detection(HIGH_ENTROPY, start, end, description))
    return found
