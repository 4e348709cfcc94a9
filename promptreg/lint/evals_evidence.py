"""What the eval rules (G015 to G017) conclude from the recorded results, and what their
findings depend on beyond the prompt file (for the result cache and the cached answer).

Kept apart from the rule records in promptreg.lint.rules.evals so that loading the rule
catalogue does not load the results reader and the fingerprints: a prompt these rules
do not govern (a draft, a tier without eval policy) never needs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from promptreg.core.config import Settings
from promptreg.core.model import PromptSpec
from promptreg.governance.evidence import (
    CaseResult,
    eval_state,
    governs,
    has_any_results,
    shown,
)
from promptreg.governance.fingerprint import CaseKey


def why_not_current(key: CaseKey, other: CaseResult) -> str:
    """Which part of the fingerprint differs between a recorded result and now."""
    then = other.components
    for part, words in (
        ("content_hash", "the prompt's content changed since"),
        ("case_hash", "the case's variables or assertions changed since"),
        ("model", f"it was recorded for model {then.get('model')!r}, not {key.model!r}"),
        ("parameters", "the request parameters changed since"),
        ("judge", "the judge prompt or its model changed since"),
        ("runner", "it was graded by an older runner"),
    ):
        if then.get(part) != key.components().get(part):
            return words
    return "its fingerprint does not match"


@dataclass(frozen=True, slots=True)
class EvidenceIssue:
    kind: str
    """missing, failing, stale or unreadable."""
    message: str
    case_index: int | None = None


def evidence_issues(
    spec: PromptSpec, settings: Settings, now: dt.datetime
) -> Iterator[EvidenceIssue]:
    """What the eval rules report for `spec`, in case order."""
    if not governs(spec, settings):
        return
    if not settings.evals.require_results and not has_any_results(settings):
        return
    state = eval_state(spec, settings)
    policy = settings.tier(spec.tier)
    where = shown(state.path, settings)
    if state.problem:
        yield EvidenceIssue("unreadable", state.problem)
        return
    for case in state.missing:
        reason = why_not_current(case.key, case.others[-1]) if case.others else "none recorded"
        yield EvidenceIssue(
            "missing",
            f"eval case {case.key.name!r} has no result for the current content ({reason}); "
            f"run `promptreg test {spec.id}` and commit {where}",
            case.key.index,
        )
    if state.recorded:
        rate = policy.min_eval_pass_rate if policy.min_eval_pass_rate is not None else 1.0
        if state.passed < rate * state.recorded:
            failing = ", ".join(repr(c.key.name) for c in state.cases if c.passed < len(c.results))
            yield EvidenceIssue(
                "failing",
                f"{state.passed} of {state.recorded} recorded results of the current content "
                f"passed ({state.passed / state.recorded:.0%}); tier {spec.tier} requires "
                f"{rate:.0%} (min_eval_pass_rate). Failing: {failing}",
            )
    limit = policy.eval_max_age_days
    if limit is None:
        return
    for case in state.cases:
        newest = case.newest()
        if newest is None:
            continue
        age = now - newest
        if age > dt.timedelta(days=limit):
            yield EvidenceIssue(
                "stale",
                f"the newest result of eval case {case.key.name!r} was answered "
                f"{newest.date().isoformat()} ({age.days} days ago); tier {spec.tier} requires "
                f"results from the last {limit} day{'s' if limit != 1 else ''} "
                f"(eval_max_age_days). Run `promptreg test {spec.id}`",
                case.key.index,
            )
