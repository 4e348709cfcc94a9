"""`promptreg test` as one typed function, for the CLI and anything else that runs evals.

Select, plan (every assertion checked before a request is sent), then either estimate
(--dry-run), or run: through a batch first (--batch, --resume), then online, where the
batch's answers come from the response cache. Each prompt's results file is written as
its last case is graded; the report follows the same order.

Exit status: 0 every case passed (and nothing regressed), 1 a failure or regression,
2 usage or configuration error (raised), 3 the endpoint or the budget stopped the run
(raised), 130 interrupted (raised by asyncio as KeyboardInterrupt).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from promptreg.core.config import Settings
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from promptreg.core.model import PromptSpec
from promptreg.evals.cache import ResponseCache, clear_cache
from promptreg.evals.client import Caller, Connection, connection
from promptreg.evals.compare import BaseSide, Comparison, base_sides, compare
from promptreg.evals.judge import Judge
from promptreg.evals.plan import PlannedPrompt, Selection, load_judge, plan_prompt, select
from promptreg.evals.progress import progress_for
from promptreg.evals.report import REPORTERS, Summary
from promptreg.evals.results import write_results
from promptreg.evals.runner import PromptOutcome, Runner, RunOptions
from promptreg.governance.evidence import CaseResult
from promptreg.render.tokens import TokenCounter

FORMATS = tuple(REPORTERS)


@dataclass(frozen=True, slots=True)
class TestOptions:
    selection: Selection = field(default_factory=Selection)
    endpoint: str | None = None
    run: RunOptions = field(default_factory=RunOptions)
    dry_run: bool = False
    use_cache: bool = True
    format: str = "text"
    batch: bool = False
    resume: bool = False
    compare: str | None = None
    progress: bool = True
    batch_max_requests: int = 50_000
    """Requests per batch file (the OpenAI Batch API's limit)."""


def cache_directory(settings: Settings) -> Path:
    return settings.root / ".promptreg" / "cache"


def clear(settings: Settings, out: TextIO) -> int:
    freed = clear_cache(cache_directory(settings))
    out.write(f"response cache cleared ({freed / 1e6:.1f} MB freed)\n")
    return EXIT_OK


def run_tests(settings: Settings, options: TestOptions, out: TextIO, err: TextIO) -> int:
    if options.format not in REPORTERS:
        raise UsageError(
            f"unknown format {options.format!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    if (options.batch or options.resume) and not options.use_cache:
        raise UsageError("--batch and --resume need the response cache; drop --no-cache")
    specs = select(settings, options.selection)
    if not specs:
        err.write("promptreg test: no prompt with eval cases selected\n")
        return EXIT_OK
    if options.dry_run:
        target = _offline_connection(settings, options.endpoint)
    else:
        target = connection(settings, options.endpoint)
    judge_spec = load_judge(settings, specs)
    judge = Judge(judge_spec, target) if judge_spec is not None else None
    heads = [
        plan_prompt(spec, settings, target, options.selection, judge=judge_spec) for spec in specs
    ]
    counter = TokenCounter(cache_directory(settings) / "tokens.json")
    try:
        if options.dry_run:
            from promptreg.evals.dryrun import estimate, write_estimates

            write_estimates(
                estimate(heads, settings, target, counter.count, judge), out, options.format
            )
            return EXIT_OK
        return _run(settings, options, target, heads, specs, judge, judge_spec, counter, out, err)
    finally:
        counter.save()


def _offline_connection(settings: Settings, name: str | None) -> Connection:
    endpoints = settings.evals.endpoints
    if name is not None and name not in endpoints:
        raise UsageError(f"no endpoint {name!r} under evals.endpoints in promptreg.yaml")
    endpoint = endpoints[name] if name else settings.evals.default_endpoint()
    return Connection(endpoint, endpoint.base_url or "offline", "")


def _base_plans(
    settings: Settings,
    options: TestOptions,
    target: Connection,
    specs: Sequence[PromptSpec],
    judge_spec: PromptSpec | None,
) -> tuple[str, dict[str, BaseSide], list[PlannedPrompt]]:
    assert options.compare is not None
    commit, sides = base_sides(settings, options.compare, specs, target.endpoint, judge_spec)
    plans = []
    for side in sides.values():
        if side.spec is None or not side.to_run:
            continue
        names = set(side.to_run)
        planned = plan_prompt(
            side.spec, settings, target, options.selection, judge=judge_spec, record=False
        )
        planned.cases = tuple(c for c in planned.cases if c.case.name in names)
        plans.append(planned)
    return commit, sides, plans


def _run(
    settings: Settings,
    options: TestOptions,
    target: Connection,
    heads: list[PlannedPrompt],
    specs: Sequence[PromptSpec],
    judge: Judge | None,
    judge_spec: PromptSpec | None,
    counter: TokenCounter,
    out: TextIO,
    err: TextIO,
) -> int:
    started = time.perf_counter()
    commit, sides, bases = "", dict[str, BaseSide](), list[PlannedPrompt]()
    if options.compare is not None:
        commit, sides, bases = _base_plans(settings, options, target, specs, judge_spec)
    plans = [*heads, *bases]
    cache = ResponseCache(cache_directory(settings), enabled=options.use_cache)
    if cache.problem:
        err.write(f"promptreg test: {cache.problem}\n")
    caller = Caller(target, settings.evals.timeout)
    progress = progress_for(err, quiet=not options.progress)
    reporter = REPORTERS[options.format](out, settings.root)
    runner = Runner(
        settings, caller, cache, progress, options.run, judge=judge, count_tokens=counter.count
    )
    kept: dict[tuple[str, bool], list[CaseResult]] = {}
    cases = passed = 0

    def done(outcome: PromptOutcome) -> None:
        nonlocal cases, passed
        planned = outcome.planned
        path = None
        if planned.record:
            cases += len(outcome.results)
            passed += sum(r.passed for r in outcome.results)
            if outcome.results:
                path = write_results(
                    settings,
                    planned.spec,
                    planned.all_keys,
                    outcome.results,
                    dt.datetime.now(dt.UTC),
                )
        if options.compare is not None:
            kept[(planned.spec.id, planned.record)] = outcome.results
        reporter.prompt(outcome, path)

    async def go() -> None:
        try:
            if options.batch or options.resume:
                from promptreg.evals.batch import run_batch

                await run_batch(
                    settings,
                    caller,
                    cache,
                    plans,
                    progress,
                    resume=options.resume,
                    max_requests=options.batch_max_requests,
                )
            await runner.run(plans, done)
        finally:
            await caller.close()

    progress.start(sum(p.size for p in plans))
    try:
        asyncio.run(go())
    finally:
        progress.close()
        cache.close()
    comparison = _comparison(commit, heads, sides, kept) if options.compare else None
    size = cache.size() if options.use_cache else None
    reporter.finish(
        Summary(
            runner.stats,
            len(heads),
            cases,
            passed,
            time.perf_counter() - started,
            size,
            comparison,
        )
    )
    regressed = comparison.regressions if comparison else 0
    return EXIT_FINDINGS if passed < cases or regressed else EXIT_OK


def _comparison(
    commit: str,
    heads: Sequence[PlannedPrompt],
    sides: dict[str, BaseSide],
    kept: dict[tuple[str, bool], list[CaseResult]],
) -> Comparison:
    base_results = {
        spec_id: [*side.committed, *kept.get((spec_id, False), [])]
        for spec_id, side in sides.items()
    }
    head = [(p.spec.id, kept.get((p.spec.id, True), [])) for p in heads]
    return compare(commit, head, base_results)
