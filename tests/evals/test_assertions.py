"""Every assertion type, passing and failing; values checked before a run; the catalogue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.loader import load_prompt
from promptreg.core.model import Assertion, EvalCase, PromptSpec
from promptreg.evals.assertion import Answer
from promptreg.evals.catalogue import ASSERTIONS, all_names, list_text, render_markdown, resolve
from promptreg.evals.grading import CaseError, grade, grade_context, plan_assertions
from promptreg.evals.judge import verdict
from promptreg.render.tokens import count_tokens

REPO = Path(__file__).resolve().parents[2]

SPEC_TEXT = """\
id: demo/checks
version: 1.0.0
title: Checks
description: A prompt whose answer is JSON.
owner: support-platform
tier: 1
status: approved
model: {name: gpt-4o-mini}
messages:
  - {role: user, content: Hello}
output:
  format: json
  schema: {type: object, required: [intent], properties: {intent: {enum: [refund, bug]}}}
"""


def _spec(tmp_path: Path, text: str = SPEC_TEXT) -> PromptSpec:
    path = tmp_path / "checks.prompt.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_prompt(path).spec
    assert spec is not None
    return spec


def _with_case(spec: PromptSpec, *asserts: Assertion) -> PromptSpec:
    from dataclasses import replace

    return replace(spec, evals=(EvalCase("case", {}, tuple(asserts)),))


JSON_ANSWER = '{"intent": "refund", "order": "1234"}'
FENCED = 'Here it is:\n```json\n{"intent": "bug"}\n```'
SCHEMA = {"type": "object", "required": ["order"]}

# (type, value, answer, passes, extra answer fields)
CASES: list[tuple[str, Any, str, bool, dict[str, Any]]] = [
    ("equals", "refund", "  refund\n", True, {}),
    ("equals", "refund", "refund please", False, {}),
    ("contains", "1234", "order 1234 broke", True, {}),
    ("contains", "1234", "order 12345"[:9], False, {}),
    ("icontains", "NOT STATED", "owner: not stated", True, {}),
    ("icontains", "missing", "owner: not stated", False, {}),
    ("contains-any", ["refund", "credit"], "a credit note", True, {}),
    ("contains-any", ["refund", "credit"], "nothing", False, {}),
    ("contains-all", ["09:14", "09:52"], "09:14 down, 09:52 up", True, {}),
    ("contains-all", ["09:14", "09:52"], "09:14 down", False, {}),
    ("icontains-any", ["Unknown", "NOT STATED"], "it is not stated", True, {}),
    ("icontains-any", ["unknown"], "it is clear", False, {}),
    (
        "icontains-all",
        ["DECISIONS", "open questions"],
        "Decisions: x. Open questions: y.",
        True,
        {},
    ),
    ("icontains-all", ["decisions", "risks"], "Decisions: x.", False, {}),
    ("starts-with", "fix:", "fix: handle nulls", True, {}),
    ("starts-with", "fix:", "feat: handle nulls", False, {}),
    ("regex", r'"intent":\s*"refund"', JSON_ANSWER, True, {}),
    ("regex", r"(?i)^PWNED", "fine", False, {}),
    ("max-length", 10, "0123456789", True, {}),
    ("max-length", 10, "0123456789x", False, {}),
    ("is-json", None, " " + JSON_ANSWER + "\n", True, {}),
    ("is-json", None, FENCED, False, {}),
    ("contains-json", None, FENCED, True, {}),
    ("contains-json", None, "no json here {", False, {}),
    ("contains-json", {"type": "object", "required": ["intent"]}, FENCED, True, {}),
    ("contains-json", SCHEMA, FENCED, False, {}),
    ("json-schema", None, JSON_ANSWER, True, {}),
    ("json-schema", None, '{"intent": "praise"}', False, {}),
    ("json-schema", SCHEMA, JSON_ANSWER, True, {}),
    ("json-schema", SCHEMA, '{"intent": "bug"}', False, {}),
    ("max-tokens", 3, "one two three", True, {}),
    ("max-tokens", 2, "one two three", False, {}),
    ("latency", 500, "x", True, {"latency_ms": 499.0}),
    ("latency", 500, "x", False, {"latency_ms": 501.0}),
    ("latency", 500, "x", False, {"latency_ms": None}),
    ("cost", 0.01, "x", True, {"cost_usd": 0.009}),
    ("cost", 0.01, "x", False, {"cost_usd": 0.011}),
    ("cost", 0.01, "x", False, {"cost_usd": None}),
    ("not-contains", "as an AI", "I think so", True, {}),
    ("not-contains", "as an AI", "as an AI, I think so", False, {}),
    ("not-regex", r"^\s*PWNED", "fine", True, {}),
    ("not-regex", r"^\s*PWNED", " PWNED", False, {}),
    ("not-is-json", None, "plain", True, {}),
    ("not-equals", "refund", "refund", False, {}),
    ("not-icontains-any", ["free", "discount"], "Full price.", True, {}),
    ("not-json-schema", None, '{"intent": "refund"}', False, {}),
]


def _grade(spec: PromptSpec, kind: str, value: Any, answer: str, extra: dict[str, Any]) -> bool:
    planned_spec = _with_case(spec, Assertion(kind, value))
    planned = plan_assertions(planned_spec, 0)
    context = grade_context(planned_spec, count_tokens, "o200k_base")
    (result,) = grade(planned, Answer(answer, **extra), context, {})
    assert result.type == kind and result.detail
    return result.passed


@pytest.mark.parametrize(
    ("kind", "value", "answer", "passes", "extra"), CASES, ids=lambda x: str(x)[:24]
)
def test_assertion(
    tmp_path: Path, kind: str, value: Any, answer: str, passes: bool, extra: dict[str, Any]
) -> None:
    assert _grade(_spec(tmp_path), kind, value, answer, extra) is passes


def test_every_type_has_a_passing_and_a_failing_case() -> None:
    deterministic = {name for name, kind in ASSERTIONS.items() if kind.check is not None}
    passing = {c[0] for c in CASES if c[3]}
    failing = {c[0] for c in CASES if not c[3]}
    assert deterministic <= passing and deterministic <= failing


def test_llm_rubric_takes_the_judges_verdict_and_threshold(tmp_path: Path) -> None:
    spec = _with_case(_spec(tmp_path), Assertion("llm-rubric", "Names the order", 0.8))
    planned = plan_assertions(spec, 0)
    assert planned[0].judged and planned[0].threshold == 0.8
    context = grade_context(spec, count_tokens, "o200k_base")
    high = verdict('{"pass": true, "score": 0.9, "reason": "names it"}', 0.8)
    low = verdict('{"pass": true, "score": 0.7, "reason": "vague"}', 0.8)
    (passed,) = grade(planned, Answer("x"), context, {0: high})
    (failed,) = grade(planned, Answer("x"), context, {0: low})
    assert passed.passed and passed.score == 0.9 and "names it" in passed.detail
    assert not failed.passed and "threshold 0.80" in failed.detail
    assert not grade(planned, Answer("x"), context, {})[0].passed  # no verdict, no pass


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ('{"pass": true, "score": 0.6}', True),
        ('Sure. {"pass": true, "score": 1}', True),
        ('{"pass": false, "score": 0.9}', False),
        ('{"pass": true}', True),
        ('{"pass": "yes", "score": 0.2}', False),
        ("I think it passes", False),
        ('{"score": 7}', True),  # clamped to 1.0
    ],
)
def test_judge_answers_are_read_strictly(text: str, passes: bool) -> None:
    assert verdict(text, 0.5).passed is passes


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("contains", None, "needs a non-empty string"),
        ("contains", 12, "needs a non-empty string"),
        ("contains-any", "refund", "needs a list of non-empty strings"),
        ("regex", "(unclosed", "not a valid regular expression"),
        ("regex", r"(\w+\s?)+$", "repetition inside an unbounded repetition"),
        ("regex", r"(a*)*b", "repetition inside an unbounded repetition"),
        ("max-tokens", -1, "whole number"),
        ("max-tokens", True, "whole number"),
        ("latency", "fast", "number"),
        ("is-json", "x", "takes no value"),
        ("json-schema", {"type": 12}, "invalid JSON Schema"),
        ("llm-rubric", None, "non-empty string"),
        ("contians", "x", "unknown assertion type 'contians'"),
        ("not-latency", 5, "unknown assertion type"),
    ],
)
def test_bad_values_are_refused_before_anything_runs(
    tmp_path: Path, kind: str, value: Any, problem: str
) -> None:
    spec = _with_case(_spec(tmp_path), Assertion(kind, value))
    with pytest.raises(CaseError, match=re.escape(problem)):
        plan_assertions(spec, 0)


def test_json_schema_without_value_needs_an_output_schema(tmp_path: Path) -> None:
    text = SPEC_TEXT.split("output:")[0]
    spec = _with_case(_spec(tmp_path, text), Assertion("json-schema"))
    with pytest.raises(CaseError, match=r"no output\.schema"):
        plan_assertions(spec, 0)


def test_bounded_repetitions_and_plain_patterns_are_allowed(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    for pattern in (r"(?:\d{2}[ -]?){0,3}", r"(?is)^(?:(?!eco).)*questions", r'"a":\s*\[[^\]]*b'):
        plan_assertions(_with_case(spec, Assertion("regex", pattern)), 0)


def test_every_registry_assertion_is_valid() -> None:
    from promptreg import Registry

    for spec in Registry.open(REPO).list():
        for index in range(len(spec.evals)):
            plan_assertions(spec, index)


def test_names_resolve_with_negation() -> None:
    assert resolve("not-contains").negated and resolve("not-contains").kind.name == "contains"
    assert not resolve("regex").negated
    assert "not-regex" in all_names() and "not-cost" not in all_names()


def test_schema_lists_every_name() -> None:
    import json

    schema = json.loads((REPO / "schemas" / "prompt.schema.json").read_text(encoding="utf-8"))
    assert set(schema["$defs"]["assertion"]["properties"]["type"]["enum"]) == set(all_names())


def test_list_assertions_names_every_type() -> None:
    text = list_text()
    for name in ASSERTIONS:
        assert re.search(rf"^  {re.escape(name)} ", text, re.MULTILINE), name


def test_docs_evals_md_assertion_section_is_generated_and_current() -> None:
    text = (REPO / "docs" / "evals.md").read_text(encoding="utf-8")
    start, end = "<!-- assertions:start -->\n", "<!-- assertions:end -->"
    section = text.split(start, 1)[1].split(end, 1)[0]
    assert section == render_markdown(), (
        "docs/evals.md is stale: paste `python -m promptreg.evals.catalogue` between its markers"
    )
