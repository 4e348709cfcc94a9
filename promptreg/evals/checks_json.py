"""Assertions on the answer as JSON: it parses, it holds JSON, it matches a schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from promptreg.core.model import PromptSpec
from promptreg.evals.assertion import (
    MAX_GRADED_CHARS,
    Answer,
    AssertionDoc,
    AssertionType,
    GradeContext,
    Verdict,
    needs_nothing,
    quote,
)

_CANDIDATES = 50
"""contains-json tries to decode at this many `{` or `[` positions at most."""


def _parse(text: str) -> tuple[Any, str | None]:
    try:
        return json.loads(text[:MAX_GRADED_CHARS]), None
    except (ValueError, RecursionError) as exc:
        return None, str(exc)[:100]


def _embedded(text: str) -> tuple[Any, bool]:
    decoder = json.JSONDecoder()
    text = text[:MAX_GRADED_CHARS]
    tried = 0
    for position, char in enumerate(text):
        if char not in "{[":
            continue
        tried += 1
        if tried > _CANDIDATES:
            break
        try:
            return decoder.raw_decode(text, position)[0], True
        except (ValueError, RecursionError):
            continue
    return None, False


def _schema_problem(schema: Any) -> str | None:
    import jsonschema  # only for prompts whose cases check a schema

    if not isinstance(schema, Mapping):
        return "needs a JSON Schema object as value"
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return f"has an invalid JSON Schema: {exc.message}"
    return None


def _validate(instance: Any, schema: Mapping[str, Any]) -> Verdict:
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(instance)
    )
    if error is None:
        return Verdict(True, "the answer matches the schema")
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    return Verdict(False, f"at {where}: {error.message[:200]}")


def _is_json(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    _, problem = _parse(answer.text)
    if problem is None:
        return Verdict(True, "the answer is JSON")
    return Verdict(False, f"the answer is not JSON ({problem}): {quote(answer.text)}")


def _contains_json(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    found, ok = _embedded(answer.text)
    if not ok:
        return Verdict(False, f"no JSON object or array in the answer: {quote(answer.text)}")
    if value is None:
        return Verdict(True, "the answer contains JSON")
    return _validate(found, value)


def _json_schema(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    instance, problem = _parse(answer.text)
    if problem is not None:
        return Verdict(False, f"the answer is not JSON ({problem}): {quote(answer.text)}")
    output = ctx.spec.output
    schema = value if value is not None else (output.schema if output else None)
    assert schema is not None  # validated before the run
    return _validate(instance, schema)


def check_optional_schema(value: Any, spec: PromptSpec) -> str | None:
    return None if value is None else _schema_problem(value)


def check_schema_or_output(value: Any, spec: PromptSpec) -> str | None:
    if value is None:
        if spec.output is None or not spec.output.schema:
            return "has no value and the prompt has no output.schema to check against"
        return None
    return _schema_problem(value)


TYPES: tuple[AssertionType, ...] = (
    AssertionType(
        "is-json",
        "json",
        "The answer is valid JSON.",
        AssertionDoc(
            "the whole answer (white space around it allowed) parses as JSON",
            "none",
            "{type: is-json}",
        ),
        needs_nothing,
        _is_json,
    ),
    AssertionType(
        "contains-json",
        "json",
        "The answer contains a JSON object or array (matching a schema, if given).",
        AssertionDoc(
            "a JSON object or array can be read somewhere in the answer, for example in "
            "a code fence; with a value, the first one found must match it",
            "optional: a JSON Schema",
            "{type: contains-json, value: {type: object, required: [summary]}}",
        ),
        check_optional_schema,
        _contains_json,
    ),
    AssertionType(
        "json-schema",
        "json",
        "The answer is JSON matching a schema (default: the prompt's output.schema).",
        AssertionDoc(
            "the answer parses as JSON and validates against the value, or against the "
            "prompt's `output.schema` when the value is left out (JSON Schema 2020-12)",
            "optional: a JSON Schema",
            "{type: json-schema}",
        ),
        check_schema_or_output,
        _json_schema,
    ),
)
