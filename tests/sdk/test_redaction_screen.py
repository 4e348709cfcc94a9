"""The screens that let redaction skip the detectors never let a secret or a personal
datum through: wherever a detector reports something, its screen passes, and redact()
gives what running every detector on every pass gives.

The detectors screen themselves too (each personal-data kind's regex runs only where its
screen finds a start), so "every detector" here is the scan as it was before any screen:
`_unscreened_personal`, written with the regexes the screens replaced."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from promptreg.detect import personal
from promptreg.detect.detection import ALNUM, SEPARATOR, Detection, context_before, glued, overlaps
from promptreg.detect.domains import domain_allowed
from promptreg.detect.personal import find_personal
from promptreg.detect.redact import _replace, redact, redact_secrets
from promptreg.detect.screen import (
    _ASSIGNED_NAMES,
    _ASSIGNMENT,
    _assigned_name,
    may_hold_iban,
    may_hold_more_than_addresses,
    may_hold_number,
    may_hold_personal,
    may_hold_secret,
)
from promptreg.detect.secret_formats import SECRET_PATTERNS
from promptreg.detect.secrets import HIGH_ENTROPY, find_secrets
from tests.detect.samples import ASSIGNED, FILLER, PERSONAL, SECRETS

PROPERTY = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYWORDS = tuple(keyword for pattern in SECRET_PATTERNS for keyword in pattern.keywords)
LITERALS = tuple(literal for pattern in SECRET_PATTERNS for literal in pattern.prefilter)
FRAGMENTS = (
    *SECRETS.values(),
    *ASSIGNED,
    *PERSONAL.values(),
    *FILLER,
    *KEYWORDS,
    *(keyword.upper() for keyword in KEYWORDS),
    *LITERALS,
    *("-----BEGIN ", "-----END ", " PRIVATE KEY-----", "://", "https://", "@", "mailto:"),
    *(" = ", ": ", "='", '": "', "\t:\t", "==", "(0)", "+44 ", "+1 ", "(020) ", "0207 946 "),
    *("DE89", "GB82", "4111", "1111", "123-45-", "555-", "2026-11-02", "v1.2.3"),
    *('{"password": "Winter2026!"}', "API_KEY\t=\t'Winter2026!'", "'passwd':'Winter2026!'"),
    *("aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"[:40],),
    *("\u0130", "\u212a", "\u017f", "é", "\u200b", SEPARATOR, "\n"),  # İ, Kelvin K, long s
    *("\ud800", "\u0663\u0664", "\uff21", "alex@example.com", "a.b@", ".x@acme.io", "%@a.io"),
    *("_ab@gmail.com", "mailto:", "x" * 60, "user:pw@host.io", '"api_key" \t: ', "PWD'="),
)
"""Pieces of what the detectors look for, near misses, and characters that change length
or case oddly; the screens must pass wherever their detectors find a whole."""

tokens = st.text(alphabet="ABCDEFabcdef0123456789+/_-=", min_size=16, max_size=48)
texts = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(FRAGMENTS),
        st.sampled_from(FRAGMENTS),
        tokens,
        st.text(alphabet="0123456789 ().-+", max_size=24),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=10,
).map("".join)


_LOCAL_PART_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\Z")
_TOKEN_RUN_RE = re.compile(r"[A-Za-z0-9+/_-]{20}")
_EIGHT_DIGITS_RE = re.compile(r"[0-9](?:[ ().-]*+[0-9]){7}")
_IBAN_START_RE = re.compile(r"[A-Z]{2}[0-9]{2}")
_ASSIGNED_RE = re.compile(f"(?:{'|'.join(map(re.escape, _ASSIGNED_NAMES))}){_ASSIGNMENT}")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _unscreened_emails(text: str, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """personal._emails as it was: a regex search for the local part."""
    at = text.find("@")
    while at >= 0:
        domain = personal._DOMAIN_RE.match(text, at + 1)
        local = _LOCAL_PART_RE.search(text, max(0, at - 64), at) if domain else None
        if domain is not None and local is not None:
            start = local.start()
            credential = start > 0 and text[start - 1] in ":/"
            if credential and text[max(0, start - 7) : start].lower() == "mailto:":
                credential = False
            if not glued(text, start, personal._LOCAL_CHARS) and not credential:
                taken.append((start, domain.end()))
                yield start, domain.end()
        at = text.find("@", at + 1)


def _unscreened_scan(text: str) -> Iterator[tuple[str, int, int]]:
    taken: list[tuple[int, int]] = []
    for start, end in _unscreened_emails(text, taken):
        yield "email", start, end
    for match in personal._IBAN_RE.finditer(text):
        start, end = match.span()
        if glued(text, start, ALNUM):
            continue
        valid = personal.iban_valid(match.group().replace(" ", ""))
        if valid and not overlaps(start, end, taken):
            taken.append((start, end))
            yield "iban", start, end
    for match in personal._NUMBER_RE.finditer(text):
        start, end = match.span()
        if start and text[start - 1] in "+(":
            start -= 1
        if overlaps(start, end, taken):
            continue
        before = context_before(text, start, 40)
        kind = personal._number_kind(text, start, text[start:end], before)
        if kind is not None:
            taken.append((start, end))
            yield kind, start, end


def _unscreened_personal(text: str, allowed: tuple[str, ...] = ()) -> list[Detection]:
    """find_personal as it was before the screens, without the descriptions' work."""
    return [
        Detection(kind, start, end, "")
        for kind, start, end in _unscreened_scan(text)
        if kind != "email" or not domain_allowed(personal.email_domain(text[start:end]), allowed)
    ]


