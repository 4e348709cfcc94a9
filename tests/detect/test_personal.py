"""Personal data in plain strings, with the allowed e-mail domains as a parameter."""

from __future__ import annotations

import pytest

from promptreg.detect.personal import PERSONAL_KINDS, email_domain, find_personal
from tests.detect.samples import PERSONAL


@pytest.mark.parametrize(("kind", "value"), PERSONAL.items(), ids=PERSONAL.keys())
def test_each_kind_is_found_with_its_offsets(kind: str, value: str) -> None:
    text = f"the customer wrote {value} today"
    [found] = find_personal(text)
    assert found.kind == kind
    assert text[found.start : found.end] == value
    assert kind in PERSONAL_KINDS


def test_descriptions() -> None:
    text = " / ".join(PERSONAL.values())
    assert [d.description for d in find_personal(text)] == [
        "e-mail address 'jane…@gmail.com'",
        "IBAN 'GB82…' (valid checksum)",
        "phone number '+44 …'",
        "payment card number '4111…' (passes the Luhn check)",
        "US Social Security number '123-…'",
    ]


def test_allowed_email_domains_are_a_parameter() -> None:
    text = "write to ana@acme.io, ben@eu.acme.io, cy@example.com or dee@gmail.com"
    everyone = [text[d.start : d.end] for d in find_personal(text)]
    assert everyone == ["ana@acme.io", "ben@eu.acme.io", "dee@gmail.com"]
    allowed = [text[d.start : d.end] for d in find_personal(text, ["acme.io"])]
    assert allowed == ["dee@gmail.com"]


def test_an_allowed_address_still_claims_its_text() -> None:
    assert find_personal("4111111111111111@example.com") == []
    assert [d.kind for d in find_personal("4111111111111111@gmail.com")] == ["email"]


def test_email_domain() -> None:
    assert email_domain("Jane.Doe@Mail.ACME.io") == "mail.acme.io"
