"""The two routes an audit record takes: straight to our JSON-lines handlers when they are
its only consumers, through `logging` as soon as anything else may see it. Both write the
same line; the redaction memo never weakens what a `full` record hides."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from promptreg import Registry
from promptreg.sdk.audit import LOGGER_NAME, MEMO_CHARS, audit_context
from promptreg.sdk.audit_log import JsonLinesHandler
from tests.sdk.test_audit import CARD, EMAIL, FULL, METADATA, REPO, SECRET, route

TRICKY = 'He said "refund\\now"\n\t— ünïcode ✓ \x01 </script>'
"""Quotes, a backslash, control characters and non-ASCII text: what the encoder escapes."""

CALLS: list[tuple[str, dict[str, str]]] = [
    (METADATA, {"ticket_text": TRICKY, "customer_tier": "pro"}),
    (FULL, {"channel": "email", "received_date": "2026-11-02", "request_text": TRICKY}),
    (FULL, {"channel": "chat", "received_date": "2026-11-03", "request_text": f"I am {EMAIL}"}),
]


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Every LogRecord made while the test runs, by any logger."""
    made: list[logging.LogRecord] = []
    factory = logging.getLogRecordFactory()

    def counting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        made.append(record)
        return record

    logging.setLogRecordFactory(counting)
    try:
        yield made
    finally:
        logging.setLogRecordFactory(factory)


def _calls(registry: Registry) -> None:
    with audit_context(request_id='req "7"', user="ünï"):
        for prompt_id, values in CALLS:
            registry.get(prompt_id).render(**values)


def _lines(buffer: io.StringIO) -> list[str]:
    return buffer.getvalue().splitlines()


def _without_time(line: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(line)
    del record["time"]
    return record


def test_both_routes_write_the_same_compact_json_lines(
    stream: io.StringIO, log_records: list[logging.LogRecord]
) -> None:
    registry = Registry.open(REPO)
    with route("direct"):
        _calls(registry)
    assert [r for r in log_records if r.name == LOGGER_NAME] == []  # no LogRecord made
    direct = _lines(stream)
    stream.seek(0)
    stream.truncate()
    with route("through logging"):
        _calls(registry)
    assert len([r for r in log_records if r.name == LOGGER_NAME]) == len(CALLS)
    through = _lines(stream)

    assert len(direct) == len(through) == len(CALLS)
    assert [_without_time(line) for line in direct] == [_without_time(line) for line in through]
    for line in direct + through:
        # What json itself writes for the record, byte for byte: compact, unescaped text.
        assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))
    first = json.loads(direct[0])
    assert first["context"] == {"request_id": 'req "7"', "user": "ünï"}
    assert first["variables"] == {"ticket_text": len(TRICKY), "customer_tier": 3}
    assert json.loads(direct[1])["values"]["request_text"] == TRICKY
    assert "[redacted email]" in json.loads(direct[2])["values"]["request_text"]


def test_another_handler_on_the_logger_gets_every_record(stream: io.StringIO) -> None:
    """The contract: records reach the `promptreg.audit` logger, whoever else listens."""
    seen: list[logging.LogRecord] = []
    other = logging.Handler()
    other.emit = seen.append  # type: ignore[method-assign]
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(other)
    try:
        with route("direct"):
            Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    finally:
        logger.removeHandler(other)
    (record,) = seen
    (line,) = _lines(stream)
    assert record.getMessage().startswith(f"render {METADATA} ")
    assert getattr(record, "audit") == json.loads(line)  # noqa: B009


def test_a_filter_on_our_handler_gets_log_records_and_can_drop_them(
    stream: io.StringIO,
) -> None:
    (handler,) = logging.getLogger(LOGGER_NAME).handlers
    offered: list[str] = []

    def keep_tier_three(record: logging.LogRecord) -> bool:
        offered.append(record.getMessage())
        return bool(getattr(record, "audit", {}).get("tier") == 3)

    handler.addFilter(keep_tier_three)
    with route("direct"):
        registry = Registry.open(REPO)
        registry.get(METADATA).render(ticket_text="hello")
        registry.get(FULL).render(channel="email", received_date="2026-11-02", request_text="x")
    assert [message.split()[1] for message in offered] == [METADATA, FULL]
    assert [json.loads(line)["prompt_id"] for line in _lines(stream)] == [FULL]


def test_a_subclass_of_our_handler_gets_log_records(
    log_records: list[logging.LogRecord],
) -> None:
    """A subclass may override emit, so it is handed what logging hands any handler."""
    emitted: list[logging.LogRecord] = []

    class Counting(JsonLinesHandler):
        def emit(self, record: logging.LogRecord) -> None:
            emitted.append(record)
            super().emit(record)

    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    buffer = io.StringIO()
    handler = Counting(buffer)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with route("direct"):
            Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    (record,) = emitted
    assert json.loads(buffer.getvalue()) == getattr(record, "audit")  # noqa: B009


def test_a_handler_above_info_elsewhere_does_not_change_the_route(
    stream: io.StringIO, log_records: list[logging.LogRecord]
) -> None:
    root = logging.getLogger()
    warnings_only = logging.StreamHandler(io.StringIO())
    warnings_only.setLevel(logging.WARNING)
    saved = root.handlers[:]
    root.handlers = [warnings_only]  # the test runner's own handlers out of the way
    try:
        assert logging.getLogger(LOGGER_NAME).propagate
        Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    finally:
        root.handlers = saved
    assert [r for r in log_records if r.name == LOGGER_NAME] == []
    assert json.loads(_lines(stream)[0])["prompt_id"] == METADATA


def test_a_span_and_our_handler_both_get_the_record(stream: io.StringIO) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with route("direct"), provider.get_tracer("test").start_as_current_span("request"):
        Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    (span,) = exporter.get_finished_spans()
    assert dict(span.attributes or {})["promptreg.prompt.id"] == METADATA
    (line,) = _lines(stream)
    assert json.loads(line)["variables"] == {"ticket_text": 5, "customer_tier": len("free")}


@pytest.mark.parametrize("kind", ["direct", "through logging"])
def test_remembered_redactions_hide_as_much_as_fresh_ones(stream: io.StringIO, kind: str) -> None:
    """The same secret twice, and a value too long to be remembered, on both routes."""
    prompt = Registry.open(REPO).get(FULL)
    short = f"card {CARD}, mail {EMAIL}, key {SECRET}"
    padding = "words " * (MEMO_CHARS // 6 + 1)  # too long to remember, within max_tokens
    long = padding + short
    render: Callable[[str], object] = lambda text: prompt.render(  # noqa: E731
        channel="email", received_date="2026-11-02", request_text=text
    )
    with route(kind):
        for text in (short, short, long, long):
            render(text)
    kept = [json.loads(line)["values"]["request_text"] for line in _lines(stream)]
    clean = "card [redacted card], mail [redacted email], key [redacted secret]"
    assert kept[0] == kept[1] == clean
    assert len(long) > MEMO_CHARS
    assert kept[2] == kept[3] == padding + kept[0]
    for leaked in (CARD, EMAIL, SECRET):
        assert leaked not in stream.getvalue()