def _spans(found: list[Detection]) -> list[tuple[str, int, int]]:
    return [(d.kind, d.start, d.end) for d in found]


def _screens_hold(text: str) -> None:
    if not may_hold_secret(text):
        assert find_secrets(text) == [], text
    unscreened = _unscreened_personal(text)
    assert _spans(find_personal(text)) == _spans(unscreened), text
    if not may_hold_personal(text):
        assert unscreened == [], text
    if not may_hold_more_than_addresses(text):
        assert find_secrets(text) == [], text
        assert {d.kind for d in unscreened} <= {"email"}, text
    encoded = text.encode("utf-8", "surrogatepass")
    assert may_hold_iban(encoded) == (_IBAN_START_RE.search(text) is not None), text
    assert may_hold_number(encoded) == (_EIGHT_DIGITS_RE.search(text) is not None), text
    if _TOKEN_RUN_RE.search(text) is not None:
        assert may_hold_secret(text), text
    folded = text.translate(_ASCII_LOWER)
    assert _assigned_name(text) == (_ASSIGNED_RE.search(folded) is not None), text


def _full_redact(text: str, allowed: tuple[str, ...] = ()) -> str:
    """redact() as it was before the screens: every detector on every pass."""
    while True:
        found = [*find_secrets(text), *_unscreened_personal(text, allowed)]
        if not found:
            return text
        text = _replace(text, found)


@PROPERTY
@given(texts)
@example(SECRETS["JSON Web Token"])
@example("PassWord\t:\t'Autumn2026x'")
@example("AccountKey=" + "a" * 86 + "==")
@example("call +44 7911 123456 now")
def test_a_screen_fails_only_where_its_detectors_find_nothing(text: str) -> None:
    _screens_hold(text)


def test_every_fragment_and_every_pair_of_them() -> None:
    """Exhaustively, where generated text only samples: each piece alone, and each two
    glued together or apart (a value's edges decide whether it counts)."""
    for first in FRAGMENTS:
        _screens_hold(first)
        for second in FRAGMENTS:
            _screens_hold(first + second)
            _screens_hold(f"{first} {second}")


@PROPERTY
@given(texts, st.sampled_from(((), ("gmail.com",), ("acme.io", "example.org"))))
def test_redact_gives_what_every_detector_on_every_pass_gives(
    text: str, allowed: tuple[str, ...]
) -> None:
    assert redact(text, allowed_email_domains=allowed) == _full_redact(text, allowed)


@PROPERTY
@given(texts, st.booleans())
def test_redact_secrets_gives_what_the_secret_detector_gives(text: str, tokens: bool) -> None:
    expected = text
    while True:
        found = [d for d in find_secrets(expected) if tokens or d.kind != HIGH_ENTROPY]
        if not found:
            break
        expected = _replace(expected, found)
    assert redact_secrets(text, random_tokens=tokens) == expected


def test_every_sample_passes_its_screen() -> None:
    for value in (*SECRETS.values(), ASSIGNED[0]):
        assert may_hold_secret(f"before {value} after"), value
    for value in PERSONAL.values():
        assert may_hold_personal(f"before {value} after"), value


def test_ordinary_values_are_screened_out() -> None:
    """What makes the screens worth having: most values need no detector at all."""
    for value in ("email", "web-form", "pro", "Where is my parcel?", "Please reset my password"):
        assert not may_hold_secret(value) and not may_hold_personal(value), value
    assert not may_hold_secret("2026-11-02")  # a date: only the number detectors look
