"""Random-looking tokens (X002): many credentials have no recognisable prefix.

A token is a run of 20+ base64 or hex characters; it counts when its entropy per
character is high for its length and it is made of short segments (words and camelCase
names have long ones). The thresholds are tuned so that none of the prompts in
`registry/` has a finding; docs/security.md has the measurements.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from promptreg.detect.detection import has_letter_and_digit, overlaps

TOKEN_RE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}")
"""The lookbehind rejects a start inside a word at once; without it, every letter of
the file would start a scan of up to 20 characters."""
_HEX_RE = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")
_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_DIGEST_PREFIX_RE = re.compile(r"(?i)(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?)[:-]$")
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_UPPER_RE = re.compile(r"[A-Z]")

HEX_MIN_ENTROPY = 3.0
"""Bits per character a hex token of 32+ characters needs (random hex: about 3.7)."""
BASE64_MAX_THRESHOLD = 4.5
"""The entropy bar for long base64 tokens, as detect-secrets' default."""
BASE64_LENGTH_FACTOR = 0.85
"""Shorter tokens need 0.85 x log2(length) bits per character: a random token of that
length reaches it about 95 times in 100."""
MAX_MEAN_SEGMENT = 3.0
"""Mean length of a token's segments (a capitalised or lower-case word, an upper-case
run, a number) above which it reads as words: random base62 text averages about 1.9
(3.0 or less 98 times in 100), camelCase names such as getUserAccountV2ById 3.4 or more."""


def shannon_entropy(text: str) -> float:
    n = len(text)
    return -sum((k / n) * math.log2(k / n) for k in (text.count(c) for c in set(text)))


def mean_segment(token: str) -> float:
    segments = _SEGMENT_RE.findall(token)
    return sum(map(len, segments)) / len(segments) if segments else 0.0


def high_entropy(token: str) -> bool:
    """Whether a token looks like random key material rather than words or an id."""
    if _UUID_RE.fullmatch(token):
        return False
    if _HEX_RE.fullmatch(token):
        return has_letter_and_digit(token) and shannon_entropy(token) >= HEX_MIN_ENTROPY
    core = token.rstrip("=")
    if not has_letter_and_digit(core):
        return False
    if _UPPER_RE.search(core) is None and len(core) < 24:
        return False
    threshold = min(BASE64_MAX_THRESHOLD, BASE64_LENGTH_FACTOR * math.log2(len(core)))
    return shannon_entropy(core) >= threshold and mean_segment(core) <= MAX_MEAN_SEGMENT


def scan_entropy(
    text: str, known: list[tuple[int, int]], runs: list[re.Match[str]] | None = None
) -> Iterator[tuple[int, int]]:
    """(start, end) of high-entropy tokens in `text` that no known-format match covers.

    `runs` are the `TOKEN_RE` matches of `text`, if known.
    """
    for match in TOKEN_RE.finditer(text) if runs is None else runs:
        start, end = match.span()
        if overlaps(start, end, known):
            continue
        if _DIGEST_PREFIX_RE.search(text, max(0, start - 8), start):
            continue
        if high_entropy(match.group()):
            yield start, end
