"""Cheap proofs that a string holds nothing the secret or personal-data detectors report.

Most values an audit record or an eval result keeps (a channel name, a date, a short
reply) contain no candidate at all, yet running every detector costs some tens of
microseconds even then: each of the twenty secret formats is considered in turn. A
screen is a necessary condition of its detectors reporting anything, so when it fails
the detectors are skipped with the same result. It may pass on text that turns out
clean; it must never fail on text a detector reports (tests/sdk/test_redaction_screen.py
compares the two on generated text).

The secret screen is derived from SECRET_PATTERNS, so a new format is screened as its
own prefilter says: formats whose every match lies inside a run of 20+ token characters
(and the entropy check, which looks only at such runs) need such a run; keyword formats
need one of their names, followed by `:` or `=` where their regex requires it; every
other format needs one of its prefilter substrings.
"""

from __future__ import annotations

import re

from promptreg.detect.secret_formats import SECRET_PATTERNS

_ASSIGNMENT = r"[\"']?[ \t]*[:=]"
"""How the keyword formats' regexes start: a name is a credential's only when this
follows it, so the screen asks for the name and this together."""

_TOKEN_RUN_RE = re.compile(r"[A-Za-z0-9+/_-]{20}")
"""Twenty characters of `entropy.TOKEN_RE`'s class: every run that regex finds holds one."""


def _secret_screen() -> tuple[tuple[str, ...], re.Pattern[str] | None, re.Pattern[str] | None]:
    """(substrings, keyword regex needing `:` or `=`, keyword regex needing nothing more)."""
    literals: list[str] = []
    assigned: list[str] = []
    bare: list[str] = []
    for pattern in SECRET_PATTERNS:
        if pattern.keywords:
            names = assigned if pattern.regex.pattern.startswith(_ASSIGNMENT) else bare
            names.extend(re.escape(keyword) for keyword in pattern.keywords)
        elif not pattern.in_token:
            literals.extend(pattern.prefilter)
    # Case-insensitive in the Unicode sense, which matches every string the detectors'
    # ASCII-only lower-casing does and a few more: a screen may pass on too much.
    assigned_re = re.compile(f"(?i:{'|'.join(assigned)}){_ASSIGNMENT}") if assigned else None
    bare_re = re.compile(f"(?i:{'|'.join(bare)})") if bare else None
    return tuple(dict.fromkeys(literals)), assigned_re, bare_re


_SECRET_LITERALS, _ASSIGNED_RE, _BARE_KEYWORD_RE = _secret_screen()

_IBAN_START_RE = re.compile(r"[A-Z]{2}[0-9]{2}")
"""How every IBAN candidate (`personal._IBAN_RE`) starts."""
_EIGHT_DIGITS_RE = re.compile(r"[0-9](?:[ ().-]*+[0-9]){7}")
"""Eight digits with only number separators between them. Every card (13+ digits), SSN
(9) and phone number (8+, E.164 allows no fewer here) is a run of digits and these
separators, so it holds this. The two sets of characters are disjoint and the
separators are taken possessively, so a near miss fails in linear time."""


def may_hold_secret(text: str) -> bool:
    """False only if `find_secrets(text)` is certainly empty."""
    if _TOKEN_RUN_RE.search(text) is not None:
        return True
    for literal in _SECRET_LITERALS:
        if literal in text:
            return True
    if _BARE_KEYWORD_RE is not None and _BARE_KEYWORD_RE.search(text) is not None:
        return True
    if _ASSIGNED_RE is None or ("=" not in text and ":" not in text):
        return False
    return _ASSIGNED_RE.search(text) is not None


def may_hold_personal(text: str) -> bool:
    """False only if `find_personal(text)` is certainly empty, whatever domains it allows."""
    return (
        "@" in text
        or _EIGHT_DIGITS_RE.search(text) is not None
        or _IBAN_START_RE.search(text) is not None
    )
