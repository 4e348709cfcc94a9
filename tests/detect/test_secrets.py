"""Secrets in plain strings: the record each detection is, and where it points."""

from __future__ import annotations

import pytest

from promptreg.detect.detection import PREVIEW_CHARS, preview
from promptreg.detect.secrets import HIGH_ENTROPY, SECRET_KINDS, find_secrets
from tests.detect.samples import ASSIGNED, SECRETS


@pytest.mark.parametrize(("kind", "secret"), SECRETS.items(), ids=SECRETS.keys())
def test_each_secret_is_found_with_its_offsets(kind: str, secret: str) -> None:
    text = f"before {secret} after"
    [found] = find_secrets(text)
    assert found.kind == kind
    assert text[found.start : found.end] == secret


def test_a_known_format_is_not_reported_again_as_high_entropy() -> None:
    text = f"{SECRETS['OpenAI API key']} {SECRETS['high-entropy']}"
    assert [d.kind for d in find_secrets(text)] == ["OpenAI API key", HIGH_ENTROPY]


def test_an_assignment_detects_the_value_not_the_name() -> None:
    text, secret = ASSIGNED
    [found] = find_secrets(text)
    assert text[found.start : found.end] == secret
    assert found.description == f"password or API key value {secret[:4] + '…'!r}"


def test_descriptions_name_the_kind_and_show_four_characters() -> None:
    secret = SECRETS["AWS access key ID"]
    [found] = find_secrets(f"key {secret}")
    assert found.description == "AWS access key ID 'AKIA…'"
    entropy = SECRETS["high-entropy"]
    [token] = find_secrets(entropy)
    assert token.description == f"high-entropy string 'Zq8x…' ({len(entropy)} characters)"
    assert preview(secret) == secret[:PREVIEW_CHARS] + "…"


def test_every_known_format_is_a_secret_kind() -> None:
    assert {kind for kind in SECRETS if kind != HIGH_ENTROPY} <= SECRET_KINDS
    assert HIGH_ENTROPY not in SECRET_KINDS


@pytest.mark.parametrize(
    "text",
    ["", "no secrets here", "password: ${DB_PASSWORD}", "api_key: {{ key }}", "sk-learn"],
)
def test_text_without_secrets(text: str) -> None:
    assert find_secrets(text) == []
