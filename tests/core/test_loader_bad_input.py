"""Hostile and malformed prompt files become located problems, never exceptions or specs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.loader import LoadResult, load_prompt
from promptreg.core.yamlio import parse

ONE_MIB = 1024 * 1024

# A valid tier-2 prompt. The schema rows below change one thing in it; their expected
# line and column numbers refer to this text, so keep it as it is.
BASE = """\
id: demo/echo
version: 1.0.0
title: Echo a word
description: Repeats a word back.
owner: support-platform
tier: 2
status: approved
tags: [demo, echo]
model:
  name: gpt-4o-mini
  temperature: 0.2
variables:
  word:
    type: string
    description: A word.
    max_tokens: 10
messages:
  - role: system
    content: You repeat words.
  - role: user
    content: "Say {{ word }}."
approvals:
  - reviewer: dana@example.com
    group: team-leads
    date: 2026-09-16
    content_hash: sha256:e2da41cc879c2176c93381d0d61038447030ed15406de7a47cedacd9aa210768
changelog:
  - version: 1.0.0
    date: 2026-09-14
    summary: First version.
"""


@dataclass(frozen=True)
class BadInput:
    """One malformed file and where its first problem must point."""

    name: str
    data: bytes
    code: str
    line: int
    column: int
    fragment: str
    """Text the first problem's message must contain."""


def _edit(old: str, new: str) -> bytes:
    """BASE with the one occurrence of `old` replaced by `new`."""
    if BASE.count(old) != 1:
        raise ValueError(f"{old!r} must occur exactly once in BASE")
    return BASE.replace(old, new).encode("utf-8")


def _nested_lists(depth: int) -> bytes:
    """A top-level mapping holding `depth` nested flow lists: depth + 1 levels in all."""
    return b"a: " + b"[" * depth + b"]" * depth + b"\n"


BILLION_LAUGHS = b"""\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]
"""

FILE_CASES = [
    BadInput(
        "unclosed-bracket",
        b"id: demo/x\ntags: [a, b\nowner: me\n",
        "F001",
        3,
        6,
        "YAML syntax error",
    ),
    BadInput(
        "bad-indentation",
        b"id: demo/x\nmodel:\n  name: a\n temperature: 0\n",
        "F001",
        4,
        2,
        "did not find expected key",
    ),
    BadInput(
        "tab-indentation", b"id: demo/x\nmodel:\n\tname: a\n", "F001", 3, 1, "YAML syntax error"
    ),
    BadInput(
        "unclosed-quote", b'id: demo/x\ntitle: "abc\nowner: me\n', "F001", 4, 1, "quoted scalar"
    ),
    BadInput(
        "duplicate-top-level-key",
        b"id: demo/x\ntitle: a\nid: demo/y\n",
        "F002",
        3,
        1,
        "duplicate key 'id' (first defined on line 1)",
    ),
    BadInput(
        "duplicate-nested-key",
        b"id: demo/x\nmodel:\n  name: a\n  name: b\n",
        "F002",
        4,
        3,
        "duplicate key 'name' (first defined on line 3)",
    ),
    BadInput("anchor", b"id: demo/x\nmodel: &m\n  name: a\n", "F003", 2, 8, "anchor '&m'"),
    BadInput("billion-laughs", BILLION_LAUGHS, "F003", 1, 4, "anchor '&a'"),
    BadInput("alias-without-anchor", b"id: demo/x\ntitle: *t\n", "F003", 2, 8, "alias '*t'"),
    BadInput(
        "python-object-tag",
        b"id: !!python/object/apply:os.system ['echo hi']\n",
        "F004",
        1,
        5,
        "'!!python/object/apply:os.system'",
    ),
    BadInput("custom-tag", b"id: demo/x\ntitle: !foo bar\n", "F004", 2, 8, "'!foo'"),
    BadInput("over-one-mib", b"id: demo/x\n" + b"#" * ONE_MIB, "F005", 1, 1, "1 MiB"),
    BadInput(
        "invalid-utf8-mid-line-3",
        b"id: demo/x\ntitle: a\ndescription: h\xc3\xa9llo \xff tail\n",
        "F006",
        3,
        20,
        "byte 0xff",
    ),
    BadInput("utf8-bom", b"\xef\xbb\xbfid: demo/x\n", "F007", 1, 1, "UTF-8 byte-order mark"),
    BadInput(
        "utf16-le-bom",
        b"\xff\xfe" + "id: demo/x\n".encode("utf-16-le"),
        "F007",
        1,
        1,
        "UTF-16 byte-order mark",
    ),
    BadInput(
        "utf16-be-bom",
        b"\xfe\xff" + "id: demo/x\n".encode("utf-16-be"),
        "F007",
        1,
        1,
        "UTF-16 byte-order mark",
    ),
    BadInput("nesting-40-deep", _nested_lists(40), "F008", 1, 35, "deeper than 32 levels"),
    BadInput("top-level-list", b"- id: demo/x\n- title: a\n", "F009", 1, 1, "a list"),
    BadInput("top-level-scalar", b"hello\n", "F009", 1, 1, "a str"),
    BadInput("empty-file", b"", "F009", 1, 1, "empty"),
    BadInput("only-a-comment", b"# nothing here\n", "F009", 1, 1, "empty"),
    BadInput(
        "two-documents",
        b"id: demo/x\n---\nid: demo/y\n",
        "F010",
        2,
        1,
        "more than one YAML document",
    ),
    BadInput("nul-character", b"id: demo/x\ntitle: a\x00b\n", "F001", 2, 9, "U+0000"),
    BadInput("bell-character", b"id: demo/x\ntitle: a\x07b\n", "F001", 2, 9, "U+0007"),
    BadInput(
        "bell-character-after-non-ascii",
        "id: demo/x\ntitle: déjà\x07vu\n".encode(),
        "F001",
        2,
        12,
        "U+0007",
    ),
    BadInput(
        "complex-key", b"id: demo/x\n? [a, b]\n: c\n", "F011", 2, 3, "keys must be plain strings"
    ),
]

