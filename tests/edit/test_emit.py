"""emit_prompt: data in, a canonical prompt file out that loads back as exactly that data.

Random valid prompts (hypothesis) check the promise on data nobody wrote by hand; the
golden examples pin the layout a person reads; the refusals check that data which
cannot be carried is an error naming where, never a file that says something else.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.cli.main import main
from promptreg.core.loader import load_prompt
from promptreg.core.yamlio import parse
from promptreg.edit import comments
from promptreg.edit.emit import EmitError, emit_prompt
from promptreg.edit.fmt import FormatError, format_file, format_text
from tests.gitrepo import REPO

MODELINE = "# yaml-language-server: $schema=../../schemas/prompt.schema.json"


def loaded(text: str) -> str:
    document = parse(text, Path("x.prompt.yaml"))
    assert document.problems == ()
    return json.dumps(document.value, sort_keys=True)


def same(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)


# --- random valid prompts ------------------------------------------------------------------

# Any text a person or an importer could hand over, control characters and all, but no
# lone surrogates (they are not text; see test_refusals).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.text(
    st.sampled_from(list(" \t\n\r#:-?'\"|>{}[],&*!%@`\\\x00\x85\u2028\ufeffa1é")), max_size=12
)
"""Any text, and text made of what YAML treats specially, which random text rarely is."""
LINES = st.lists(TEXT, min_size=1, max_size=4).map("\n".join) | TEXT
NON_EMPTY = LINES.filter(lambda s: s != "")
WORD = st.from_regex(r"[a-z0-9]+(?:-[a-z0-9]+)*", fullmatch=True)
NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
KEY = st.one_of(
    NAME,
    st.sampled_from(["null", "true", "1", "1.5", "", "- a", "#x", "a: b", "yes", "~", "é"]),
    st.text(string.ascii_letters + string.digits + " -_.:#", max_size=12),
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    LINES,
    st.sampled_from(["1.0", "true", "null", "0o17", "0x1F", "1e3", "2026-11-20", "yes", ""]),
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEY, inner, max_size=3),
    max_leaves=8,
)
SEMVER = st.builds(
    "{}.{}.{}{}".format,
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from(["", "-rc.1", "-alpha", "+build.5"]),
)
DATE = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping holding any subset of `fields`."""
    return st.fixed_dictionaries({}, optional=fields)


VARIABLE = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["string", "integer", "number", "boolean", "array", "object"]),
        "description": NON_EMPTY,
    },
    optional={
        "required": st.booleans(),
        "default": JSON,
        "enum": st.lists(JSON, min_size=1, max_size=4),
        "trusted": st.booleans(),
        "max_tokens": st.integers(1, 10_000),
    },
)
ASSERTION = st.fixed_dictionaries(
    {"type": st.sampled_from(["contains", "regex", "is-json", "max-length", "equals"])},
    optional={"value": JSON},
)
PROMPT = st.fixed_dictionaries(
    {
        "id": st.builds("{}/{}".format, WORD, WORD),
        "version": SEMVER,
        "title": NON_EMPTY.filter(lambda s: len(s) <= 120),
        "description": NON_EMPTY,
        "owner": NON_EMPTY,
        "tier": st.sampled_from([1, 2, 3]),
        "status": st.sampled_from(["draft", "review", "approved", "deprecated"]),
        "model": st.fixed_dictionaries(
            {"name": NON_EMPTY},
            optional={
                "temperature": st.floats(0, 2),
                "top_p": st.floats(0, 1),
                "max_output_tokens": st.integers(1, 100_000),
                "seed": st.integers(-(2**63), 2**63 - 1),
            },
        ),
        "messages": st.lists(
            st.fixed_dictionaries(
                {
                    "role": st.sampled_from(["system", "developer", "user", "assistant"]),
                    "content": LINES,
                }
            ),
            min_size=1,
            max_size=3,
        ),
    },
    optional={
        "tags": st.lists(WORD, unique=True, max_size=4),
        "variables": st.dictionaries(NAME, VARIABLE, max_size=3),
        "output": st.fixed_dictionaries(
            {"format": st.sampled_from(["text", "json"])},
            optional={"schema": st.dictionaries(KEY, JSON, max_size=3)},
        ),
        "handoff": st.fixed_dictionaries(
            {
                "ai": LINES,
                "human": LINES,
                "checkpoint": st.sampled_from(["before-use", "before-send", "none"]),
            }
        ),
        "limitations": NON_EMPTY,
        "logging": st.sampled_from(["none", "metadata", "full"]),
        "evals": st.lists(
            st.fixed_dictionaries(
                {"name": LINES, "assert": st.lists(ASSERTION, max_size=3)},
                optional={"vars": st.dictionaries(NAME, JSON, max_size=3)},
            ),
            max_size=3,
        ),
        "approvals": st.lists(
            st.fixed_dictionaries(
                {
                    "reviewer": st.builds("{}@example.com".format, WORD),
                    "group": TEXT,
                    "date": DATE,
                    "content_hash": st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True),
                }
            ),
            max_size=2,
        ),
        "changelog": st.lists(
            st.fixed_dictionaries({"version": SEMVER, "date": DATE, "summary": NON_EMPTY}),
            max_size=3,
        ),
        "lint": optional(
            ignore=st.lists(
                st.fixed_dictionaries(
                    {"rule": st.from_regex(r"[A-Z][0-9]{3}", fullmatch=True)},
                    optional={"reason": LINES},
                ),
                max_size=2,
            )
        ),
        "x-origin": JSON,
    },
)
NOTES = st.lists(LINES, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=PROMPT, notes=NOTES, modeline=st.booleans())
def test_emitted_prompts_load_back_as_the_data_and_are_canonical(
    data: dict[str, Any], notes: list[str], modeline: bool
) -> None:
    text = emit_prompt(data, modeline=MODELINE if modeline else None, notes=notes)

    result = load_prompt(Path("x.prompt.yaml"), text.encode("utf-8"))
    assert result.problems == ()  # a valid prompt comes out valid
    assert loaded(text) == same(data)
    assert format_text(text) == text  # fmt --check has nothing to do
    header = [c.text for c in comments.inventory(text, error=FormatError)]
    expected = ([MODELINE] if modeline else []) + [
        line for note in notes for line in note.splitlines() or [""]
    ]
    assert len(header) == len(expected)
    for found, line in zip(header, expected, strict=True):
        assert found.startswith("#")
        if line.isprintable():
            assert found in {line, f"# {line}".rstrip()}
    assert text.startswith("".join(f"{line}\n" for line in header))


