"""Audit records: one structured record per render or openai_* call, to `promptreg.audit`.

Tier 2 asks for a clear audit trail and tier 3 for full logging; the prompt's `logging`
field says how much. At `metadata` (the default) a record names the prompt, its version,
content hash and tier, where it came from (a bundle's digest or the working tree), the
time, the caller's context and each variable's name and size, and never a value. At
`full` it also holds the values, with secrets and personal data replaced by the same
detectors the linter uses. At `none` nothing is recorded.

A record is built only when someone listens: the logger is enabled for INFO (its level
is left to the application, so by default records are dropped at no cost beyond one
check) or an OpenTelemetry span is recording. Neither `logging` nor OpenTelemetry is
imported here: a handler can be configured, and a span be current, only in a process
that imported them already, so both are looked up in `sys.modules`. The handlers are in
audit_log.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from logging import Logger
    from pathlib import Path
    from typing import IO, Any

    from promptreg.render.prompt import Prompt
    from promptreg.sdk.audit_log import JsonLinesHandler

LOGGER_NAME = "promptreg.audit"
WORKING_TREE = "working tree"
"""The source of a prompt read from files (development mode), as records name it."""

INFO = 20  # logging.INFO, without importing logging

_NO_CONTEXT: Mapping[str, str] = MappingProxyType({})
_CONTEXT: ContextVar[Mapping[str, str]] = ContextVar("promptreg_audit_context", default=_NO_CONTEXT)


@contextmanager
def audit_context(**context: str) -> Iterator[None]:
    """Add caller context (a request id, a user id) to every record made inside the block.

    Context variables follow threads and asyncio tasks, so concurrent requests each keep
    their own; nested blocks add to the outer one.
    """
    token = _CONTEXT.set({**_CONTEXT.get(), **context})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _size(value: Any) -> int:
    """Characters of a string, items of an array or object, characters of a scalar's text."""
    kind = type(value)
    if kind is str or kind is list or kind is tuple or kind is dict:  # the common cases, fast
        return len(value)
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    return len(str(value))


def _redacted(value: Any, allowed: tuple[str, ...]) -> Any:
    # Deferred: the detectors compile many patterns, and only `full` records need them.
    from promptreg.detect.redact import redact

    if isinstance(value, str):
        return redact(value, allowed_email_domains=allowed)
    if isinstance(value, Mapping):
        return {str(key): _redacted(item, allowed) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item, allowed) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value), allowed_email_domains=allowed)


class Auditor:
    """The observer a registry gives each prompt it serves; it knows the prompt's source."""

    __slots__ = ("allowed_email_domains", "source")

    def __init__(self, source: str, allowed_email_domains: Iterable[str] = ()) -> None:
        self.source = source
        """The bundle's digest, or WORKING_TREE."""
        self.allowed_email_domains = tuple(allowed_email_domains)
        """Addresses kept in `full` values, as the linter allows them (lint options)."""

    def __call__(self, prompt: Prompt, call: str, bound: Mapping[str, Any]) -> None:
        spec = prompt.spec
        level = spec.logging or "metadata"
        if level == "none":
            return
        trace = sys.modules.get("opentelemetry.trace")
        span = trace.get_current_span() if trace is not None else None
        if span is not None and not span.is_recording():
            span = None
        logger = _logger()
        listening = logger is not None and logger.isEnabledFor(INFO)
        if span is None and not listening:
            return
        record = self.record(prompt, call, bound, level)
        if span is not None:
            span.set_attributes(span_attributes(prompt, call, record))
        if listening and logger is not None:
            # makeRecord + handle is what logger.info does, less the walk up the stack
            # for the caller's file and line, which a record of a prompt call has no use
            # for and which costs as much as the rest of the record.
            logger.handle(
                logger.makeRecord(
                    LOGGER_NAME,
                    INFO,
                    "",
                    0,
                    "%s %s %s",
                    (call, spec.id, spec.version),
                    None,
                    extra={"audit": record},
                )
            )

    def record(
        self, prompt: Prompt, call: str, bound: Mapping[str, Any], level: str
    ) -> dict[str, Any]:
        """The record of one call, as JSON-ready values."""
        spec = prompt.spec
        record: dict[str, Any] = {
            "time": _timestamp(),
            "call": call,
            "prompt_id": spec.id,
            "version": spec.version,
            "content_hash": spec.content_hash,
            "tier": spec.tier,
            "logging": level,
            "source": self.source,
            "context": dict(_CONTEXT.get()),
            "variables": {name: _size(value) for name, value in bound.items()},
        }
        if level == "full":
            allowed = self.allowed_email_domains
            record["values"] = {name: _redacted(value, allowed) for name, value in bound.items()}
        return record


_last_second: tuple[int, str] = (-1, "")
"""The last whole second and its text, one tuple read and replaced whole, so a thread never
sees one second's number with another's text: records come many a second."""


def _timestamp() -> str:
    """The time in ISO 8601, UTC, to the millisecond."""
    global _last_second
    now = time.time()
    second = int(now)
    last = _last_second
    if last[0] != second:
        last = _last_second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{last[1]}.{int((now - second) * 1000):03d}Z"


_OPERATIONS = {"render": "chat", "openai_chat": "chat", "openai_responses": "chat"}


def span_attributes(prompt: Prompt, call: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as span attributes: GenAI semantic-convention names where one exists
    (`gen_ai.*`), the rest under `promptreg.*`. Values never go on a span: spans are
    exported to systems the prompt's logging level does not govern."""
    spec = prompt.spec
    model = spec.model
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": _OPERATIONS.get(call, "chat"),
        "gen_ai.request.model": model.name,
        "gen_ai.output.type": "json" if spec.output and spec.output.format == "json" else "text",
        "promptreg.call": call,
        "promptreg.prompt.id": spec.id,
        "promptreg.prompt.version": spec.version,
        "promptreg.prompt.content_hash": spec.content_hash,
        "promptreg.prompt.tier": spec.tier,
        "promptreg.source": record["source"],
        "promptreg.variables": sorted(record["variables"]),
    }
    settings = {
        "gen_ai.request.temperature": model.temperature,
        "gen_ai.request.top_p": model.top_p,
        "gen_ai.request.max_tokens": model.max_output_tokens,
        "gen_ai.request.seed": model.seed,
    }
    attributes.update({name: value for name, value in settings.items() if value is not None})
    for key, value in record["context"].items():
        attributes[f"promptreg.context.{key}"] = value
    return attributes


def _logger() -> Logger | None:
    """The `promptreg.audit` logger, if logging was imported: otherwise nothing listens."""
    logging = sys.modules.get("logging")
    return None if logging is None else logging.getLogger(LOGGER_NAME)


def log_audit_to(target: str | Path | IO[str], *, flush: bool = True) -> JsonLinesHandler:
    """Send audit records to a JSON-lines file (appended) or stream, and enable them.

    For applications without a logging setup of their own; one with one adds a
    `audit_log.JsonLinesHandler` (or any handler) to the `promptreg.audit` logger itself.
    """
    from promptreg.sdk.audit_log import log_audit_to as attach

    return attach(target, flush=flush)
