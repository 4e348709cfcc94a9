"""Values typed as text, read as their variables' declared types, and vars files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from promptreg.core.errors import PromptregError, UsageError
from promptreg.core.model import Variable
from promptreg.render.values import (
    ValueFormatError,
    parse_assignment,
    parse_value,
    read_vars_file,
)


def _var(type_: str) -> Variable:
    return Variable(name="x", type=type_, description="a variable")  # type: ignore[arg-type]


READ = [
    pytest.param("string", "42", "42", id="string-stays-text"),
    pytest.param("string", "", "", id="string-empty"),
    pytest.param("string", "true", "true", id="string-looking-like-a-boolean"),
    pytest.param("integer", "42", 42, id="integer"),
    pytest.param("integer", "-7", -7, id="integer-negative"),
    pytest.param("integer", " 8 ", 8, id="integer-with-spaces"),
    pytest.param("number", "2.5", 2.5, id="number"),
    pytest.param("number", "3", 3.0, id="number-from-an-integer"),
    pytest.param("number", "1e3", 1000.0, id="number-exponent"),
    pytest.param("boolean", "true", True, id="boolean-true"),
    pytest.param("boolean", "Yes", True, id="boolean-yes-any-case"),
    pytest.param("boolean", "1", True, id="boolean-one"),
    pytest.param("boolean", "FALSE", False, id="boolean-false-any-case"),
    pytest.param("boolean", "no", False, id="boolean-no"),
    pytest.param("boolean", "0", False, id="boolean-zero"),
    pytest.param("array", '["a", "b"]', ["a", "b"], id="array"),
    pytest.param("array", "[]", [], id="array-empty"),
    pytest.param("object", '{"k": [1, 2]}', {"k": [1, 2]}, id="object"),
]


@pytest.mark.parametrize(("type_", "raw", "expected"), READ)
def test_text_is_read_as_the_declared_type(type_: str, raw: str, expected: Any) -> None:
    value = parse_value(raw, _var(type_), "x")
    assert value == expected
    assert type(value) is type(expected)


def test_a_value_for_an_unknown_variable_stays_text() -> None:
    """The binder reports the unknown name; reading it must not fail first."""
    assert parse_value("[1, 2]", None, "nope") == "[1, 2]"


JSON_HINT = 'arrays and objects are written as JSON, e.g. ["a", "b"]'
OPTION_JSON_HINT = 'arrays and objects are written as JSON, e.g. --var \'tags=["a", "b"]\''

REFUSED = [
    pytest.param("integer", "abc", "x: 'abc' is not an integer", JSON_HINT, id="integer-word"),
    pytest.param("integer", "1.5", "x: '1.5' is not an integer", JSON_HINT, id="integer-fraction"),
    pytest.param("integer", "", "x: '' is not an integer", JSON_HINT, id="integer-empty"),
    pytest.param("number", "1,5", "x: '1,5' is not a number", JSON_HINT, id="number-comma"),
    pytest.param("boolean", "maybe", "x: 'maybe' is not a boolean", "use true or false", id="bool"),
    pytest.param("boolean", "", "x: '' is not a boolean", "use true or false", id="bool-empty"),
    pytest.param("array", "[1,", "x: '[1,' is not an array", JSON_HINT, id="array-unclosed"),
    pytest.param("array", "a, b", "x: 'a, b' is not an array", JSON_HINT, id="array-bare-words"),
    pytest.param("object", "{k: 1}", "x: '{k: 1}' is not an object", JSON_HINT, id="object-yaml"),
]


@pytest.mark.parametrize(("type_", "raw", "message", "hint"), REFUSED)
def test_text_that_is_not_of_the_type_is_refused(
    type_: str, raw: str, message: str, hint: str
) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_value(raw, _var(type_), "x")
    error = info.value
    assert isinstance(error, PromptregError)
    assert (error.message, error.hint) == (message, hint)
    assert (error.name, error.raw, error.expected) == ("x", raw, type_)


@pytest.mark.parametrize(
    ("type_", "raw", "message", "hint"),
    [
        ("integer", "abc", "--var x: 'abc' is not an integer", OPTION_JSON_HINT),
        ("boolean", "maybe", "--var x: 'maybe' is not a boolean", "use true or false"),
        ("object", "[", "--var x: '[' is not an object", OPTION_JSON_HINT),
    ],
)
def test_the_option_a_value_came_from_is_named(
    type_: str, raw: str, message: str, hint: str
) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_value(raw, _var(type_), "x", option="--var")
    assert (info.value.message, info.value.hint) == (message, hint)


# --- NAME=VALUE -------------------------------------------------------------------


VARIABLES = {"count": Variable(name="count", type="integer", description="how many")}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("count=3", ("count", 3)),
        ("note=a=b", ("note", "a=b")),  # only the first '=' splits
        ("note=", ("note", "")),
    ],
)
def test_an_assignment_is_split_at_its_first_equals_sign(
    item: str, expected: tuple[str, Any]
) -> None:
    assert parse_assignment(item, VARIABLES) == expected


@pytest.mark.parametrize("item", ["count", "=3", ""])
def test_an_assignment_without_a_name_and_value_is_refused(item: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_assignment(item, VARIABLES)
    assert info.value.message == f"--var {item!r} is not NAME=VALUE"
    assert info.value.hint == "e.g. --var ticket_text='...'"


def test_an_assignment_reads_its_value_as_the_declared_type() -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_assignment("count=three", VARIABLES)
    assert info.value.message == "--var count: 'three' is not an integer"


# --- vars files ---------------------------------------------------------------------


def test_a_vars_file_is_a_mapping_of_values(tmp_path: Path) -> None:
    path = tmp_path / "vars.yaml"
    path.write_text("ticket_text: |\n  Two\n  lines\ncount: 3\nflags: [a, b]\n", encoding="utf-8")
    assert read_vars_file(path) == {"ticket_text": "Two\nlines\n", "count": 3, "flags": ["a", "b"]}


def test_a_json_vars_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vars.json"
    path.write_text('{"count": 3, "ok": true}', encoding="utf-8")
    assert read_vars_file(path) == {"count": 3, "ok": True}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param("- a\n- b\n", "the vars file must be a mapping", 1, id="a-list"),
        pytest.param("just words\n", "the vars file must be a mapping", 1, id="a-scalar"),
        pytest.param("a: &x 1\nb: *x\n", "anchor", 1, id="an-anchor"),
        pytest.param("a: 1\na: 2\n", "duplicate", 2, id="a-duplicate-key"),
        pytest.param("a: [1,\n", "YAML syntax error", None, id="unclosed"),
    ],
)
def test_a_bad_vars_file_is_refused_at_its_place(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    path = tmp_path / "vars.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        read_vars_file(path)
    error = info.value
    assert message in error.message
    assert error.location is not None
    assert error.location.path == path
    if line is not None:
        assert error.location.span.start.line == line


def test_a_missing_vars_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(UsageError) as info:
        read_vars_file(path)
    assert "cannot read file" in info.value.message
    assert info.value.location is not None
    assert info.value.location.path == path
