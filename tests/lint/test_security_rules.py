"""Detectors of the X (security) rules, one format at a time.

The fixtures under tests/fixtures/rules/X*/ show each rule end to end; these tests pin
the detectors' edges: what counts, what does not, and where a finding points.
"""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.core.loader import load_prompt
from promptreg.core.yamlio import parse
from promptreg.detect.detection import SEPARATOR, Detection
from promptreg.detect.domains import domain_allowed
from promptreg.detect.entropy import high_entropy, scan_entropy
from promptreg.detect.links import scan_links, url_host
from promptreg.detect.personal import card_number, iban_valid, luhn_valid, scan_personal, ssn_valid
from promptreg.detect.secrets import scan_secrets
from promptreg.lint.catalogue import RULES
from promptreg.lint.context import FileContext
from promptreg.lint.rules import content_policy, hidden, personal_data, security
from promptreg.lint.rules.content_policy import phrase_regex
from promptreg.lint.rules.strings import Corpus, shared
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rules"


def _corpus(*texts: str) -> Corpus:
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    return Corpus(SEPARATOR.join(texts), starts, [((i,), t) for i, t in enumerate(texts)])


def _secrets(text: str) -> list[tuple[str, str]]:
    return [(kind, text[start:end]) for kind, start, end, _, _ in scan_secrets(text)]


def _personal(*texts: str) -> list[tuple[str, str]]:
    text = _corpus(*texts).text
    return [(kind, text[start:end]) for kind, start, end in scan_personal(text)]


# --- X001 -------------------------------------------------------------------------------
# Token-like values are written as concatenations, so that no complete look-alike of a
# provider's token appears in the source for a repository secret scanner to flag.


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("id AKIAIOSFODNN7EXAMPLE", "AWS access key ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS secret access key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        (
            "key=AIzaSyEXAMPLEexampleEXAMPLEexample01234",
            "Google API key",
            "AIzaSyEXAMPLEexampleEXAMPLEexample01234",
        ),
        ("k sk-proj-" + "a1B2c3D4e5" * 5, "OpenAI API key", "sk-proj-" + "a1B2c3D4e5" * 5),
        (
            "sk-" + "a" * 20 + "T3BlbkFJ" + "b" * 20,
            "OpenAI API key",
            "sk-" + "a" * 20 + "T3BlbkFJ" + "b" * 20,
        ),
        ("sk-" + "a1B2" * 10, "API secret key", "sk-" + "a1B2" * 10),
        ("sk_" + "test_" + "EXAMPLE0example0EXAMPLE0", "Stripe secret key", None),
        ("ghp_" + "a1" * 18, "GitHub token", "ghp_" + "a1" * 18),
        ("glpat-" + "x1y2" * 5, "GitLab token", None),
        ("xox" + "b-000000000000-0000000000000-EXAMPLEexample", "Slack token", None),
        ("npm_" + "a1" * 18, "npm token", None),
        ("SG." + "a" * 22 + "." + "b" * 43, "SendGrid API key", None),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----",
            "private key",
            None,
        ),
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key", None),
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
            "JSON Web Token",
            None,
        ),
        (
            "postgres://app:s3cretPass@db.example.com:5432/app",
            "connection string with a password",
            "postgres://app:s3cretPass@db.example.com:5432",
        ),
        ("redis://:hunter2hunter2@cache:6379", "connection string with a password", None),
        ("password = 'Winter2026!'", "password or API key value", "Winter2026!"),
        ('"api-key": "a1b2c3d4e5f6"', "password or API key value", "a1b2c3d4e5f6"),
    ],
)
def test_known_secret_formats(text: str, kind: str, secret: str | None) -> None:
    found = _secrets(text)
    assert [k for k, _ in found] == [kind]
    if secret is not None:
        assert found[0][1] == secret


@pytest.mark.parametrize(
    "text",
    [
        "postgres://user:password@localhost/db",
        "postgres://user:${PGPASSWORD}@localhost/db",
        "https://user:<password>@example.com",
        "https://{{ user }}:{{ password }}@example.com",
        "password: must have 12 characters",
        "api_key: {{ key_from_vault }}",
        "The password: ******** is hidden",
        "sk-learn and task-2026-11-02 and ASIA-Pacific",
        "eyJ is how base64 JSON starts; eyJhbGciOi.eyJzdWIi.x is too short",
        "max_tokens: 3000, token_budget=4000",
        "AKIAIOSFODNN7EXAMPLEX is one character too long",
        "notAKIAIOSFODNN7EXAMPLE is glued to a word",
    ],
)
def test_placeholders_and_look_alikes_are_not_secrets(text: str) -> None:
    assert _secrets(text) == []


