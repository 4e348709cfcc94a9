"""The Test tab's "run evals": one prompt's eval cases through the eval runner.

The same pieces as `promptreg test ID` (evals.command): the planner, the runner with
its retries, concurrency and response cache, the grading, and the results file written
once every case has an answer, so the eval rules and the `stale:evals` filter see the
run. Each case is handed to the runner as a plan of its own, so that the runner's
per-prompt callback reports every case the moment it is graded while the cases still
run side by side. Cancelling (the worker's task) stops the runner, which cancels its
requests; an interrupted run records nothing, as with the CLI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.model import PromptSpec
from promptreg.evals.cache import ResponseCache
from promptreg.evals.client import Caller, connection
from promptreg.evals.command import cache_directory
from promptreg.evals.judge import Judge
from promptreg.evals.plan import PlannedPrompt, Selection, plan_prompt
from promptreg.evals.results import results_text, store
from promptreg.evals.runner import PromptOutcome, Runner, RunOptions, RunStats
from promptreg.governance.evidence import CaseResult
from promptreg.governance.fingerprint import judge_spec, needs_judge
from promptreg.render.tokens import TokenCounter


class _Quiet:
    """The runner's progress protocol; the pane shows progress from the results."""

    def __init__(self, note: Callable[[str], None]) -> None:
        self._note = note

    def start(self, total: int) -> None:
        pass

    def advance(self, passed: bool) -> None:
        pass

    def note(self, text: str) -> None:
        self._note(text)

    def close(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class EvalRun:
    """What one finished run did."""

    results: tuple[CaseResult, ...]
    stats: RunStats
    recorded: Path | None


def case_names(spec: PromptSpec) -> list[str]:
    return [case.name for case in spec.evals]


async def run_evals(
    settings: Settings,
    spec: PromptSpec,
    on_case: Callable[[CaseResult], None],
    *,
    endpoint: str | None = None,
    note: Callable[[str], None] = lambda text: None,
) -> EvalRun:
    """Run every eval case of `spec`, calling `on_case` as each is graded; then write
    the results file. The CLI's errors (ConfigError for a missing key,
    InfrastructureError for an endpoint that does not answer, CaseError for a case that
    does not render) propagate."""
    link = connection(settings, endpoint)
    judge = judge_spec(settings) if any(needs_judge(c) for c in spec.evals) else None
    planned = plan_prompt(spec, settings, link, Selection(), judge=judge)
    singles = [dataclasses.replace(planned, cases=(case,)) for case in planned.cases]
    cache = ResponseCache(cache_directory(settings))
    caller = Caller(link, settings.evals.timeout)
    counter = TokenCounter(cache_directory(settings) / "tokens.json")
    runner = Runner(
        settings,
        caller,
        cache,
        _Quiet(note),
        RunOptions(),
        judge=Judge(judge, link) if judge is not None else None,
        count_tokens=counter.count,
    )
    results: list[CaseResult] = []

    def done(outcome: PromptOutcome) -> None:
        for result in outcome.results:
            results.append(result)
            on_case(result)

    try:
        stats = await runner.run(singles, done)
    finally:
        await caller.close()
        cache.close()
        counter.save()
    recorded = _record(settings, planned, results)
    return EvalRun(tuple(results), stats, recorded)


def _record(settings: Settings, planned: PlannedPrompt, results: list[CaseResult]) -> Path | None:
    if not results:
        return None
    order = {case.case.name: case.index for case in planned.cases}
    results.sort(key=lambda r: (order.get(r.case, 0), r.repeat))
    now = dt.datetime.now(dt.UTC)
    path, text = results_text(settings, planned.spec, planned.all_keys, results, now)
    store(path, text)
    return path


def result_line(result: CaseResult) -> str:
    """One graded case as the pane lists it: PASS/FAIL, the name, and why it failed."""
    if result.passed:
        verdict = "PASS"
        why = ""
    else:
        verdict = "FAIL"
        failed = next(
            (f"{a.type}: {a.detail}" for a in result.assertions if not a.passed), result.error
        )
        why = f"  {failed}" if failed else ""
    cached = " (cached)" if result.cached else ""
    return f"{verdict} {result.case}{cached}{why}"
