"""Assertions on how the answer was made (its tokens, time and cost), and llm-rubric,
whose verdict the registry's judge prompt gives."""

from __future__ import annotations

from typing import Any

from promptreg.core.model import PromptSpec
from promptreg.evals.assertion import (
    Answer,
    AssertionDoc,
    AssertionType,
    GradeContext,
    Verdict,
    needs_amount,
    needs_count,
    needs_string,
)


def _max_tokens(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    tokens = ctx.count_tokens(answer.text)
    return Verdict(tokens <= value, f"{tokens:,} tokens (counted offline), limit {value:,}")


def _latency(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    if answer.latency_ms is None:
        return Verdict(False, "no latency was measured for this answer")
    return Verdict(answer.latency_ms <= value, f"{answer.latency_ms:,.0f} ms, limit {value:,} ms")


def _cost(answer: Answer, value: Any, ctx: GradeContext) -> Verdict:
    if answer.cost_usd is None:
        model = answer.model or ctx.spec.model.name
        return Verdict(
            False,
            f"the cost is unknown: the endpoint reported no usage, or evals.prices in "
            f"promptreg.yaml has no price for {model!r}",
        )
    return Verdict(answer.cost_usd <= value, f"${answer.cost_usd:.6f}, limit ${value}")


def _rubric(value: Any, spec: PromptSpec) -> str | None:
    return needs_string(value, spec)


TYPES: tuple[AssertionType, ...] = (
    AssertionType(
        "max-tokens",
        "run",
        "The answer has at most this many tokens.",
        AssertionDoc(
            "the answer's tokens, counted offline with the encoding of the prompt's model "
            "(`models:` in promptreg.yaml), are at most the value",
            "an integer",
            "{type: max-tokens, value: 300}",
        ),
        needs_count,
        _max_tokens,
        negatable=False,
    ),
    AssertionType(
        "latency",
        "run",
        "The answer took at most this many milliseconds.",
        AssertionDoc(
            "the request, from sending to the last byte of the answer, took at most the "
            "value in milliseconds; an answer from the response cache keeps the time it "
            "first took (retries and waits for rate limits do not count)",
            "a number of milliseconds",
            "{type: latency, value: 3000}",
        ),
        needs_amount,
        _latency,
        negatable=False,
    ),
    AssertionType(
        "cost",
        "run",
        "The request cost at most this many US dollars.",
        AssertionDoc(
            "the tokens the endpoint reported (its usage) times the prices in "
            "`evals.prices` of promptreg.yaml come to at most the value; unknown usage or "
            "price fails",
            "a number of US dollars",
            "{type: cost, value: 0.002}",
        ),
        needs_amount,
        _cost,
        negatable=False,
    ),
    AssertionType(
        "llm-rubric",
        "model-graded",
        "A judge model grades the answer against a rubric.",
        AssertionDoc(
            "the judge prompt named by `evals.judge` in promptreg.yaml (a prompt of the "
            "registry, governed and approved like any other) is given the rubric and the "
            "answer, and returns a score from 0 to 1 of at least `threshold` (default "
            "0.5) with `pass: true`. The judge's content hash and model are part of the "
            "case's fingerprint, so editing the judge voids its earlier verdicts",
            "a string (the rubric); `threshold:` beside it",
            "{type: llm-rubric, value: Says the order number and promises nothing, threshold: 0.8}",
        ),
        _rubric,
        None,
        negatable=False,
    ),
)
