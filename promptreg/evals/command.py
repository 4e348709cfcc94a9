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
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from promptreg.core.config import Settings
from promptreg.core.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from promptreg.core.model import PromptSpec
from promptreg.evals.cache import ResponseCache, clear_cache
from promptreg.evals.client import Caller, Connection, connection
from promptreg.evals.compare import BaseSide, Comparison, base_sides, compare
from promptreg.evals.grading import PlannedAssertion
from promptreg.evals.judge import Judge
from promptreg.evals.parsed import ParseCache
from promptreg.evals.plan import (
    PlannedPrompt,
    Selection,
    Target,
    load,
    load_judge,
    plan_prompt,
    select,
)
from promptreg.evals.progress import progress_for
from promptreg.evals.report import REPORTERS, Reporter, Summary
from promptreg.evals.results import results_text, store
from promptreg.evals.runner import PromptOutcome, Runner, RunOptions
from promptreg.governance.evidence import CaseResult
from promptreg.render.tokens import TokenCounter

FORMATS = tuple(REPORTERS)
_WRITES_AHEAD = 8


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
    transport: str = "auto"
    """Under the openai client: `aiohttp`, `httpx` or `auto` (client.TRANSPORTS)."""


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
    parsed = ParseCache(cache_directory(settings), enabled=options.use_cache)
    try:
        targets = select(settings, options.selection, parsed)
        if not targets:
            err.write("promptreg test: no prompt with eval cases selected\n")
            return EXIT_OK
        if options.dry_run:
            endpoint = _offline_connection(settings, options.endpoint)
        else:
            endpoint = connection(settings, options.endpoint)
        counter = TokenCounter(_tokens(settings))
        run = _Run(settings, options, endpoint, targets, counter, parsed)
        try:
            if options.dry_run:
                from promptreg.evals.dryrun import estimate, write_estimates

                estimates = estimate(run.heads(), settings, endpoint, counter.count, run.judge)
                write_estimates(estimates, out, options.format)
                return EXIT_OK
            return run.execute(out, err)
        finally:
            counter.save()
    finally:
        parsed.close()


def _tokens(settings: Settings) -> Path:
    return cache_directory(settings) / "tokens.json"


def _offline_connection(settings: Settings, name: str | None) -> Connection:
    endpoints = settings.evals.endpoints
    if name is not None and name not in endpoints:
        raise UsageError(f"no endpoint {name!r} under evals.endpoints in promptreg.yaml")
    endpoint = endpoints[name] if name else settings.evals.default_endpoint()
    return Connection(endpoint, endpoint.base_url or "offline", "")