@settings(max_examples=60, deadline=None)
@given(value=JSON)
def test_any_json_value_round_trips_under_an_extension_key(value: Any) -> None:
    data = {"id": "a/b", "x-value": value}
    assert loaded(emit_prompt(data, modeline=None)) == same(data)


# --- golden examples -----------------------------------------------------------------------


def test_a_prompt_from_an_importer() -> None:
    data = {
        "messages": [
            {"content": "You answer questions about {{ product }}.\nBe brief.\n", "role": "system"},
            {"role": "user", "content": "{{ question }}"},
        ],
        "variables": {
            "question": {"description": "What the user asked.", "type": "string"},
            "product": {
                "type": "string",
                "description": "Product name.",
                "enum": ["alpha", "beta"],
                "trusted": True,
            },
        },
        "model": {"temperature": 0.2, "name": "gpt-4o-mini"},
        "status": "draft",
        "tier": 1,
        "owner": "support-platform",
        "description": "Answers product questions.",
        "title": "Product questions",
        "version": "0.1.0",
        "id": "support/product-questions",
        "evals": [
            {
                "name": "mentions the product",
                "vars": {"product": "alpha", "question": "What is it?"},
                "assert": [
                    {"type": "icontains", "value": "alpha"},
                    {"type": "max-length", "value": 400},
                ],
            }
        ],
        "changelog": [{"version": "0.1.0", "date": "2026-11-20", "summary": "Imported."}],
    }
    text = emit_prompt(
        data,
        modeline=MODELINE,
        notes=[
            "Imported from support/faq.prompty.",
            "Not carried over: the {{#each}} helper, line 4.",
        ],
    )
    assert text == (
        f"{MODELINE}\n"
        "# Imported from support/faq.prompty.\n"
        "# Not carried over: the {{#each}} helper, line 4.\n"
        "id: support/product-questions\n"
        "version: 0.1.0\n"
        "title: Product questions\n"
        "description: Answers product questions.\n"
        "owner: support-platform\n"
        "tier: 1\n"
        "status: draft\n"
        "model:\n"
        "  name: gpt-4o-mini\n"
        "  temperature: 0.2\n"
        "variables:\n"
        "  question:\n"
        "    type: string\n"
        "    description: What the user asked.\n"
        "  product:\n"
        "    type: string\n"
        "    description: Product name.\n"
        "    enum: [alpha, beta]\n"
        "    trusted: true\n"
        "messages:\n"
        "  - role: system\n"
        "    content: |\n"
        "      You answer questions about {{ product }}.\n"
        "      Be brief.\n"
        "  - role: user\n"
        "    content: '{{ question }}'\n"
        "evals:\n"
        "  - name: mentions the product\n"
        "    vars: {product: alpha, question: What is it?}\n"
        "    assert:\n"
        "      - {type: icontains, value: alpha}\n"
        "      - {type: max-length, value: 400}\n"
        "changelog:\n"
        "  - version: 0.1.0\n"
        "    date: 2026-11-20\n"
        "    summary: Imported.\n"
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        pytest.param(
            "line one\nline two", "x-v: |-\n  line one\n  line two\n", id="no final newline"
        ),
        pytest.param("  indented\nnext\n", "x-v: |2\n    indented\n  next\n", id="leading spaces"),
        pytest.param("ends in blank lines\n\n", 'x-v: "ends in blank lines\\n\\n"\n', id="quoted"),
        pytest.param("1.0", "x-v: '1.0'\n", id="a number as text"),
        pytest.param("", "x-v: ''\n", id="empty"),
        pytest.param(None, "x-v:\n", id="null"),
        pytest.param(["a", "b: c", 1], "x-v: [a, 'b: c', 1]\n", id="flow list"),
        pytest.param(
            ["x" * 50, "y" * 50], f"x-v:\n  - {'x' * 50}\n  - {'y' * 50}\n", id="too wide"
        ),
    ],
)
def test_how_values_are_written(value: Any, written: str) -> None:
    text = emit_prompt({"id": "a/b", "x-v": value}, modeline=None)
    assert text == "id: a/b\n" + written
    assert loaded(text) == same({"id": "a/b", "x-v": value})


