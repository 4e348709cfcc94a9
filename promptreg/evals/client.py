"""One request to an OpenAI-compatible endpoint, through the openai client.

The client is built with `max_retries=0`: the runner owns retries, so it sees every 429
with its headers and can slow the whole run down, not just one request. Plain requests
use the client's own `post` with the API's JSON as the body (the typed methods'
transformation of a body costs more CPU than the rest of a case), and answers are read
from the response's JSON directly (what the records need is three fields); streamed
answers (`stream: true`, the TUI's test pane) use the typed streaming call. Every
failure becomes a `Failure` that says whether waiting could help.

The openai client sends through aiohttp (`openai.DefaultAioHttpClient`, the `aiohttp`
extra of openai that the `evals` extra installs) when aiohttp is installed: measured
against the test server, about half the CPU a request of the default httpx transport,
whose connection pool examines every pooled connection on each request and answer
(docs/performance.md). Without aiohttp the client's default transport is used.

The openai package is imported only when the client is first needed, so a run answered
from the response cache, or a dry run, never loads it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from promptreg.core.config import Settings
from promptreg.core.errors import ConfigError, UsageError
from promptreg.core.evalsettings import Endpoint

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OPENAI_URL = "https://api.openai.com/v1"
_AUTH: Any = {"security": {"bearer_auth": True}}
"""Request options that make the client send its key, as its typed methods do."""
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TRANSPORTS = ("auto", "aiohttp", "httpx")
"""`auto`: aiohttp when it is installed, else httpx (the openai client's default)."""


@dataclass(frozen=True, slots=True)
class Connection:
    endpoint: Endpoint
    base_url: str
    api_key: str = field(repr=False)

    @property
    def host(self) -> str:
        """Host and port only: what results record (never a key or credentials)."""
        parts = urlsplit(self.base_url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"


def connection(settings: Settings, name: str | None = None) -> Connection:
    """The endpoint to call: `name`, else the configured one; its key from the environment."""
    endpoints = settings.evals.endpoints
    if name is not None and name not in endpoints:
        raise UsageError(
            f"no endpoint {name!r} under evals.endpoints in promptreg.yaml",
            hint=f"use one of {', '.join(sorted(endpoints))}",
        )
    endpoint = endpoints[name] if name else settings.evals.default_endpoint()
    base_url = endpoint.base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_URL
    key = os.environ.get(endpoint.api_key_env, "")
    if not key:
        if (urlsplit(base_url).hostname or "") in _LOCAL_HOSTS:
            key = "not-needed"  # local servers (Ollama, vLLM) ignore the key
        else:
            raise ConfigError(
                f"endpoint {endpoint.name!r} ({base_url}) needs a key in the environment "
                f"variable {endpoint.api_key_env}, which is not set",
                hint=f"export {endpoint.api_key_env}=... (never write the key into a file), "
                "or use --dry-run, which sends nothing",
            )
    return Connection(endpoint, base_url.rstrip("/"), key)


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    model: str | None
    usage: Mapping[str, int]
    latency_ms: float
    headers: Mapping[str, str]


class Failure(Exception):
    """A request that did not produce an answer.

    kind: `throttle` (429: wait as told, slow down), `retry` (5xx, timeout, connection,
    malformed answer: back off and try again), `fatal` (401/403: nothing will work) or
    `case` (another 4xx: this request is wrong, others may be fine).
    """

    def __init__(
        self, kind: str, message: str, headers: Mapping[str, str] | None = None, status: int = 0
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.headers = dict(headers or {})
        self.status = status


def responses_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """Chat completion arguments as arguments of the Responses API."""
    out: dict[str, Any] = {"model": request["model"], "input": request["messages"]}
    for name in ("temperature", "top_p"):
        if name in request:
            out[name] = request[name]
    if "max_completion_tokens" in request:
        out["max_output_tokens"] = request["max_completion_tokens"]
    fmt = request.get("response_format")
    if fmt is not None and fmt["type"] == "json_schema":
        out["text"] = {"format": {"type": "json_schema", **fmt["json_schema"]}}
    elif fmt is not None:
        out["text"] = {"format": {"type": fmt["type"]}}
    return out


def _usage(raw: Any, first: str, second: str) -> dict[str, int]:
    if not isinstance(raw, dict):
        return {}
    usage = {}
    for source, name in ((first, "input_tokens"), (second, "output_tokens")):
        value = raw.get(source)
        if isinstance(value, int) and not isinstance(value, bool):
            usage[name] = value
    return usage


def parse_chat(body: Any) -> tuple[str, str | None, dict[str, int]]:
    """Text, reported model and usage of a chat completion body; ValueError if malformed."""
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ValueError("no choices[0].message.content in the answer") from None
    if content is not None and not isinstance(content, str):
        raise ValueError("choices[0].message.content is not text")
    model = body.get("model") if isinstance(body.get("model"), str) else None
    return content or "", model, _usage(body.get("usage"), "prompt_tokens", "completion_tokens")


def _parse_responses(body: Any) -> tuple[str, str | None, dict[str, int]]:
    if not isinstance(body, dict) or not isinstance(body.get("output"), list):
        raise ValueError("no output list in the answer")
    texts = [
        part.get("text", "")
        for item in body["output"]
        if isinstance(item, dict) and item.get("type") == "message"
        for part in item.get("content") or ()
        if isinstance(part, dict) and part.get("type") == "output_text"
    ]
    model = body.get("model") if isinstance(body.get("model"), str) else None
    return "".join(texts), model, _usage(body.get("usage"), "input_tokens", "output_tokens")


def transport_in_use(transport: str) -> str:
    """The transport `transport` names, `auto` resolved (without importing aiohttp)."""
    if transport not in TRANSPORTS:
        raise UsageError(f"unknown transport {transport!r}", hint=f"use one of {TRANSPORTS}")
    if transport == "auto":
        return "aiohttp" if importlib.util.find_spec("aiohttp") is not None else "httpx"
    return transport


class Caller:
    """Sends requests to one endpoint; the client is created on first use."""

    def __init__(self, connection: Connection, timeout: float, *, transport: str = "auto") -> None:
        self.connection = connection
        self.timeout = timeout
        self.transport = transport_in_use(transport)
        self._client: AsyncOpenAI | None = None

    @property
    def client(self) -> AsyncOpenAI:
        if self._client is None:
            import openai

            http_client = None
            if self.transport == "aiohttp":
                http_client = openai.DefaultAioHttpClient(timeout=self.timeout)
            self._client = openai.AsyncOpenAI(
                base_url=self.connection.base_url,
                api_key=self.connection.api_key,
                max_retries=0,
                timeout=self.timeout,
                http_client=http_client,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def call(self, request: Mapping[str, Any]) -> Reply:
        import httpx2  # the openai client's HTTP library
        import openai

        client = self.client
        started = time.perf_counter()
        try:
            if self.connection.endpoint.stream:
                raw = await client.chat.completions.with_raw_response.create(
                    **request, stream=True, stream_options={"include_usage": True}
                )
                text, model, usage = await _read_stream(raw.parse())
                headers = dict(raw.headers)
            else:
                # The client's own post, not `chat.completions.create`: the body is
                # already the API's JSON, and the typed method's transformation of it
                # costs more CPU than everything else the runner does for a case.
                responses = self.connection.endpoint.api == "responses"
                response = await client.post(
                    "/responses" if responses else "/chat/completions",
                    body=responses_request(request) if responses else request,
                    cast_to=httpx2.Response,
                    options=_AUTH,
                )
                body = json.loads(response.content)
                text, model, usage = _parse_responses(body) if responses else parse_chat(body)
                headers = dict(response.headers)
        except (openai.APIStatusError, openai.APIConnectionError) as exc:
            raise self._transport_failure(exc) from None
        except (ValueError, openai.APIResponseValidationError) as exc:
            raise Failure("retry", f"malformed answer: {str(exc)[:160]}") from None
        latency = (time.perf_counter() - started) * 1000
        return Reply(text, model, usage, latency, headers)

    def _transport_failure(self, exc: Exception) -> Failure:
        """What a refused, timed-out or unreachable request means for the run (the one
        mapping `call` and `stream` share)."""
        import openai

        if isinstance(exc, openai.APIStatusError):
            response = exc.response
            text = response.text[:200] if response is not None else ""
            return _status_failure(int(exc.status_code), dict(response.headers), text)
        refused = _refusal(exc)
        if isinstance(exc, openai.APITimeoutError) and refused is None:
            return Failure("retry", f"no answer within {self.timeout:g} s (timeout)")
        cause = refused or exc.__cause__ or exc
        return Failure("retry", f"cannot connect to {self.connection.host}: {cause}")

    async def stream(self, request: Mapping[str, Any]) -> AsyncIterator[str]:
        """The answer's text as the endpoint streams it, piece by piece.

        For a person watching an answer arrive (the TUI's test pane), not for eval runs:
        nothing is recorded or cached, and a failure is the same `Failure` as `call`'s.
        """
        import openai

        try:
            chunks = await self.client.chat.completions.create(**request, stream=True)
            async for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except (openai.APIStatusError, openai.APIConnectionError) as exc:
            raise self._transport_failure(exc) from None


def _refusal(exc: BaseException) -> OSError | None:
    """The connection error (refused, unreachable, unknown host) behind `exc`, if any.

    The aiohttp transport reports a refused connection as a connect *timeout* (its map
    of aiohttp's errors puts the base class first), so the cause chain is what tells a
    server that is down from one that is slow."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and not isinstance(seen, TimeoutError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


async def _read_stream(stream: Any) -> tuple[str, str | None, dict[str, int]]:
    parts: list[str] = []
    model = None
    usage: dict[str, int] = {}
    async for chunk in stream:
        model = chunk.model or model
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        if chunk.usage is not None:
            usage = {
                "input_tokens": chunk.usage.prompt_tokens,
                "output_tokens": chunk.usage.completion_tokens,
            }
    return "".join(parts), model, usage


def _status_failure(status: int, headers: Mapping[str, str], text: str) -> Failure:
    message = f"HTTP {status} from the endpoint: {text}"
    if status == 429:
        return Failure("throttle", message, headers, status)
    if status in (401, 403):
        return Failure(
            "fatal", f"the endpoint refused the key (HTTP {status}): {text}", headers, status
        )
    if status >= 500 or status in (408, 409):
        return Failure("retry", message, headers, status)
    return Failure("case", message, headers, status)
