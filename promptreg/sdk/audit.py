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

Cost: where the handlers of audit_log.py are all a record would reach (no other
handler on `promptreg.audit` or the loggers it propagates to, no filters), it is written
to them as one JSON line from parts encoded once per prompt, with neither a dict nor a
`logging.LogRecord` made. Otherwise (a handler of the application's, a filter, a
recording span) the record is a dict, sent through `logging` in a LogRecord made from a
template, and ours that see it first write the line encoded the same way rather than
ask json for it. At `full`, each auditor remembers the redaction of recent short values
(bounded): the same values (a channel, a date) come back call after call.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from promptreg.sdk.audit_values import redacted as _redacted
from promptreg.sdk.audit_values import size_of as _size
from promptreg.sdk.audit_values import text_of

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from logging import Logger
    from pathlib import Path
    from typing import IO, Any, TypeVar

    from promptreg.core.model import PromptSpec
    from promptreg.render.prompt import Prompt
    from promptreg.sdk.audit_log import JsonLinesHandler, RecordMaker

    _T = TypeVar("_T")

LOGGER_NAME = "promptreg.audit"
WORKING_TREE = "working tree"
"""The source of a prompt read from files (development mode), as records name it."""

INFO = 20  # logging.INFO, without importing logging
_MESSAGE = "%s %s %s"
"""A LogRecord's message: the call, the prompt's id and version."""
_SINK = "promptreg.sdk.audit_log"
"""The module of our handlers: a process without it has none of them configured."""

MEMO_ENTRIES = 512
"""Redacted values an auditor remembers, most recently used first: as text for records
through `logging`, and written as JSON for the direct route (each in its own memo)."""
MEMO_CHARS = 2048
"""Longer values are redacted afresh each time: scanning them dwarfs a record anyway,
and the memo stays below a few megabytes. It holds the values as they came, secrets
included, in the process's memory (never in a record) until newer values push them out."""

_NO_CONTEXT: Mapping[str, str] = MappingProxyType({})
_CONTEXT: ContextVar[Mapping[str, str]] = ContextVar("promptreg_audit_context", default=_NO_CONTEXT)


@contextmanager
def audit_context(**context: str) -> Iterator[None]:
    """Add caller context (a request id, a user id) to every record made inside the block.

    Context variables follow threads and asyncio tasks, so concurrent requests each keep
    their own; nested blocks add to the outer one. A value that is not a string is kept
    as its text (one whose `__str__` fails, as its type's name): a record is written
    whatever the caller passed, without raising out of a render.
    """
    given = {k: v if type(v) is str else text_of(v) for k, v in context.items()}
    token = _CONTEXT.set({**_CONTEXT.get(), **given})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


_SIZED = frozenset((str, list, tuple, dict))