def test_an_emitted_file_is_already_formatted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (REPO / "registry/support/summarize-ticket.prompt.yaml").read_text("utf-8")
    data = parse(source, Path("x.prompt.yaml")).value
    (tmp_path / "registry" / "support").mkdir(parents=True)
    (tmp_path / "promptreg.yaml").write_text((REPO / "promptreg.yaml").read_text("utf-8"))
    path = tmp_path / "registry/support/summarize-ticket.prompt.yaml"
    path.write_text(emit_prompt(data, modeline=MODELINE, notes=["made from data"]), "utf-8")
    assert format_file(path, check=True, diff=False).changed is False
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "--check"]) == 0
    assert "1 file already formatted" in capsys.readouterr().err


# --- refusals ------------------------------------------------------------------------------


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"id": "a/b", "x": {1: "a"}}, "x.1: keys must be strings", id="int key"),
        pytest.param({"id": "a/b", "x": [dt.date(2026, 1, 1)]}, "x[0]: a date is not", id="date"),
        pytest.param({"id": "a/b", "x": 2**63}, "x: 9223372036854775808 does not fit", id="big"),
        pytest.param({"id": "a/b", "x": float("nan")}, "x: nan is not a number", id="nan"),
        pytest.param(
            {"id": "a/b", "x": "\ud800"}, "x: a string holds a lone surrogate", id="surrogate"
        ),
        pytest.param({"id": "a/b", "x": deep(40)}, "nested deeper than 32 levels", id="deep"),
    ],
)
def test_data_that_cannot_be_carried_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(EmitError, match=message.replace("[", r"\[").replace(".", r"\.")):
        emit_prompt(data, modeline=None)


def test_a_prompt_over_the_size_limit_is_refused() -> None:
    data = {"id": "a/b", "x-big": ["x" * 1000] * 1100}
    with pytest.raises(EmitError, match=r"would be 1,1\d\d,\d\d\d bytes, over the limit"):
        emit_prompt(data, modeline=None)


def test_a_prompt_is_a_mapping() -> None:
    with pytest.raises(EmitError, match="a prompt is a mapping of keys to values"):
        emit_prompt(["id", "a/b"], modeline=None)  # type: ignore[arg-type]


def test_a_cyclic_structure_is_refused_not_recursed_forever() -> None:
    data: dict[str, Any] = {"id": "a/b"}
    data["x-self"] = data
    with pytest.raises(EmitError, match="nested deeper than"):
        emit_prompt(data, modeline=None)


@pytest.mark.parametrize("modeline", ["yaml-language-server: x", "# one\n# two"])
def test_a_modeline_must_be_one_comment_line(modeline: str) -> None:
    with pytest.raises(EmitError, match="the modeline must be one comment line"):
        emit_prompt({"id": "a/b"}, modeline=modeline)


def test_notes_cannot_break_out_of_their_comment() -> None:
    notes = ["first\nid: evil/override", "bell\x07 nel\x85next bom\ufeff", "trailing   "]
    text = emit_prompt({"id": "a/b"}, modeline=None, notes=notes)
    assert text == (
        "# first\n# id: evil/override\n# bell\\x07 nel\n# next bom\\ufeff\n# trailing\nid: a/b\n"
    )
    assert loaded(text) == same({"id": "a/b"})