SCHEMA_CASES = [
    BadInput(
        "missing-owner",
        _edit("owner: support-platform\n", ""),
        "S001",
        1,
        1,
        "missing required key 'owner'",
    ),
    BadInput(
        "title-misspelt",
        _edit("title: Echo", "titel: Echo"),
        "S001",
        1,
        1,
        "missing required key 'title'",
    ),
    BadInput(
        "model-key-misspelt",
        _edit("  temperature: 0.2", "  temprature: 0.2"),
        "S001",
        11,
        3,
        "did you mean 'temperature'?",
    ),
    BadInput("tier-4", _edit("tier: 2", "tier: 4"), "S001", 6, 7, "is not one of 1, 2, 3"),
    BadInput(
        "tier-as-string",
        _edit("tier: 2", "tier: '2'"),
        "S001",
        6,
        7,
        "must be an integer, not a string",
    ),
    BadInput(
        "status-misspelt",
        _edit("status: approved", "status: approvd"),
        "S001",
        7,
        9,
        "did you mean 'approved'",
    ),
    BadInput(
        "messages-empty",
        _edit(
            "  - role: system\n    content: You repeat words.\n  - role: user\n"
            '    content: "Say {{ word }}."\n',
            "",
        ).replace(b"messages:\n", b"messages: []\n"),
        "S001",
        17,
        11,
        "should be non-empty",
    ),
    BadInput(
        "role-misspelt",
        _edit("role: system", "role: sytem"),
        "S001",
        18,
        11,
        "did you mean 'system'",
    ),
    BadInput(
        "message-without-content",
        _edit('  - role: user\n    content: "Say {{ word }}."\n', "  - role: user\n"),
        "S001",
        20,
        5,
        "missing required key 'content' in messages[1]",
    ),
    BadInput(
        "variable-type-str",
        _edit("type: string", "type: str"),
        "S001",
        14,
        11,
        "did you mean 'string'",
    ),
    BadInput(
        "variable-name-uppercase",
        _edit("  word:\n", "  Word:\n"),
        "S001",
        13,
        3,
        "'Word' has the wrong form",
    ),
    BadInput(
        "content-hash-upper-case",
        _edit("content_hash: sha256:e2da", "content_hash: sha256:E2DA"),
        "S001",
        26,
        19,
        "approvals[0].content_hash",
    ),
    BadInput(
        "content-hash-without-prefix",
        _edit("content_hash: sha256:e2da", "content_hash: e2da"),
        "S001",
        26,
        19,
        "'e2da41cc879c",
    ),
    BadInput(
        "reviewer-not-an-email",
        _edit("dana@example.com", "dana"),
        "S001",
        23,
        15,
        "approvals[0].reviewer",
    ),
    BadInput(
        "changelog-date-2026-13-45",
        _edit("date: 2026-09-14", "date: 2026-13-45"),
        "S001",
        29,
        11,
        "'2026-13-45' is not a 'date'",
    ),
    BadInput(
        "changelog-version-v1",
        _edit("  - version: 1.0.0", "  - version: v1"),
        "S003",
        28,
        14,
        "changelog[0].version",
    ),
    BadInput(
        "id-uppercase",
        _edit("id: demo/echo", "id: Demo/Echo"),
        "S001",
        1,
        5,
        "'Demo/Echo' has the wrong form",
    ),
    BadInput(
        "version-quoted-1.2",
        _edit("version: 1.0.0\ntitle", "version: '1.2'\ntitle"),
        "S003",
        2,
        10,
        "'1.2'",
    ),
    BadInput(
        "version-1.2", _edit("version: 1.0.0\ntitle", "version: 1.2\ntitle"), "S003", 2, 10, "1.2"
    ),
    BadInput(
        "version-integer", _edit("version: 1.0.0\ntitle", "version: 2\ntitle"), "S003", 2, 10, "2"
    ),
    BadInput(
        "temperature-3",
        _edit("temperature: 0.2", "temperature: 3"),
        "S001",
        11,
        16,
        "greater than the maximum of 2",
    ),
    BadInput(
        "temperature-nan",
        _edit("temperature: 0.2", "temperature: .nan"),
        "S001",
        11,
        16,
        "temperature",
    ),
    BadInput(
        "temperature-overflowing-float",
        _edit("temperature: 0.2", "temperature: 1e999"),
        "S001",
        11,
        16,
        "temperature",
    ),
    BadInput(
        "temperature-a-word",
        _edit("temperature: 0.2", "temperature: high"),
        "S001",
        11,
        16,
        "must be a number, not a string",
    ),
    BadInput(
        "tags-not-a-list",
        _edit("tags: [demo, echo]", "tags: demo"),
        "S001",
        8,
        7,
        "tags must be an array, not a string",
    ),
]

