"""A case's assertions checked before anything runs, then applied to an answer.

Checking values first means a typo in a regex or a schema stops the run at once with
the file and line, instead of failing the case after the model was paid to answer it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.evals.assertion import Answer, AssertionType, GradeContext, Verdict
from promptreg.evals.catalogue import resolve
from promptreg.governance.evidence import AssertionResult

DEFAULT_THRESHOLD = 0.5


class CaseError(PromptregError):
    """An eval case cannot run as written (unknown assertion type, bad value, bad vars)."""


@dataclass(frozen=True, slots=True)
class PlannedAssertion:
    index: int
    name: str
    kind: AssertionType
    negated: bool
    value: Any
    threshold: float

    @property
    def judged(self) -> bool:
        return self.kind.check is None


def plan_assertions(
    spec: PromptSpec,
    case_index: int,
    *,
    checked: bool = False,
    seen: dict[tuple[str, str], str | None] | None = None,
) -> tuple[PlannedAssertion, ...]:
    """The case's assertions, resolved and (unless `checked` already) their values checked.

    `seen` remembers each (type, value) of `spec` already checked and what was found:
    cases of one prompt often share assertions, and checking a regex parses it."""
    case = spec.evals[case_index]
    planned = []
    for index, item in enumerate(case.asserts):
        where = ("evals", case_index, "assert", index)
        try:
            resolved = resolve(item.type)
        except PromptregError as exc:
            raise CaseError(
                f"{spec.id} case {case.name!r}: {exc.message}",
                location=spec.location((*where, "type")),
                hint=exc.hint,
            ) from None
        problem = None if checked else _validate(resolved.kind, item.type, item.value, spec, seen)
        if problem is not None:
            raise CaseError(
                f"{spec.id} case {case.name!r}: assertion {item.type} {problem}",
                location=spec.location(where if item.value is None else (*where, "value")),
                hint="`promptreg test --list-assertions` shows what each type takes",
            )
        threshold = item.threshold if item.threshold is not None else DEFAULT_THRESHOLD
        planned.append(
            PlannedAssertion(
                index, item.type, resolved.kind, resolved.negated, item.value, threshold
            )
        )
    return tuple(planned)


def _validate(
    kind: AssertionType,
    name: str,
    value: Any,
    spec: PromptSpec,
    seen: dict[tuple[str, str], str | None] | None,
) -> str | None:
    if seen is None:
        return kind.validate(value, spec)
    text = (
        value if isinstance(value, str) else "\0" + json.dumps(value, sort_keys=True, default=repr)
    )
    memo = (name, text)
    if memo not in seen:
        seen[memo] = kind.validate(value, spec)
    return seen[memo]


def grade(
    assertions: Sequence[PlannedAssertion],
    answer: Answer,
    ctx: GradeContext,
    judged: Mapping[int, Verdict],
) -> tuple[AssertionResult, ...]:
    """Every assertion's result; `judged` holds the judge's verdicts by assertion index."""
    results = []
    for item in assertions:
        if item.judged:
            verdict = judged.get(item.index) or Verdict(False, "the judge gave no verdict")
        else:
            assert item.kind.check is not None
            verdict = item.kind.check(answer, item.value, ctx)
        passed = verdict.passed != item.negated
        detail = (
            f"expected the opposite: {verdict.detail}"
            if item.negated and not passed
            else verdict.detail
        )
        results.append(AssertionResult(item.name, passed, detail, verdict.score))
    return tuple(results)


def grade_context(
    spec: PromptSpec, counter: Callable[[str, str], int], encoding: str
) -> GradeContext:
    return GradeContext(spec, lambda text: counter(text, encoding))
