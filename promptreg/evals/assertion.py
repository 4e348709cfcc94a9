"""An assertion type is one record: name, family, docs, value check and grading check.

`promptreg test --list-assertions` and the assertion section of docs/evals.md are
generated from these records (promptreg.evals.catalogue), as the lint rule docs are
from the rule catalogue, so an assertion type is described in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from promptreg.core.model import PromptSpec

MAX_GRADED_CHARS = 100_000
"""Text checks look at this much of an answer at most: a bound on what a hostile
pattern can cost, far above what a prompt's max_output_tokens lets a model write."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the model answered, as grading sees it."""

    text: str
    latency_ms: float | None = None
    usage: Mapping[str, int] = field(default_factory=dict)
    cost_usd: float | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    detail: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class GradeContext:
    """What checks may need beyond the answer: the prompt, and a token counter."""

    spec: PromptSpec
    count_tokens: Callable[[str], int]
    """Tokens of a text under the prompt's model's encoding (offline)."""


Check = Callable[[Answer, Any, GradeContext], Verdict]
ValueCheck = Callable[[Any, PromptSpec], str | None]
"""Checks an assertion's `value` before anything runs: a problem's wording, or None."""


@dataclass(frozen=True, slots=True)
class AssertionDoc:
    passes_when: str
    value: str
    example: str


@dataclass(frozen=True, slots=True)
class AssertionType:
    name: str
    family: str
    """text, json, run (latency, cost, tokens) or model-graded."""
    summary: str
    doc: AssertionDoc
    validate: ValueCheck
    check: Check | None
    """None for llm-rubric, whose verdict comes from the judge prompt."""
    negatable: bool = True


def quote(text: str, limit: int = 80) -> str:
    """A short, one-line excerpt of an answer for an assertion's detail."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def needs_string(value: Any, spec: PromptSpec) -> str | None:
    return None if isinstance(value, str) and value else "needs a non-empty string value"


def needs_strings(value: Any, spec: PromptSpec) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return None
    return "needs a list of non-empty strings as value"


def needs_count(value: Any, spec: PromptSpec) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "needs a whole number (0 or more) as value"


def needs_amount(value: Any, spec: PromptSpec) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return None if ok else "needs a number (0 or more) as value"


def needs_nothing(value: Any, spec: PromptSpec) -> str | None:
    return None if value is None else "takes no value"
