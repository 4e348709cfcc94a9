"""The work queue: every case's request sent, retried, graded and handed back per prompt.

One coroutine dispatches the work items in order. An item whose answer is in the
response cache (and that needs no judge) is graded on the spot, without a task, so a
cached run costs little more than rendering; an item the render memo knows is not even
rendered (promptreg.evals.memo). Every other item becomes a task, started
only while fewer tasks than the concurrency limit are running; a task keeps its slot
while it waits to retry, so the requests in flight never exceed the limit.

The runner owns retries (the client has `max_retries=0`): a 429 halves `auto`
concurrency and pauses every request for as long as the server asks; 5xx, timeouts,
connection errors and malformed answers back off exponentially with jitter. A request
that still fails after `max_attempts`, or a key the endpoint refuses, stops the run as
an infrastructure error (exit status 3); so does reaching the budget. A prompt's
results are handed to `on_done` when its last case is graded, never before.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.evals.assertion import Answer, Verdict
from promptreg.evals.cache import CachedAnswer, ResponseCache, cache_key
from promptreg.evals.client import Caller, Failure, Reply
from promptreg.evals.grading import grade, grade_context
from promptreg.evals.judge import Judge, verdict
from promptreg.evals.limits import Backoff, Concurrency, server_wait
from promptreg.evals.memo import renderer_identity
from promptreg.evals.plan import PlannedPrompt, WorkItem, prompt_items, windows
from promptreg.evals.progress import Progress
from promptreg.evals.results import apply_policy, output_policy
from promptreg.governance.evidence import CaseResult, format_time

EXIT_INFRASTRUCTURE = 3
_LOOKUP_WINDOW = 256
"""Work items rendered ahead and looked up in the response cache together (at most; the
first windows are smaller, so that the first requests leave at once)."""
LOUD_WAIT = 10.0
"""Waits this long or longer are printed: a run that seems stuck should say why."""


class InfrastructureError(PromptregError):
    """The endpoint cannot be used (unreachable after retries, key refused) or the
    budget is spent: nothing about the prompts, and nothing a re-run would not fix."""

    exit_status = EXIT_INFRASTRUCTURE


@dataclass(frozen=True, slots=True)
class RunOptions:
    concurrency: int | None = None
    """None: adaptive (`auto`)."""
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    budget: float | None = None


@dataclass(slots=True)
class RunStats:
    cases: int = 0
    passed: int = 0
    errors: int = 0
    cached: int = 0
    requests: int = 0
    retries: int = 0
    spent_usd: float = 0.0
    peak_in_flight: int = 0


@dataclass(slots=True)
class PromptOutcome:
    planned: PlannedPrompt
    results: list[CaseResult] = field(default_factory=list)


class _CaseError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Runner:
    def __init__(
        self,
        settings: Settings,
        caller: Caller,
        cache: ResponseCache,
        progress: Progress,
        options: RunOptions,
        *,
        judge: Judge | None = None,
        count_tokens: Callable[[str, str], int],
    ) -> None:
        self.settings = settings
        self.caller = caller
        self.cache = cache
        self.progress = progress
        self.options = options
        self.judge = judge
        self.count_tokens = count_tokens
        self.host = caller.connection.host  # parsed once, recorded in every result
        self.renderer = renderer_identity() if cache.enabled else ""
        """The render memo's view of the rendering code; "" turns the memo off."""
        self.limit = Concurrency(options.concurrency, settings.evals.concurrency)
        self.backoff = Backoff(options.backoff_base, options.backoff_cap)
        self.stats = RunStats()
        self.run_at = format_time(dt.datetime.now(dt.UTC))
        self._open: dict[int, PromptOutcome] = {}
        self._left: dict[int, int] = {}
        self._stop: str | None = None
        self._in_flight = 0
        self._asked: dict[str, asyncio.Future[CachedAnswer]] = {}
        self._on_done: Callable[[PromptOutcome], None] = lambda outcome: None

    async def run(
        self, prompts: Iterable[PlannedPrompt], on_done: Callable[[PromptOutcome], None]
    ) -> RunStats:
        """Run every prompt's cases; `prompts` may be a generator, planned as it is read."""
        self._on_done = on_done
        tasks: set[asyncio.Task[None]] = set()
        self._freed = asyncio.Event()
        try:
            for planned in prompts:
                if self._stop:
                    break
                self._open[id(planned)] = PromptOutcome(planned)
                self._left[id(planned)] = planned.size
                if planned.size == 0:
                    self._finish(planned)
                    continue
                items = prompt_items(planned, self.caller.connection, self.renderer)
                await self._dispatch(items, tasks)
            while tasks:
                await self._reap(tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.cache.flush()
        if self._stop:
            raise InfrastructureError(self._stop, hint=_STOP_HINT)
        return self.stats

    async def _dispatch(self, items: Iterable[WorkItem], tasks: set[asyncio.Task[None]]) -> None:
        for window in windows(items, _LOOKUP_WINDOW):
            hits = self._lookup(window)
            for item in window:
                if self._stop:
                    return
                hit = hits.get(id(item))
                if hit is not None:
                    self.stats.cached += 1
                    self._record(item, self._result(item, hit, True, {}, None))
                    continue
                while len(tasks) >= self._task_limit():
                    await self._reap(tasks)
                tasks.add(asyncio.create_task(self._complete(item)))

    def _lookup(self, window: list[WorkItem]) -> dict[int, CachedAnswer]:
        """The cached answers of a window's items (by id), judged cases left out: first
        through the render memo, which needs no rendering; the rest are rendered, looked
        up by their cache keys and remembered in the memo."""
        cache = self.cache
        asked = [item for item in window if not item.case.judged]
        if not asked or not cache.enabled:
            return {}
        recalled = cache.recall(item.memo for item in asked)
        hits = {id(item): recalled[item.memo][1] for item in asked if item.memo in recalled}
        rest = [item for item in asked if id(item) not in hits]
        if rest:
            found = cache.get_many(item.cache_key for item in rest)
            for item in rest:
                cache.remember(item.memo, item.cache_key)
                if item.cache_key in found:
                    hits[id(item)] = found[item.cache_key]
        return hits

    def _task_limit(self) -> int:
        """Tasks running at once: as many as requests may be in flight, or with `auto` as
        many as the cap, so that a raised limit finds work ready; requests themselves
        wait for a slot in _acquire."""
        return self.limit.cap if self.limit.adaptive else self.limit.limit

    async def _reap(self, tasks: set[asyncio.Task[None]]) -> None:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            tasks.discard(task)
            task.result()  # an infrastructure error stops the run here

    async def _complete(self, item: WorkItem) -> None:
        try:
            answer, cached = await self._answer(item.request, item.cache_key)
        except _CaseError as exc:
            self._record(item, self._result(item, None, False, {}, exc.message))
            return
        judged: dict[int, Verdict] = {}
        for assertion in item.case.judged:
            judged[assertion.index] = await self._judge(
                assertion.value, assertion.threshold, answer
            )
        self._record(item, self._result(item, answer, cached, judged, None))

    async def _judge(self, rubric: str, threshold: float, answer: CachedAnswer) -> Verdict:
        assert self.judge is not None  # planned only when a case needs it
        request = self.judge.request(rubric, answer.text)
        connection = self.caller.connection
        key = cache_key(connection.base_url, connection.endpoint.api, request, 0)
        try:
            graded, _ = await self._answer(request, key)
        except _CaseError as exc:
            return Verdict(False, f"the judge could not grade: {exc.message}")
        return verdict(graded.text, threshold)

    async def _answer(self, request: dict[str, Any], key: str) -> tuple[CachedAnswer, bool]:
        """The answer and whether it came without a request of its own: from the cache,
        or (with the cache on) from the same request another case has in flight."""
        hit = self.cache.get(key)
        if hit is not None:
            return hit, True
        if not self.cache.enabled:
            return await self._request(request, key), False
        first = self._asked.get(key)
        if first is not None:
            return await asyncio.shield(first), True
        future: asyncio.Future[CachedAnswer] = asyncio.get_running_loop().create_future()
        self._asked[key] = future
        try:
            answer = await self._request(request, key)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no waiter is required to read it
            raise
        finally:
            del self._asked[key]
        future.set_result(answer)
        return answer, False

    async def _request(self, request: dict[str, Any], key: str) -> CachedAnswer:
        attempt = 0
        while True:
            await self._acquire()
            self.stats.requests += 1
            try:
                reply = await self.caller.call(request)
            except Failure as failure:
                self._release()
                attempt += 1
                await self._after_failure(failure, attempt)
                self.stats.retries += 1
                continue
            except BaseException:
                self._release()
                raise
            self._release()
            self.limit.succeeded()
            self._after_reply(reply)
            answer = CachedAnswer(
                reply.text,
                reply.model,
                reply.usage,
                reply.latency_ms,
                format_time(dt.datetime.now(dt.UTC)),
            )
            self.cache.put(key, answer)
            return answer

    async def _acquire(self) -> None:
        """Wait for a free slot (the limit may have been cut) and for any pause to end."""
        while True:
            pause = self.limit.wait_left()
            if pause > 0:
                await asyncio.sleep(pause)
            elif self._in_flight >= self.limit.limit:
                self._freed.clear()
                await self._freed.wait()
            else:
                break
        self._in_flight += 1
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self._in_flight)

    def _release(self) -> None:
        self._in_flight -= 1
        self._freed.set()

    async def _after_failure(self, failure: Failure, attempt: int) -> None:
        host = self.host
        if failure.kind == "fatal":
            raise InfrastructureError(f"{host}: {failure.message}", hint=_KEY_HINT)
        if failure.kind == "case":
            raise _CaseError(failure.message)
        if attempt >= self.options.max_attempts:
            raise InfrastructureError(
                f"{host}: no answer after {attempt} attempts; last: {failure.message}",
                hint="check that the endpoint is up (evals.endpoints in promptreg.yaml or "
                "OPENAI_BASE_URL), then run again: answers already received are cached",
            )
        asked = server_wait(failure.headers)
        delay = asked if asked is not None else self.backoff.delay(attempt)
        loud = delay >= LOUD_WAIT
        if failure.kind == "throttle":
            self.limit.throttled()
            self.limit.pause(delay)
            delay = self.limit.wait_left()
        if loud:
            what = "rate limited" if failure.kind == "throttle" else failure.message[:80]
            self.progress.note(f"waiting {max(delay, LOUD_WAIT):.0f} s before retrying ({what})")
        await asyncio.sleep(delay)

    def _after_reply(self, reply: Reply) -> None:
        asked = server_wait({k: v for k, v in reply.headers.items() if "ratelimit" in k.lower()})
        if asked:
            self.limit.pause(asked)  # remaining is zero: wait for the window to reset

    def _cost(self, model: str, prompt_model: str, usage: dict[str, int] | Any) -> float | None:
        prices = self.settings.evals.prices
        price = prices.get(model) or prices.get(prompt_model)
        if price is None or "input_tokens" not in usage or "output_tokens" not in usage:
            return None
        return (usage["input_tokens"] * price.input + usage["output_tokens"] * price.output) / 1e6

    def _result(
        self,
        item: WorkItem,
        answer: CachedAnswer | None,
        cached: bool,
        judged: dict[int, Verdict],
        error: str | None,
    ) -> CaseResult:
        spec = item.prompt.spec
        requested = item.model
        cost = self._cost(requested, spec.model.name, answer.usage) if answer else None
        assertions: tuple[Any, ...] = ()
        if answer is not None:
            graded = Answer(answer.text, answer.latency_ms, answer.usage, cost, requested)
            context = grade_context(spec, self.count_tokens, item.prompt.encoding)
            assertions = grade(item.case.assertions, graded, context, judged)
        result = CaseResult(
            case=item.case.case.name,
            repeat=item.repeat,
            fingerprint=item.fingerprint,
            components=item.case.key.components(),
            passed=error is None and all(a.passed for a in assertions),
            answered_at=answer.answered_at if answer else self.run_at,
            run_at=self.run_at,
            endpoint=self.host,
            model_requested=requested,
            model_reported=answer.model if answer else None,
            latency_ms=round(answer.latency_ms, 1) if answer and answer.latency_ms else None,
            usage=dict(answer.usage) if answer else {},
            cost_usd=cost,
            cached=cached,
            error=error,
            assertions=assertions,
            output=answer.text if answer else None,
        )
        return apply_policy(result, output_policy(spec))

    def _record(self, item: WorkItem, result: CaseResult) -> None:
        stats = self.stats
        stats.cases += 1
        stats.passed += result.passed
        stats.errors += result.error is not None
        stats.spent_usd += result.cost_usd or 0.0
        budget = self.options.budget
        if budget is not None and stats.spent_usd >= budget and self._stop is None:
            self._stop = f"the budget of ${budget:g} is spent (${stats.spent_usd:.4f} so far)"
        self.progress.advance(result.passed)
        key = id(item.prompt)
        self._open[key].results.append(result)
        self._left[key] -= 1
        if self._left[key] == 0:
            self._finish(item.prompt)

    def _finish(self, planned: PlannedPrompt) -> None:
        outcome = self._open.pop(id(planned))
        del self._left[id(planned)]
        order = {case.case.name: case.index for case in planned.cases}
        outcome.results.sort(key=lambda r: (order.get(r.case, 0), r.repeat))
        self._on_done(outcome)


_STOP_HINT = (
    "prompts whose cases all finished were recorded; raise evals.budget (or --budget) "
    "and run again: answers already received are cached"
)
_KEY_HINT = (
    "check the key in the variable named by api_key_env (evals.endpoints in promptreg.yaml; "
    "default OPENAI_API_KEY)"
)