class Auditor:
    """The observer a registry gives each prompt it serves; it knows the prompt's source."""

    __slots__ = (
        "_encoded",
        "_fields",
        "_logger",
        "_records",
        "_redact",
        "_redact_json",
        "_second",
        "_stamp",
        "allowed_email_domains",
        "source",
    )

    def __init__(self, source: str, allowed_email_domains: Iterable[str] = ()) -> None:
        self.source = source
        """The bundle's digest, or WORKING_TREE."""
        self.allowed_email_domains = tuple(allowed_email_domains)
        """Addresses kept in `full` values, as the linter allows them (lint options)."""
        self._logger: Logger | None = None
        self._records: RecordMaker | None = None
        """Makes the LogRecords of records that go through `logging`."""
        self._redact: Callable[[str], str] | None = None
        self._redact_json: tuple[Callable[[str], str], Callable[[str], str]] | None = None
        self._second: tuple[int, str] = (-1, "")
        """The last whole second and its text, one tuple read and replaced whole, so a
        thread never sees one second's number with another's text: records come many a
        second."""
        self._stamp: tuple[int, str] = (-1, "")
        """The same for the last millisecond and the whole timestamp."""
        self._fields: dict[int, tuple[PromptSpec, dict[str, Any], dict[str, Any]]] = {}
        """By the id of a prompt's spec (kept, so a reused id is noticed): the fields
        every record of that prompt has, in record order, and a whole record of that
        prompt with those fields in place, copied for each record through `logging`."""
        self._encoded: dict[int, tuple[PromptSpec, str, str, Mapping[str, str]]] = {}
        """The same with its logging level, encoded as JSON, and each variable's name
        as a JSON key."""

    def __call__(self, prompt: Prompt, call: str, bound: Mapping[str, Any]) -> None:
        spec = prompt.spec
        level = spec.logging or "metadata"
        if level == "none":
            return
        trace = sys.modules.get("opentelemetry.trace")
        span = trace.get_current_span() if trace is not None else None
        if span is not None and not span.is_recording():
            span = None
        logger = self._logger or self._find_logger()
        listening = logger is not None and logger.isEnabledFor(INFO)
        if span is None and not listening:
            return
        sink = sys.modules.get(_SINK) if listening else None
        ours, handlers = sink.route(logger) if sink is not None else (False, [])
        if span is None and ours:
            if handlers:  # no LogRecord, and no dict: the line straight from the values
                line = self._line(sink, spec, call, bound, level)
                for handler in handlers:
                    handler.write_line(line)
            return
        record, line = self._record(sink, spec, call, bound, level)
        if span is not None:
            from promptreg.sdk.audit_span import span_attributes

            span.set_attributes(span_attributes(prompt, call, record))
        if logger is None or not listening:
            return
        if ours:
            for handler in handlers:
                handler.write_line(line)
            return
        args = (call, spec.id, spec.version)
        maker = None if sink is None else self._records or self._record_maker(sink)
        made = None if maker is None else maker(_MESSAGE, args, record)
        if made is None:
            # makeRecord + handle is what logger.info does, less the walk up the stack
            # for the caller's file and line, which a record of a prompt call has no use
            # for and which costs as much as the rest of the record.
            made = logger.makeRecord(
                LOGGER_NAME, INFO, "", 0, _MESSAGE, args, None, extra={"audit": record}
            )
        for handler in handlers:  # ours, before anything that could change the record
            handler.expect(made, line)
        logger.handle(made)

    def _line(
        self, sink: Any, spec: PromptSpec, call: str, bound: Mapping[str, Any], level: str
    ) -> str:
        """`sink.encode_record(self.record(...))`, written straight from the values with
        the prompt's parts encoded once: what nearly every record costs."""
        fixed, keys = self._fragments(sink, spec, level)
        string = sink.encode_basestring
        context = _CONTEXT.get()
        shown = "{}" if context is _NO_CONTEXT else sink.encode_object(context)
        # The time holds digits, "-", ":", "T", "." and "Z" only: nothing to escape.
        head = f'{{"time":"{self._timestamp()}","call":{string(call)}{fixed},"context":{shown}'
        if level != "full":
            sizes = [
                (keys.get(name) or string(name) + ":")
                + str(len(value) if type(value) in _SIZED else _size(value))
                for name, value in bound.items()
            ]
            return f'{head},"variables":{{{",".join(sizes)}}}}}'
        memo, fresh = self._redact_json or self._json_redactor(sink)
        sizes = []
        values = []
        for name, value in bound.items():  # one pass for both
            key = keys.get(name) or string(name) + ":"
            if type(value) is str:
                sizes.append(f"{key}{len(value)}")
                values.append(key + (memo(value) if len(value) <= MEMO_CHARS else fresh(value)))
            else:
                sizes.append(f"{key}{len(value) if type(value) in _SIZED else _size(value)}")
                shown = sink.encode_value(_redacted(value, self._redact or self._redactor()))
                values.append(key + shown)
        return f'{head},"variables":{{{",".join(sizes)}}},"values":{{{",".join(values)}}}}}'

    def _record(
        self, sink: Any, spec: PromptSpec, call: str, bound: Mapping[str, Any], level: str
    ) -> tuple[dict[str, Any], str]:
        """The record of one call as JSON-ready values, for a span or a LogRecord, and
        the line `sink.encode_record` writes for it (none without a sink), from the
        prompt's parts encoded once: a third of what json's encoder costs for it."""
        context = _CONTEXT.get()
        stamp = self._timestamp()
        sizes = {
            name: len(value) if type(value) in _SIZED else _size(value)
            for name, value in bound.items()
        }
        known = self._fields.get(id(spec))
        if known is None or known[0] is not spec or known[1]["logging"] != level:
            known = self._prompt_fields(spec, level)
        # A copy of the prompt's record with its keys in order: a dict display merging
        # the prompt's fields in costs twice as much.
        record = known[2].copy()
        record["time"] = stamp
        record["call"] = call
        record["context"] = {} if context is _NO_CONTEXT else dict(context)
        record["variables"] = sizes
        if level == "full":
            record["values"] = self._values(bound)
        if sink is None:
            return record, ""
        fixed, keys = self._fragments(sink, spec, level)
        string = sink.encode_basestring
        shown = "{}" if context is _NO_CONTEXT else sink.encode_object(context)
        listed = ",".join([(keys.get(n) or string(n) + ":") + str(k) for n, k in sizes.items()])
        line = (
            f'{{"time":"{stamp}","call":{string(call)}{fixed}'
            f',"context":{shown},"variables":{{{listed}}}'
        )
        if level != "full":
            return record, line + "}"
        listed = ",".join(
            [
                (keys.get(name) or string(name) + ":")
                + (string(value) if type(value) is str else sink.encode_value(value))
                for name, value in record["values"].items()
            ]
        )
        return record, f'{line},"values":{{{listed}}}}}'

    def _fragments(self, sink: Any, spec: PromptSpec, level: str) -> tuple[str, Mapping[str, str]]:
        """The prompt's fields, encoded, and each variable's name as a JSON key."""
        known = self._encoded.get(id(spec))
        if known is None or known[0] is not spec or known[1] != level:
            fixed, keys = sink.prompt_fragments(self._fixed(spec, level), spec.variables)
            known = _remember(self._encoded, spec, (spec, level, fixed, keys))
        return known[2], known[3]

    def _fixed(self, spec: PromptSpec, level: str) -> dict[str, Any]:
        return self._prompt_fields(spec, level)[1]

    def _prompt_fields(
        self, spec: PromptSpec, level: str
    ) -> tuple[PromptSpec, dict[str, Any], dict[str, Any]]:
        """The prompt's entry in `_fields`, made if missing: read once, so another thread
        starting the cache again cannot take it away between a check and a read."""
        known = self._fields.get(id(spec))
        if known is None or known[0] is not spec or known[1]["logging"] != level:
            fields = {
                "prompt_id": spec.id,
                "version": spec.version,
                "content_hash": spec.content_hash,
                "tier": spec.tier,
                "logging": level,
                "source": self.source,
            }
            shape = {"time": "", "call": "", **fields, "context": None, "variables": None}
            known = _remember(self._fields, spec, (spec, fields, shape))
        return known

    def _values(self, bound: Mapping[str, Any]) -> dict[str, Any]:
        redact = self._redact or self._redactor()
        return {
            name: redact(value) if type(value) is str else _redacted(value, redact)
            for name, value in bound.items()
        }

    def _timestamp(self) -> str:
        """The time in ISO 8601, UTC, to the millisecond."""
        now = int(time.time() * 1000)
        last = self._stamp
        if last[0] == now:  # records come many a millisecond when it matters
            return last[1]
        second, millisecond = divmod(now, 1000)
        day = self._second
        if day[0] != second:
            day = self._second = (
                second,
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)),
            )
        text = f"{day[1]}.{millisecond:03d}Z"
        self._stamp = (now, text)
        return text

    def _record_maker(self, sink: Any) -> RecordMaker:
        self._records = sink.RecordMaker()
        return self._records

    def _find_logger(self) -> Logger | None:
        """The `promptreg.audit` logger, if logging was imported: otherwise nothing listens.
        Kept once found: logging keeps one logger per name for the process's life."""
        logging = sys.modules.get("logging")
        if logging is None:
            return None
        self._logger = logging.getLogger(LOGGER_NAME)
        return self._logger

    def _redactor(self) -> Callable[[str], str]:
        """redact() with this auditor's allowed domains, remembering recent short values."""
        from promptreg.sdk.audit_redact import text_redactor

        self._redact = text_redactor(self.allowed_email_domains, MEMO_ENTRIES, MEMO_CHARS)
        return self._redact

    def _json_redactor(self, sink: Any) -> tuple[Callable[[str], str], Callable[[str], str]]:
        """The same, written as a JSON string: what the direct route puts in a line."""
        from promptreg.sdk.audit_redact import json_redactor

        domains, string = self.allowed_email_domains, sink.encode_basestring
        self._redact_json = json_redactor(domains, string, MEMO_ENTRIES)
        return self._redact_json


PROMPTS_REMEMBERED = 4096
"""Prompts whose record fields an auditor keeps; past that it starts again (a registry
serving pinned versions may build prompts without end)."""


def _remember(cache: dict[int, _T], spec: PromptSpec, entry: _T) -> _T:
    if len(cache) >= PROMPTS_REMEMBERED:
        cache.clear()
    cache[id(spec)] = entry
    return entry


def log_audit_to(target: str | Path | IO[str], *, flush: bool = True) -> JsonLinesHandler:
    """Send audit records to a JSON-lines file (appended) or stream, and enable them.

    For applications without a logging setup of their own; one with one adds a
    `audit_log.JsonLinesHandler` (or any handler) to the `promptreg.audit` logger itself.
    """
    from promptreg.sdk.audit_log import log_audit_to as attach

    return attach(target, flush=flush)
