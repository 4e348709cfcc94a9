"""`--batch`: the requests go to the endpoint's Batch API, the answers into the response cache.

The requests without a cached answer are written as JSONL (`custom_id` is the case's
fingerprint), split at the API's limits per file (50,000 requests, 200 MB), uploaded
with `files.create` and started with `batches.create`. The batch ids are saved in
`.promptreg/cache/batch.json` (sealed, as every cache is) before any waiting, so an
interrupted run is picked up by `promptreg test --resume`. Polling backs off from one second up to
`evals.batch_poll_seconds`. Each answer in the output file is stored in the response
cache; the online run that follows then grades and records every case exactly as
without --batch, answering from the cache (requests the batch did not answer are sent
online, and llm-rubric's judge is always called online).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from promptreg.core.cachefile import read_cache_text, seal_text, unseal_text
from promptreg.core.config import Settings
from promptreg.core.errors import UsageError
from promptreg.core.fs import atomic_write
from promptreg.evals.cache import CachedAnswer, ResponseCache
from promptreg.evals.client import Caller, responses_request
from promptreg.evals.limits import Backoff, server_wait
from promptreg.evals.plan import PlannedPrompt, work_items
from promptreg.evals.progress import Progress
from promptreg.evals.runner import InfrastructureError
from promptreg.governance.evidence import format_time

MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
STATE_NAME = "batch.json"
DONE = ("completed", "failed", "expired", "cancelled")
T = TypeVar("T")


def state_path(cache: ResponseCache) -> Path:
    return cache.path.parent / STATE_NAME


def split(
    lines: Sequence[tuple[str, bytes]], max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES
) -> list[list[tuple[str, bytes]]]:
    """Consecutive chunks within both limits (a line over the byte limit goes alone)."""
    chunks: list[list[tuple[str, bytes]]] = []
    size = 0
    for line in lines:
        if not chunks or len(chunks[-1]) >= max_requests or size + len(line[1]) > max_bytes:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line[1])
    return chunks


def _lines(
    caller: Caller, cache: ResponseCache, plans: Iterable[PlannedPrompt]
) -> dict[str, tuple[str, bytes]]:
    """custom_id → (cache key, JSONL line) for every request the cache cannot answer."""
    api = caller.connection.endpoint.api
    url = "/v1/responses" if api == "responses" else "/v1/chat/completions"
    lines: dict[str, tuple[str, bytes]] = {}
    for item in work_items(plans, caller.connection):
        if item.fingerprint in lines or cache.get(item.cache_key) is not None:
            continue
        body = responses_request(item.request) if api == "responses" else item.request
        line = {"custom_id": item.fingerprint, "method": "POST", "url": url, "body": body}
        lines[item.fingerprint] = (
            item.cache_key,
            json.dumps(line, separators=(",", ":")).encode() + b"\n",
        )
    return lines


async def _retrying(what: str, call: Callable[[], Awaitable[T]]) -> T:
    import openai

    backoff = Backoff()
    for attempt in range(1, 7):
        try:
            return await call()
        except (
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ) as exc:
            if attempt == 6:
                raise InfrastructureError(
                    f"{what} failed after {attempt} attempts: {exc}"
                ) from None
            headers = getattr(getattr(exc, "response", None), "headers", {}) or {}
            asked = server_wait(dict(headers))
            await asyncio.sleep(asked if asked is not None else backoff.delay(attempt))
        except openai.APIStatusError as exc:
            raise InfrastructureError(
                f"{what} was refused (HTTP {exc.status_code}): {exc.response.text[:200]}"
            ) from None
    raise AssertionError("unreachable")


async def submit(
    caller: Caller,
    cache: ResponseCache,
    plans: Iterable[PlannedPrompt],
    progress: Progress,
    max_requests: int = MAX_REQUESTS,
) -> dict[str, Any]:
    lines = _lines(caller, cache, plans)
    state: dict[str, Any] = {"endpoint": caller.connection.base_url, "batches": []}
    if not lines:
        return state
    api = caller.connection.endpoint.api
    endpoint = "/v1/responses" if api == "responses" else "/v1/chat/completions"
    client = caller.client
    for number, chunk in enumerate(split(list(lines.values()), max_requests), 1):
        ids = [json.loads(line)["custom_id"] for _, line in chunk]
        data = b"".join(line for _, line in chunk)
        name = f"promptreg-batch-{number}.jsonl"
        uploaded = await _retrying(
            "uploading the batch file",
            functools.partial(
                client.files.create, file=(name, data, "application/jsonl"), purpose="batch"
            ),
        )
        created = await _retrying(
            "creating the batch",
            functools.partial(
                client.batches.create,
                input_file_id=uploaded.id,
                endpoint=endpoint,  # type: ignore[arg-type]
                completion_window="24h",
                metadata={"source": "promptreg test"},
            ),
        )
        state["batches"].append(
            {"id": created.id, "input_file_id": uploaded.id, "keys": {i: lines[i][0] for i in ids}}
        )
        _save(cache, state)
        progress.note(f"batch {created.id} submitted: {len(chunk):,} requests")
    return state


def _save(cache: ResponseCache, state: dict[str, Any]) -> None:
    path = state_path(cache)
    path.parent.mkdir(parents=True, exist_ok=True)
    sealed = seal_text(STATE_NAME, json.dumps(state))
    if sealed is not None:  # without a key, an interrupted run cannot be resumed
        atomic_write(path, sealed)


def load_state(cache: ResponseCache) -> dict[str, Any] | None:
    try:
        text = read_cache_text(state_path(cache))
        body = unseal_text(STATE_NAME, text) if text is not None else None
        state = json.loads(body) if body is not None else None
    except (OSError, ValueError, RecursionError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("batches"), list) else None


async def collect(
    caller: Caller, cache: ResponseCache, state: dict[str, Any], progress: Progress, poll_cap: float
) -> int:
    """Wait for every batch, store its answers; the number of answers stored."""
    client = caller.client
    stored = 0
    for entry in state["batches"]:
        delay, last = 1.0, ""
        while True:
            batch = await _retrying(
                "polling the batch", functools.partial(client.batches.retrieve, entry["id"])
            )
            if batch.status != last:
                last = batch.status
                counts = batch.request_counts
                done = f" ({counts.completed}/{counts.total})" if counts else ""
                progress.note(f"batch {batch.id}: {batch.status}{done}")
            if batch.status in DONE:
                break
            await asyncio.sleep(delay)
            delay = min(poll_cap, delay * 2)
        output = batch.output_file_id
        if batch.status != "completed" or not output:
            progress.note(f"batch {batch.id} ended {batch.status}: its requests are sent online")
            continue
        content = await _retrying(
            "downloading the batch output", functools.partial(client.files.content, output)
        )
        finished = dt.datetime.fromtimestamp(
            batch.completed_at or dt.datetime.now(dt.UTC).timestamp(), dt.UTC
        )
        stored += _store(cache, entry["keys"], content.content, format_time(finished))
    cache.flush()
    return stored


def _store(cache: ResponseCache, keys: dict[str, str], output: bytes, answered_at: str) -> int:
    from promptreg.evals.client import parse_chat

    stored = 0
    for raw in output.splitlines():
        try:
            line = json.loads(raw)
            key = keys[line["custom_id"]]
            response = line["response"]
            if response["status_code"] != 200:
                continue
            body = response["body"]
            if "output" in body:
                text = "".join(
                    part.get("text", "")
                    for item in body["output"]
                    if item.get("type") == "message"
                    for part in item.get("content") or ()
                )
                usage = body.get("usage") or {}
                model = body.get("model")
                tokens = {
                    k: usage[k]
                    for k in ("input_tokens", "output_tokens")
                    if isinstance(usage.get(k), int)
                }
            else:
                text, model, tokens = parse_chat(body)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a line that is not an answer: that request goes online
        cache.put(key, CachedAnswer(text, model, tokens, None, answered_at))
        stored += 1
    return stored


async def run_batch(
    settings: Settings,
    caller: Caller,
    cache: ResponseCache,
    plans: Iterable[PlannedPrompt],
    progress: Progress,
    *,
    resume: bool,
    max_requests: int = MAX_REQUESTS,
) -> None:
    pending = load_state(cache)
    if resume:
        if pending is None:
            raise UsageError(
                "--resume: no batch run to resume in .promptreg/cache/",
                hint="start one with `promptreg test --batch`",
            )
        if pending.get("endpoint") != caller.connection.base_url:
            raise UsageError(
                f"--resume: the pending batch run went to {pending.get('endpoint')}, "
                f"not {caller.connection.base_url}",
                hint="resume with the same endpoint (--endpoint), or delete "
                ".promptreg/cache/batch.json to abandon it",
            )
        state = pending
    else:
        if pending is not None:
            ids = ", ".join(b.get("id", "?") for b in pending["batches"])
            raise UsageError(
                f"a batch run is still pending ({ids})",
                hint="`promptreg test --resume` collects it; delete "
                ".promptreg/cache/batch.json to abandon it",
            )
        state = await submit(caller, cache, plans, progress, max_requests)
    if state["batches"]:
        stored = await collect(caller, cache, state, progress, settings.evals.batch_poll_seconds)
        progress.note(f"{stored:,} answers from the batch")
    state_path(cache).unlink(missing_ok=True)
