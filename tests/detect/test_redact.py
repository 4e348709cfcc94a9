"""redact() keeps text worth recording without the secrets and personal data in it, and
no Detection's description gives a value away."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.detect.detection import SEPARATOR, Detection
from promptreg.detect.links import find_links
from promptreg.detect.personal import find_personal
from promptreg.detect.redact import marker, redact
from promptreg.detect.secrets import find_secrets
from tests.detect.samples import ASSIGNED, FILLER, PERSONAL, SECRETS

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALUES = (*SECRETS.values(), ASSIGNED[0], *PERSONAL.values())

# Text made of detectable values and harmless words, and text of any characters drawn
# mostly from those that detectors care about (digits, separators, token characters).
composed = st.lists(
    st.one_of(st.sampled_from(VALUES), st.sampled_from(FILLER)), min_size=1, max_size=12
).flatmap(
    lambda parts: st.lists(
        st.sampled_from((" ", "\n", ", ", "; ", SEPARATOR)),
        min_size=len(parts),
        max_size=len(parts),
    ).map(lambda seps: "".join(part + sep for part, sep in zip(parts, seps, strict=True)))
)
anything = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789 -+().@:/=_'\"\nAKIAsk-ghpxoGBWEST"), st.characters()
    ),
    max_size=200,
)
texts = st.one_of(composed, anything)


def _sensitive(text: str) -> list[Detection]:
    return [*find_secrets(text), *find_personal(text)]


def test_redact_replaces_every_secret_and_personal_value() -> None:
    secret = SECRETS["AWS access key ID"]
    text = f"key {secret}, mail jane.doe@gmail.com or alex@example.com; {ASSIGNED[0]}"
    assert redact(text) == (
        "key [redacted secret], mail [redacted email] or alex@example.com; "
        "password = '[redacted secret]'"
    )
    assert redact("mail ana@acme.io", allowed_email_domains=["acme.io"]) == "mail ana@acme.io"


def test_overlapping_detections_are_one_marker() -> None:
    iban = "DE89370400440532013000"  # also a run of 20+ token characters
    assert redact(f"pay {iban} now") == "pay [redacted iban] now"


def test_links_are_kept() -> None:
    text = "see https://help.acme.io/x"
    assert find_links(text) and redact(text) == text


MARKERS = tuple(
    marker(Detection(kind, 0, 1, kind)) for kind in ("email", "phone", "card", "ssn", "iban", "x")
)


@PROPERTY
@given(
    st.lists(
        st.one_of(st.sampled_from(MARKERS), st.sampled_from(("", " ", "password=", "@", ":"))),
        max_size=10,
    )
)
def test_markers_hold_nothing_a_detector_reports(parts: list[str]) -> None:
    """What redact's passes rely on to end."""
    assert _sensitive("".join(parts)) == []


@PROPERTY
@given(composed)
def test_no_detected_value_survives_redaction(text: str) -> None:
    redacted = redact(text)
    for detection in _sensitive(text):
        assert text[detection.start : detection.end] not in redacted


@PROPERTY
@given(texts)
def test_redacted_text_scans_clean(text: str) -> None:
    redacted = redact(text)
    assert _sensitive(redacted) == []
    if not _sensitive(text):
        assert redacted == text


@PROPERTY
@given(texts)
def test_descriptions_never_contain_the_value(text: str) -> None:
    for detection in _sensitive(text):
        assert 0 <= detection.start < detection.end <= len(text)
        assert text[detection.start : detection.end] not in detection.description


@PROPERTY
@given(st.lists(texts, max_size=4))
def test_no_detection_spans_two_joined_strings(strings: list[str]) -> None:
    text = SEPARATOR.join(strings)
    for detection in (*_sensitive(text), *find_links(text)):
        assert SEPARATOR not in text[detection.start : detection.end]