class _Run:
    """One `promptreg test` run: what it runs, against what, and what it keeps."""

    def __init__(
        self,
        settings: Settings,
        options: TestOptions,
        endpoint: Connection,
        targets: Sequence[Target],
        counter: TokenCounter,
        parsed: ParseCache | None = None,
    ) -> None:
        self.settings = settings
        self.parsed = parsed
        self.options = options
        self.endpoint = endpoint
        self.targets = targets
        self.counter = counter
        self.judge_spec = load_judge(settings, targets)
        self.judge = Judge(self.judge_spec, endpoint) if self.judge_spec is not None else None
        self.commit = ""
        self.sides: dict[str, BaseSide] = {}
        self.bases: list[PlannedPrompt] = []
        self.kept: dict[tuple[str, bool], list[CaseResult]] = {}
        self.cases = self.passed = 0
        self.writes: deque[Future[None]] = deque()
        self.writer: ThreadPoolExecutor | None = None

    def heads(self) -> Iterator[PlannedPrompt]:
        """The working tree's prompts, each loaded and planned as the run reaches it."""
        for target in self.targets:
            spec = load(target, self.parsed)
            yield self._plan(spec, checked=True, assertions=target.assertions)

    def _plan(
        self,
        spec: PromptSpec,
        *,
        record: bool = True,
        checked: bool = False,
        assertions: Mapping[int, tuple[PlannedAssertion, ...]] | None = None,
    ) -> PlannedPrompt:
        options = self.options
        return plan_prompt(
            spec,
            self.settings,
            self.endpoint,
            options.selection,
            judge=self.judge_spec,
            record=record,
            checked=checked,
            assertions=assertions,
        )

    def plans(self) -> Iterator[PlannedPrompt]:
        yield from self.heads()
        yield from self.bases

    def _compare_base(self) -> None:
        assert self.options.compare is not None
        specs = [load(target, self.parsed) for target in self.targets]
        self.commit, self.sides = base_sides(
            self.settings, self.options.compare, specs, self.endpoint.endpoint, self.judge_spec
        )
        for side in self.sides.values():
            if side.spec is None or not side.to_run:
                continue
            planned = self._plan(side.spec, record=False)
            planned.cases = tuple(c for c in planned.cases if c.case.name in set(side.to_run))
            self.bases.append(planned)

    def done(self, outcome: PromptOutcome, reporter: Reporter) -> None:
        planned = outcome.planned
        path = None
        if planned.record:
            self.cases += len(outcome.results)
            self.passed += sum(r.passed for r in outcome.results)
            if outcome.results:
                path = self._write(planned, outcome.results)
        if self.options.compare is not None:
            self.kept[(planned.spec.id, planned.record)] = outcome.results
        reporter.prompt(outcome, path)

    def _write(self, planned: PlannedPrompt, results: list[CaseResult]) -> Path:
        """Make the results file's text here, write it on the writer thread: the run
        goes on while the file is synced to disk (the thread holds no lock Python's
        other work needs). At most _WRITES_AHEAD files wait at once."""
        if self.writer is None:
            self.writer = ThreadPoolExecutor(1, thread_name_prefix="promptreg-results")
        while len(self.writes) >= _WRITES_AHEAD:
            self.writes.popleft().result()
        now = dt.datetime.now(dt.UTC)
        path, text = results_text(self.settings, planned.spec, planned.all_keys, results, now)
        self.writes.append(self.writer.submit(store, path, text))
        return path

    def _written(self, *, failing: bool = False) -> None:
        """Wait for every results file; the first that could not be written is raised,
        unless the run is `failing` already (its error is the one to report)."""
        try:
            while self.writes:
                write = self.writes.popleft()
                if failing:
                    write.exception()
                else:
                    write.result()
        finally:
            if self.writer is not None:
                self.writer.shutdown(wait=True, cancel_futures=False)
                self.writer = None

    def execute(self, out: TextIO, err: TextIO) -> int:
        started = time.perf_counter()
        settings, options = self.settings, self.options
        if options.compare is not None:
            self._compare_base()
        cache = ResponseCache(cache_directory(settings), enabled=options.use_cache)
        if cache.problem:
            err.write(f"promptreg test: {cache.problem}\n")
        caller = Caller(self.endpoint, settings.evals.timeout, transport=options.transport)
        progress = progress_for(err, quiet=not options.progress)
        reporter = REPORTERS[options.format](out, settings.root)
        runner = Runner(
            settings,
            caller,
            cache,
            progress,
            options.run,
            judge=self.judge,
            count_tokens=self.counter.count,
        )

        async def go() -> None:
            try:
                if options.batch or options.resume:
                    from promptreg.evals.batch import run_batch

                    await run_batch(
                        settings,
                        caller,
                        cache,
                        self.plans(),
                        progress,
                        resume=options.resume,
                        max_requests=options.batch_max_requests,
                    )
                await runner.run(self.plans(), lambda outcome: self.done(outcome, reporter))
            finally:
                await caller.close()

        repeats = max(1, options.selection.repeat)
        progress.start(
            sum(t.cases for t in self.targets) * repeats + sum(b.size for b in self.bases)
        )
        try:
            try:
                asyncio.run(go())
            except BaseException:
                self._written(failing=True)
                raise
            self._written()
        finally:
            progress.close()
            cache.close()
        comparison = self._comparison() if options.compare else None
        size = cache.size() if options.use_cache else None
        seconds = time.perf_counter() - started
        prompts = len(self.targets)
        summary = Summary(runner.stats, prompts, self.cases, self.passed, seconds, size, comparison)
        reporter.finish(summary)
        regressed = comparison.regressions if comparison else 0
        return EXIT_FINDINGS if self.passed < self.cases or regressed else EXIT_OK

    def _comparison(self) -> Comparison:
        base_results = {
            spec_id: [*side.committed, *self.kept.get((spec_id, False), [])]
            for spec_id, side in self.sides.items()
        }
        head = [(t.id, self.kept.get((t.id, True), [])) for t in self.targets]
        return compare(self.commit, head, base_results)