ALL_CASES = FILE_CASES + SCHEMA_CASES


def _params(cases: list[BadInput]) -> list[Any]:
    return [pytest.param(case, id=case.name) for case in cases]


@pytest.fixture
def prompt_path(tmp_path: Path) -> Path:
    return tmp_path / "registry" / "demo" / "echo.prompt.yaml"


def _assert_first_problem(result: LoadResult, case: BadInput) -> None:
    assert result.spec is None
    assert result.problems, "a malformed file must produce at least one problem"
    first = result.problems[0]
    assert first.location.span is not None
    assert (first.code, first.location.span.line, first.location.span.column) == (
        case.code,
        case.line,
        case.column,
    ), [str(p) for p in result.problems]
    assert case.fragment in first.message
    for problem in result.problems:
        assert "Traceback" not in str(problem)


def test_base_prompt_is_valid(prompt_path: Path) -> None:
    result = load_prompt(prompt_path, data=BASE.encode("utf-8"))
    assert result.problems == ()
    assert result.spec is not None
    assert result.spec.id == "demo/echo"


@pytest.mark.parametrize("case", _params(FILE_CASES))
def test_file_level_problem(prompt_path: Path, case: BadInput) -> None:
    _assert_first_problem(load_prompt(prompt_path, data=case.data), case)


@pytest.mark.parametrize("case", _params(SCHEMA_CASES))
def test_schema_problem(prompt_path: Path, case: BadInput) -> None:
    _assert_first_problem(load_prompt(prompt_path, data=case.data), case)


