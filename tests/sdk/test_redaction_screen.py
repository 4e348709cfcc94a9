"""The screens that let redaction skip the detectors never let a secret or a personal
datum through: wherever a detector reports something, its screen passes, and redact()
gives what running every detector on every pass gives."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from promptreg.detect.detection import SEPARATOR
from promptreg.detect.personal import find_personal
from promptreg.detect.redact import _replace, redact, redact_secrets
from promptreg.detect.screen import may_hold_personal, may_hold_secret
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


def _screens_hold(text: str) -> None:
    if not may_hold_secret(text):
        assert find_secrets(text) == [], text
    if not may_hold_personal(text):
        assert find_personal(text) == [], text


def _full_redact(text: str, allowed: tuple[str, ...] = ()) -> str:
    """redact() as it was before the screens: every detector on every pass."""
    while True:
        found = [*find_secrets(text), *find_personal(text, allowed)]
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
