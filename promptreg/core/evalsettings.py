"""The `evals:` section of promptreg.yaml: where `promptreg test` sends requests and how
its results count.

The file is committed and read by everyone with the repository, so it names the
*environment variable* that holds an endpoint's key, never the key: a key written into
it is refused before anything else is read.

The records are named tuples (read, never replaced): every lint run defines them at
start-up, where frozen dataclasses cost ten times as much to define. Their mapping
defaults are shared read-only proxies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from promptreg.core.document import Document
from promptreg.core.errors import ConfigError
from promptreg.core.records import Record

if TYPE_CHECKING:
    from typing import Any

DEFAULT_ENDPOINT = "default"
"""The endpoint used without an `evals:` section: OPENAI_BASE_URL and OPENAI_API_KEY."""

_KEY_WORDS = ("api_key", "key", "token", "secret", "password")
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Price(Record):
    """US dollars per million tokens."""

    input: float
    output: float


class Endpoint(Record):
    """An OpenAI-compatible endpoint the eval runner may send cases to."""

    name: str
    base_url: str | None = None
    """None: OPENAI_BASE_URL, else the OpenAI API."""
    api_key_env: str = "OPENAI_API_KEY"
    models: Mapping[str, str] = MappingProxyType({})
    """A prompt's model name → the name this endpoint knows it by."""
    api: str = "chat"
    """`chat` (chat completions) or `responses`."""
    stream: bool = False

    def model_for(self, prompt_model: str) -> str:
        return self.models.get(prompt_model, prompt_model)


_DEFAULT_ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType(
    {DEFAULT_ENDPOINT: Endpoint(DEFAULT_ENDPOINT)}
)


class EvalSettings(Record):
    """The `evals:` section of promptreg.yaml: the endpoints and which one runs by
    default."""

    endpoints: Mapping[str, Endpoint] = _DEFAULT_ENDPOINTS
    endpoint: str = DEFAULT_ENDPOINT
    """The endpoint `promptreg test` uses without --endpoint, and whose model mapping the
    eval rules assume when they compute the current fingerprints."""
    timeout: float = 60.0
    concurrency: int = 32
    """The most requests in flight at once, whatever --concurrency says."""
    prices: Mapping[str, Price] = MappingProxyType({})
    judge: str | None = None
    """The id of the registry prompt that grades `llm-rubric` assertions."""
    budget: float | None = None
    """US dollars one run may spend before it stops (exit status 3)."""
    require_results: bool = True
    """False: the eval rules stay silent until the registry has recorded any result."""
    batch_poll_seconds: float = 30.0
    signed_by: tuple[str, ...] = ()
    """Allowed-signers principals whose SSH signature (namespace promptreg-evals) a
    results file needs to count; empty: results count unsigned, as the pull request
    wrote them (docs/security.md, "Recorded eval results")."""

    def default_endpoint(self) -> Endpoint:
        return self.endpoints[self.endpoint]


def refuse_literal_keys(document: Document) -> None:
    """A key typed into promptreg.yaml is an error, found before the schema is checked,
    so the message says what to do instead of "unknown property"."""
    raw = document.value.get("evals") if isinstance(document.value, dict) else None
    if not isinstance(raw, dict):
        return
    places: list[tuple[str | int, ...]] = [("evals",)]
    endpoints = raw.get("endpoints")
    if isinstance(endpoints, dict):
        places += [("evals", "endpoints", name) for name in endpoints]
    for place in places:
        holder: Any = document.value
        for part in place:
            holder = holder[part]
        if not isinstance(holder, dict):
            continue
        for word in _KEY_WORDS:
            if word in holder:
                raise ConfigError(
                    f"promptreg.yaml holds an API key ({'.'.join(map(str, place))}.{word}); "
                    "a key must never be written into a committed file",
                    location=document.location((*place, word), key=True),
                    hint="remove it, rotate the key, and name the environment variable that "
                    "holds it instead: `api_key_env: OPENAI_API_KEY`",
                )
        env = holder.get("api_key_env")
        if isinstance(env, str) and not _ENV_NAME_RE.match(env):
            raise ConfigError(
                f"api_key_env must name an environment variable, not hold a value: {env[:4]}…",
                location=document.location((*place, "api_key_env")),
                hint="write the variable's name (e.g. OPENAI_API_KEY) and export the key in it",
            )


def _endpoint(name: str, raw: Mapping[str, Any]) -> Endpoint:
    return Endpoint(
        name=name,
        base_url=raw.get("base_url"),
        api_key_env=raw.get("api_key_env", "OPENAI_API_KEY"),
        models=MappingProxyType(dict(raw.get("models") or {})),
        api=raw.get("api", "chat"),
        stream=bool(raw.get("stream", False)),
    )


def eval_settings(raw: Mapping[str, Any] | None, document: Document) -> EvalSettings:
    """The `evals:` section, schema-valid already; defaults when there is none."""
    if not raw:
        return EvalSettings()
    endpoints = {name: _endpoint(name, item) for name, item in (raw.get("endpoints") or {}).items()}
    if not endpoints:
        endpoints = {DEFAULT_ENDPOINT: Endpoint(DEFAULT_ENDPOINT)}
    chosen = raw.get("endpoint", next(iter(endpoints)))
    if chosen not in endpoints:
        raise ConfigError(
            f"evals.endpoint names {chosen!r}, which is not under evals.endpoints",
            location=document.location(("evals", "endpoint")),
            hint=f"use one of {', '.join(sorted(endpoints))}",
        )
    prices = {
        model: Price(float(p["input"]), float(p["output"]))
        for model, p in (raw.get("prices") or {}).items()
    }
    budget = raw.get("budget")
    return EvalSettings(
        endpoints=MappingProxyType(endpoints),
        endpoint=chosen,
        timeout=float(raw.get("timeout", 60.0)),
        concurrency=int(raw.get("concurrency", 32)),
        prices=MappingProxyType(prices),
        judge=raw.get("judge"),
        budget=float(budget) if budget is not None else None,
        require_results=bool(raw.get("require_results", True)),
        batch_poll_seconds=float(raw.get("batch_poll_seconds", 30.0)),
        signed_by=tuple(raw.get("signed_by") or ()),
    )