def test_misspelt_key_is_reported_at_the_key(prompt_path: Path) -> None:
    result = load_prompt(prompt_path, data=_edit("title: Echo", "titel: Echo"))
    located = {
        (p.location.span.line, p.location.span.column): p.message
        for p in result.problems
        if p.location.span is not None
    }
    assert "did you mean 'title'?" in located[(3, 1)]
    assert "unknown key 'titel'" in located[(3, 1)]


def test_real_file_is_read_from_disk(prompt_path: Path) -> None:
    prompt_path.parent.mkdir(parents=True)
    prompt_path.write_bytes(_edit("tier: 2", "tier: 4"))
    result = load_prompt(prompt_path)
    assert result.spec is None
    first = result.problems[0]
    assert first.location.path == prompt_path
    assert first.location.span is not None
    assert (first.code, first.location.span.line, first.location.span.column) == ("S001", 6, 7)

    prompt_path.write_text(BASE, encoding="utf-8")
    good = load_prompt(prompt_path)
    assert good.problems == ()
    assert good.spec is not None
    assert good.spec.version == "1.0.0"


def test_missing_file_is_a_problem_not_an_exception(prompt_path: Path) -> None:
    result = load_prompt(prompt_path)
    assert result.spec is None
    assert [p.code for p in result.problems] == ["F012"]
    assert "cannot read file" in result.problems[0].message


def test_file_of_exactly_one_mib_is_not_too_large(prompt_path: Path) -> None:
    result = load_prompt(prompt_path, data=b"#" * ONE_MIB)
    assert [p.code for p in result.problems] == ["F009"]


@pytest.mark.parametrize(
    ("depth", "refused"),
    [pytest.param(31, False, id="32-levels"), pytest.param(32, True, id="33-levels")],
)
def test_nesting_limit_is_32_levels(prompt_path: Path, depth: int, refused: bool) -> None:
    codes = [p.code for p in load_prompt(prompt_path, data=_nested_lists(depth)).problems]
    assert ("F008" in codes) is refused


def test_billion_laughs_refuses_every_anchor_and_alias(prompt_path: Path) -> None:
    result = load_prompt(prompt_path, data=BILLION_LAUGHS)
    assert {p.code for p in result.problems} == {"F003"}
    assert sum(p.message.startswith("YAML anchor") for p in result.problems) == 5
    assert sum(p.message.startswith("YAML alias") for p in result.problems) == 45
    assert result.document.value is None or len(str(result.document.value)) < 10_000


HUGE_INTEGERS = [
    pytest.param("9" * 5000, id="decimal"),
    pytest.param("0x" + "f" * 5000, id="hex"),
    pytest.param("0o" + "7" * 6000, id="octal"),
    pytest.param("9223372036854775808", id="just-over-64-bit"),
]


@pytest.mark.parametrize("literal", HUGE_INTEGERS)
def test_huge_integer_tier_is_a_problem(prompt_path: Path, literal: str) -> None:
    result = load_prompt(prompt_path, data=_edit("tier: 2", f"tier: {literal}"))
    assert result.spec is None
    first = result.problems[0]
    assert first.location.span is not None
    assert (first.code, first.location.span.line, first.location.span.column) == ("S001", 6, 7)


@pytest.mark.parametrize("literal", HUGE_INTEGERS)
def test_huge_integer_seed_does_not_raise(prompt_path: Path, literal: str) -> None:
    result = load_prompt(prompt_path, data=_edit("temperature: 0.2", f"seed: {literal}"))
    if result.spec is None:
        assert result.problems
        assert all("Traceback" not in str(p) for p in result.problems)
    else:
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", result.spec.content_hash)


@pytest.mark.parametrize("case", _params(ALL_CASES))
def test_every_problem_has_a_message_and_a_one_based_place(
    prompt_path: Path, case: BadInput
) -> None:
    result = load_prompt(prompt_path, data=case.data)
    assert result.problems
    last_line = case.data.count(b"\n") + 1
    for problem in result.problems:
        assert problem.message.strip()
        assert problem.code[0] in "FS"
        assert problem.location.path == prompt_path
        span = problem.location.span
        assert span is not None
        assert span.line >= 1
        assert span.column >= 1
        assert span.end >= span.start
        assert span.line <= last_line


