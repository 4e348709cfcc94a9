"""The compiled schema check answers exactly as jsonschema does, on valid and broken input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.core.fastschema import Unsupported, compile_schema, schema_problem
from promptreg.core.schema import CONFIG_SCHEMA, PROMPT_SCHEMA, load_schema, validator
from promptreg.core.yamlio import read_document

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [
    read_document(path).value for path in sorted((REPO / "registry").rglob("*.prompt.yaml"))
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "x", "1.0.0", "2026-11-20", "2026-13-01", "a@b", "draft", "Q001"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["type", "name", "x-a", "reason", "1"]), children, max_size=3
        )
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    document = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return document


@pytest.mark.parametrize("name", [PROMPT_SCHEMA, CONFIG_SCHEMA])
def test_packaged_schemas_compile(name: str) -> None:
    compile_schema(load_schema(name))


def test_registry_documents_are_valid_both_ways() -> None:
    check = compile_schema(load_schema(PROMPT_SCHEMA))
    for document in DOCUMENTS:
        assert check(document) is True
        assert validator(PROMPT_SCHEMA).is_valid(document)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_compiled_check_agrees_with_jsonschema(document: Any) -> None:
    check = compile_schema(load_schema(PROMPT_SCHEMA))
    assert check(document) == validator(PROMPT_SCHEMA).is_valid(document)


def test_unknown_keywords_are_not_guessed() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}})


SCHEMA_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.floats(-1, 2, allow_nan=False)
    | st.sampled_from(["string", "object", "text", "a", "^x$"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "properties",
                    "required",
                    "items",
                    "enum",
                    "minLength",
                    "maximum",
                    "anyOf",
                    "additionalProperties",
                    "pattern",
                    "uniqueItems",
                    "multipleOf",
                    "$defs",
                    "not",
                    "x-custom",
                    "prefixItems",
                    "dependentRequired",
                ]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMA_VALUES)
def test_schema_problem_agrees_with_the_meta_schema(schema: Any) -> None:
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        valid = True
    except jsonschema.SchemaError:
        valid = False
    assert (schema_problem(schema) is None) == valid, schema