def test_a_jwt_needs_a_json_header() -> None:
    assert _secrets("eyJub3RqdXN0.eyJzdWIiOiIxMjM0.c2ln") == []  # '{"notjust' has no alg


# --- X002 -------------------------------------------------------------------------------


def test_random_tokens_are_high_entropy() -> None:
    rng = random.Random(7)  # noqa: S311 (reproducible test data, not a key)
    alphabet = string.ascii_letters + string.digits
    tokens = ["".join(rng.choice(alphabet) for _ in range(32)) for _ in range(200)]
    assert sum(map(high_entropy, tokens)) >= 190
    hexes = ["".join(rng.choice("0123456789abcdef") for _ in range(40)) for _ in range(200)]
    assert sum(map(high_entropy, hexes)) >= 195


@pytest.mark.parametrize(
    "token",
    [
        "getUserAccountDetailsV2ById",
        "ProjectFalcon2026Roadmap",
        "SKU-2024-ABCD-1234-EFGH",
        "acting_for_someone_else",
        "123e4567-e89b-12d3-a456-426614174000",
        "api/v2/customers/12345/orders",
        "ThisIsMyVeryLongPassword2024",
        "abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_names_ids_and_words_are_not_high_entropy(token: str) -> None:
    assert not high_entropy(token)


def test_digests_and_known_secrets_are_not_reported_as_entropy() -> None:
    digest = "sha256:c7749cf09f3baf057bee4cd7b67b151dc0471536aff8992dc8efb071a39a5f98"
    assert list(scan_entropy(digest, [])) == []
    text = "key AKIAIOSFODNN7EXAMPLE and Zq8xT1vR4mN7pK2wY9bC5dF3"
    known = [(whole_start, whole_end) for *_, whole_start, whole_end in scan_secrets(text)]
    assert [text[s:e] for s, e in scan_entropy(text, known)] == ["Zq8xT1vR4mN7pK2wY9bC5dF3"]


# --- X1 ---------------------------------------------------------------------------------


def test_email_addresses() -> None:
    found = _personal(
        "Write to jane.doe@gmail.com, mailto:info@acme.co.uk or alex@example.com.",
        "postgres://u:pw@db.acme.io/x https://bob@status.acme.io lodash@4.17.21 @types/node",
    )
    assert found == [
        ("email", "jane.doe@gmail.com"),
        ("email", "info@acme.co.uk"),
        ("email", "alex@example.com"),
    ]


@pytest.mark.parametrize(
    ("domain", "allowed", "expected"),
    [
        ("example.com", (), True),
        ("mail.example.org", (), True),
        ("shop.test", (), True),
        ("corp.example", (), True),
        ("gmail.com", (), False),
        ("acme.com", ("acme.com",), True),
        ("eu.support.acme.com", ("acme.com",), True),
        ("notacme.com", ("acme.com",), False),
        ("ACME.COM.", ("*.acme.com",), True),
    ],
)
def test_domain_allowed(domain: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert domain_allowed(domain, allowed) is expected


@pytest.mark.parametrize(
    "text",
    [
        "+44 7911 123456",
        "+1 (415) 867-5309",
        "+14158675309",
        "+49 30 23456789",
        "+44 (0)20 3318 4455",
        "(415) 867-5309",
        "415-867-5309",
        "415.867.5309",
        "1-800-867-5309",
        "020 3318 4455",
        "07911 123456",
        "(020) 3318 4455",
        "01 23 45 67 89",
        "01.23.45.67.89",
        "phone: 4158675309",
        "phone number: 020 3318 4455",
    ],
)
def test_phone_numbers(text: str) -> None:
    assert [kind for kind, _ in _personal(text)] == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "+44 20 7946 0958",  # Ofcom drama range
        "07700 900123",
        "(212) 555-0123",  # NANP fiction range 555-0100..0199
        "+1 202-555-0143",
        "2026-11-02 10:30",
        "02.11.2026",
        "version 10.0.19041.1234",
        "1.2.3",
        "Order 0123 456 7890",
        "invoice 415-867-5309",
        "ticket #0207 946 1234",
        "ref 4158675309",
        "4158675309",
        "PLAT-1234567890",
        "12 345 678 units",
        "415-867.5309",  # mixed separators
        "00 44 20 3318 4455",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert _personal(text) == []


def test_cards_ssns_and_ibans() -> None:
    found = _personal(
        "4111 1111 1111 1111 / 5555-5555-5555-4444 / 378282246310005",
        "SSN 123-45-6789, 219 45 6789",
        "GB82 WEST 1234 5698 7654 32 and DE89370400440532013000.",
    )
    assert found == [
        ("iban", "GB82 WEST 1234 5698 7654 32"),
        ("iban", "DE89370400440532013000"),
        ("card", "4111 1111 1111 1111"),
        ("card", "5555-5555-5555-4444"),
        ("card", "378282246310005"),
        ("ssn", "123-45-6789"),
        ("ssn", "219 45 6789"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "0000 0000 0000 0000",  # passes Luhn, no issuer starts with 0
        "4111 1111-1111 1111",  # mixed separators
        "98765432109876543210",
        "000-12-3456",
        "666-12-3456",
        "912-34-5678",
        "123-00-4567",
        "123-45-0000",
        "078-05-1120",
        "123-45-67890",
        "GB82 WEST 1234 5698 7654 33",  # wrong check digits
        "GB82 WEST 1234 5698 7654 32X",  # glued to a word
        "AB12 CDEF 3456 GHIJ",  # no such country
    ],
)
def test_not_cards_ssns_or_ibans(text: str) -> None:
    assert _personal(text) == []


def test_checksums() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert card_number("4111-1111-1111-1111") == "4111111111111111"
    assert card_number("1234 5678 9012 3452") is None  # Luhn-valid, but no issuer
    assert iban_valid("GB82WEST12345698765432")
    assert iban_valid("NO9386011117947")
    assert not iban_valid("GB82WEST1234569876543")  # one character short
    assert ssn_valid("123", "45", "6789")
    assert not ssn_valid("900", "45", "6789")


def _context(source: str) -> FileContext:
    """A FileContext for a prompt file written in the test, linted with the fixtures'
    settings."""
    path = Path("x.prompt.yaml")
    result = load_prompt(path, source.encode())
    assert result.spec is not None, result.problems
    settings = load_config(FIXTURES / "promptreg.yaml")
    return FileContext(path, result.document, result.spec, settings, expected_id=None)


PROMPT = (FIXTURES / "X101" / "good.prompt.yaml").read_text(encoding="utf-8")


def test_approvals_are_not_personal_data() -> None:
    ctx = _context(
        PROMPT.replace("description: >-\n", "description: >-\n  Ask dana@acme-legal.co.uk.\n")
    )
    assert ctx.document.value["approvals"][0]["reviewer"] == "dana@acme-legal.co.uk"
    matches = shared(ctx, personal_data._scan_personal)
    assert [(m.path, m.text) for m in matches] == [(("description",), "dana@acme-legal.co.uk")]


def test_matches_never_cross_from_one_string_into_the_next() -> None:
    found = _personal("call 020 3318", "4455 now", "4111 1111", "1111 1111")
    assert found == []
    corpus = _corpus("first", "id AKIAIOSFODNN7EXAMPLE")
    kinds = [
        (corpus.place(Detection(k, s, e, k)).path, k) for k, s, e, _, _ in scan_secrets(corpus.text)
    ]
    assert kinds == [((1,), "AWS access key ID")]


# --- X2 ---------------------------------------------------------------------------------


def test_banned_phrases_match_whole_phrases_across_white_space() -> None:
    regex = phrase_regex(("as an AI language model", "ai", "c++"))
    assert regex is not None
    text = "As an AI\n  language model, I said: AI. Use C++ here."
    found = [(m.lastgroup, m.group()) for m in regex.finditer(text)]
    assert found == [("p0", "As an AI\n  language model"), ("p1", "AI"), ("p2", "C++")]
    assert phrase_regex(()) is None


def test_links() -> None:
    corpus = _corpus(
        "See https://help.acme.io/refunds), http://203.0.113.7/faq and www.Acme-Shop.com.",
        "mailto:a@acme.io ftp://files.acme.io/x https://{{ region }}.example.com/ file:///etc",
    )
    assert [host for *_, host in scan_links(corpus.text)] == [
        "help.acme.io",
        "203.0.113.7",
        "files.acme.io",
        "www.acme-shop.com",
    ]
    assert url_host("https://user:pw@Docs.Acme.io:8443/x") == "docs.acme.io"
    assert url_host("http://[::1") is None


# --- locating a match in the file -------------------------------------------------------

SOURCE = """\
plain: id AKIAIOSFODNN7EXAMPLE here
quoted: "line one\\nkey AKIAIOSFODNN7EXAMPLE"
literal: |
  first line
    indented AKIAIOSFODNN7EXAMPLE
folded: >-
  a folded paragraph that wraps
  onto AKIAIOSFODNN7EXAMPLE the next line
flow: {text: "x AKIAIOSFODNN7EXAMPLE"}
"""


@pytest.mark.parametrize(
    ("key", "line", "column"),
    [("plain", 1, 11), ("quoted", 2, 24), ("literal", 5, 14), ("folded", 8, 8)],
)
def test_locate_points_at_the_match(key: str, line: int, column: int) -> None:
    document = parse(SOURCE, Path("x.yaml"))
    value = document.value[key]
    start = value.index("AKIA")
    span = document.locate((key,), start, start + 20)
    assert (span.line, span.column) == (line, column)
    assert span.end.column == column + 20


def test_locate_in_a_flow_mapping() -> None:
    document = parse(SOURCE, Path("x.yaml"))
    span = document.locate(("flow", "text"), 2, 22)
    assert (span.line, span.column) == (9, 17)


# --- the rules together -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("X*/bad*.prompt.yaml")), ids=lambda p: p.parent.name + p.name
)
def test_messages_never_show_more_than_four_characters(path: Path) -> None:
    settings = load_config(FIXTURES / "promptreg.yaml")
    lines = path.read_text(encoding="utf-8").split("\n")
    for finding in Linter(settings, Selection.build(["X0", "X1"])).lint_file(path):
        span = finding.span
        shown = lines[span.line - 1][span.column - 1 : span.end.column - 1]
        assert len(shown) > 5
        assert shown[:5] not in finding.message, finding.message


def test_every_x_rule_is_in_the_catalogue_with_its_options() -> None:
    x_rules = (*security.RULES, *personal_data.RULES, *content_policy.RULES, *hidden.RULES)
    codes = sorted(code for code in RULES if code.startswith("X"))
    assert codes == [rule.code for rule in x_rules]
    for rule in x_rules:
        for option in rule.options:
            assert f"lint.{option}" in rule.doc.options


def test_the_embedded_registry_has_no_security_findings() -> None:
    settings = load_config(REPO / "promptreg.yaml")
    result = Linter(settings, Selection.build(["X"])).lint_paths([settings.registry_dir])
    assert result.files_checked >= 19
    assert [f"{f.path.name}:{f.span.line} {f.code}" for f in result.findings] == []


def test_one_scan_per_file_and_group() -> None:
    first = _context(PROMPT.replace("alex@example.com", "jane@acme.io"))
    second = _context(PROMPT.replace("alex@example.com", "joe@acme.io"))
    personal = shared(first, personal_data._scan_personal)
    assert [m.text for m in personal] == ["jane@acme.io"]
    assert shared(first, personal_data._scan_personal) is personal
    again = shared(second, personal_data._scan_personal)
    assert [m.text for m in again] == ["joe@acme.io"]
    assert shared(first, personal_data._scan_personal) is personal


# --- crafted input ----------------------------------------------------------------------

N = 200_000
CRAFTED = {
    "sk- repeated": "sk-" * (N // 3),
    "eyJ repeated": "eyJ" * (N // 3),
    "password= repeated": "password=" * (N // 9),
    "BEGIN without END": "-----BEGIN RSA PRIVATE KEY-----\n" * (N // 32),
    "dotted digits": "1." * (N // 2) + "a",
    "spaced digits": "1 " * (N // 2),
    "IBAN-like runs": ("GB82" + "A" * 36 + "a ") * (N // 42),
    "at signs": ("a@" + "b." * 50 + "1 ") * (N // 104),
    "schemes": "://a:" * (N // 5),
    "www": "www.a" * (N // 5),
}


@pytest.mark.parametrize("text", CRAFTED.values(), ids=CRAFTED.keys())
def test_crafted_input_is_scanned_in_linear_time(text: str) -> None:
    """Prompt files come from pull requests. Each of these took 15 to 100 seconds while a
    pattern could backtrack or rescan a run; linear scans take well under a second."""
    start = time.perf_counter()
    list(scan_secrets(text))
    list(scan_entropy(text, []))
    list(scan_personal(text))
    list(scan_links(text))
    assert time.perf_counter() - start < 5