# --- promptreg.core.yamlio.parse ---------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        pytest.param("yes", "yes", id="yes"),
        pytest.param("no", "no", id="no"),
        pytest.param("on", "on", id="on"),
        pytest.param("off", "off", id="off"),
        pytest.param("2026-11-20", "2026-11-20", id="date"),
        pytest.param("0o17", 15, id="octal"),
        pytest.param("0x1F", 31, id="hex"),
        pytest.param("017", 17, id="leading-zero-is-decimal"),
        pytest.param("1e3", 1000.0, id="exponent-float"),
        pytest.param("0.2", 0.2, id="float"),
        pytest.param("400", 400, id="int"),
        pytest.param("~", None, id="tilde"),
        pytest.param("null", None, id="null"),
        pytest.param("True", True, id="True"),
        pytest.param("false", False, id="false"),
        pytest.param("'0x1F'", "0x1F", id="quoted-stays-string"),
        pytest.param(".inf", ".inf", id="inf-stays-string"),
        pytest.param("-.inf", "-.inf", id="minus-inf-stays-string"),
        pytest.param(".nan", ".nan", id="nan-stays-string"),
        pytest.param("9" * 5000, "9" * 5000, id="integer-too-long-stays-string"),
    ],
)
def test_parse_resolves_scalars_by_yaml_1_2_core_schema(scalar: str, expected: object) -> None:
    document = parse(f"value: {scalar}\n", Path("x.yaml"))
    assert document.problems == ()
    value = document.value["value"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("scalar", ["1e999", "-1e999"])
def test_parse_never_makes_an_infinite_number(scalar: str) -> None:
    value = parse(f"value: {scalar}\n", Path("x.yaml")).value["value"]
    assert not (isinstance(value, float) and math.isinf(value))


def test_parse_makes_keys_strings_as_spelled() -> None:
    document = parse("1: a\n2.5: b\n0x1F: c\n1e3: d\n~: e\ntrue: f\n", Path("x.yaml"))
    assert document.value == {"1": "a", "2.5": "b", "0x1F": "c", "1e3": "d", "~": "e", "true": "f"}
    assert all(type(key) is str for key in document.value)


POSITIONED = """\
outer:
  inner: value
  text: |
    line one
    line two
after: "q"
"""


def test_parse_records_key_and_value_spans() -> None:
    document = parse(POSITIONED, Path("x.yaml"))
    inner = document.positions[("outer", "inner")]
    assert inner.key is not None
    assert (inner.key.start.line, inner.key.start.column) == (2, 3)
    assert (inner.key.end.line, inner.key.end.column) == (2, 8)
    assert (inner.value.start.line, inner.value.start.column) == (2, 10)
    assert (inner.value.end.line, inner.value.end.column) == (2, 15)
    assert inner.style == ""

    quoted = document.positions[("after",)]
    assert quoted.style == '"'
    assert (quoted.value.start.line, quoted.value.start.column) == (6, 8)


def test_parse_records_block_scalar_span_and_content_lines() -> None:
    document = parse(POSITIONED, Path("x.yaml"))
    assert document.value["outer"]["text"] == "line one\nline two\n"
    text = document.positions[("outer", "text")]
    assert text.style == "|"
    assert text.key is not None
    assert (text.key.start.line, text.key.start.column) == (3, 3)
    assert (text.value.start.line, text.value.start.column) == (3, 9)
    assert (text.value.end.line, text.value.end.column) == (6, 1)
    # The text starts on the line after the `|` indicator.
    assert document.text_line(("outer", "text"), 1) == 4
    assert document.text_line(("outer", "text"), 2) == 5
    # A flow scalar's text starts on its own line.
    assert document.text_line(("outer", "inner"), 1) == 2


def test_text_line_follows_folded_and_quoted_scalars() -> None:
    source = (
        "a: >\n"
        "  You repeat words\n"
        "  politely.\n"
        "\n"
        "  Then {{ word ) }}\n"
        'b: "first line\n'
        "\n"
        '  second {{ x }}"\n'
    )
    document = parse(source, Path("x.yaml"))
    assert document.value["a"].split("\n")[1] == "Then {{ word ) }}"
    assert document.text_line(("a",), 2) == 5
    assert document.value["b"].split("\n")[1] == "second {{ x }}"
    assert document.text_line(("b",), 2) == 8
