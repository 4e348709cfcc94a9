"""Records that go through `logging` (another handler listens): the LogRecord made from a
template is what `Logger.makeRecord` makes, and our handlers write the line encoded
beforehand only where nothing could have changed the record before they see it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from promptreg import Registry
from promptreg.sdk.audit import LOGGER_NAME
from promptreg.sdk.audit_log import (
    JsonLinesFileHandler,
    JsonLinesHandler,
    RecordMaker,
    encode_record,
)
from tests.sdk.test_audit import EMAIL, FULL, METADATA, REPO, route

EVERY_FIELD = (
    "%(asctime)s %(name)s %(levelno)d %(levelname)s %(pathname)s %(filename)s %(module)s "
    "%(funcName)s %(lineno)d %(created)f %(msecs)d %(relativeCreated)d %(thread)d "
    "%(threadName)s %(process)d %(processName)s %(message)s"
)


class Keeping(logging.Handler):
    """Another handler: keeps each record it is handed, formatted with every field."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter(EVERY_FIELD))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def keeping() -> Iterator[Keeping]:
    """Another handler on the root logger, where `logging.basicConfig()` puts one."""
    root = logging.getLogger()
    handler = Keeping()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _audit(record: logging.LogRecord) -> Any:
    return record.__dict__["audit"]


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in ("audit", "message", "asctime")}


def test_a_record_from_the_template_is_what_make_record_makes() -> None:
    audit = {"call": "render"}
    args = ("render", METADATA, "1.0.0")
    before = time.time()
    made = RecordMaker()("%s %s %s", args, audit)
    logger = logging.getLogger(LOGGER_NAME)
    expected = logger.makeRecord(
        LOGGER_NAME, logging.INFO, "", 0, "%s %s %s", args, None, extra={"audit": audit}
    )
    assert made is not None and type(made) is logging.LogRecord
    assert made.__dict__.keys() == expected.__dict__.keys()
    timing = ("created", "msecs", "relativeCreated")
    assert {k: v for k, v in _fields(made).items() if k not in timing} == {
        k: v for k, v in _fields(expected).items() if k not in timing
    }
    assert before <= made.created <= expected.created
    assert made.msecs == int((made.created - int(made.created)) * 1000)
    # relativeCreated counts from when logging was loaded, as logging's own does.
    assert (
        abs(
            (expected.relativeCreated - made.relativeCreated)
            - (expected.created - made.created) * 1000
        )
        < 1.0
    )
    assert _audit(made) is audit
    assert made.getMessage() == f"render {METADATA} 1.0.0"


def test_each_record_names_its_own_thread_and_process() -> None:
    maker = RecordMaker()
    made: list[logging.LogRecord | None] = []
    maker("%s %s %s", (), {})  # the template, made in this thread
    worker = threading.Thread(target=lambda: made.append(maker("%s %s %s", (), {})))
    worker.name = "audit-worker"
    worker.start()
    worker.join()
    (record,) = made
    assert record is not None
    assert (record.threadName, record.thread) == ("audit-worker", worker.ident)
    assert record.process == os.getpid()


def test_an_application_factory_or_setting_gets_make_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maker = RecordMaker()
    assert maker("%s %s %s", (), {}) is not None
    monkeypatch.setattr(logging, "logThreads", False)
    assert maker("%s %s %s", (), {}) is None
    monkeypatch.undo()
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(lambda *a, **k: factory(*a, **k))
    try:
        assert maker("%s %s %s", (), {}) is None
    finally:
        logging.setLogRecordFactory(factory)


def test_another_handler_gets_a_whole_record_and_ours_the_same_line(
    stream: io.StringIO, keeping: Keeping
) -> None:
    registry = Registry.open(REPO)
    registry.get(METADATA).render(ticket_text="hello")
    registry.get(FULL).render(channel="chat", received_date="2026-11-03", request_text=EMAIL)
    lines = stream.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == [_audit(r) for r in keeping.records]
    assert lines == [encode_record(_audit(r)) for r in keeping.records]
    assert "[redacted email]" in lines[1] and EMAIL not in stream.getvalue()
    # Formatted with every field, it reads as a record makeRecord made at the same time.
    record = keeping.records[0]
    args = record.args
    assert isinstance(args, tuple)
    twin = logging.getLogger(LOGGER_NAME).makeRecord(
        LOGGER_NAME, logging.INFO, "", 0, record.msg, args, None
    )
    for name in ("created", "msecs", "relativeCreated"):
        setattr(twin, name, getattr(record, name))
    assert keeping.lines[0] == keeping.format(twin)
    assert keeping.lines[0].endswith(f"MainProcess render {METADATA} {args[2]}")


def test_a_handler_before_ours_may_change_the_record_and_ours_writes_the_change(
    stream: io.StringIO,
) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    ours = logger.handlers[-1]

    class Marking(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            _audit(record)["context"]["seen"] = "yes"

    marking = Marking()
    logger.handlers.insert(logger.handlers.index(ours), marking)
    try:
        Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    finally:
        logger.removeHandler(marking)
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line)["context"] == {"seen": "yes"}


def test_a_filter_on_our_handler_may_change_the_record_and_is_obeyed(
    stream: io.StringIO, keeping: Keeping
) -> None:
    (ours,) = [h for h in logging.getLogger(LOGGER_NAME).handlers if type(h) is JsonLinesHandler]

    def drop_sizes(record: logging.LogRecord) -> bool:
        _audit(record)["variables"] = {}
        return True

    ours.addFilter(drop_sizes)
    try:
        Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    finally:
        ours.removeFilter(drop_sizes)
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line)["variables"] == {}
    assert len(keeping.records) == 1


def test_a_line_expected_for_another_record_is_not_written() -> None:
    """What a handler sees when another thread's record replaced the one expected."""
    buffer = io.StringIO()
    handler = JsonLinesHandler(buffer)
    maker = RecordMaker()
    first = maker("%s %s %s", ("render", "a", "1"), {"call": "first"})
    second = maker("%s %s %s", ("render", "b", "1"), {"call": "second"})
    assert first is not None and second is not None
    handler.expect(first, '{"call":"first, as encoded"}')
    handler.handle(second)
    handler.handle(first)
    handler.handle(first)  # expected once: written as any record the second time
    assert buffer.getvalue().splitlines() == [
        '{"call":"second"}',
        '{"call":"first, as encoded"}',
        '{"call":"first"}',
    ]


def test_the_through_logging_route_is_taken(stream: io.StringIO, keeping: Keeping) -> None:
    """With a handler on the root logger, every record reaches it, in order."""
    with route("through logging"):
        for text in ("one", "two", "three"):
            Registry.open(REPO).get(METADATA).render(ticket_text=text)
    sizes = [_audit(r)["variables"]["ticket_text"] for r in keeping.records]
    assert sizes == [3, 3, 5]
    assert [
        json.loads(line)["variables"]["ticket_text"] for line in stream.getvalue().splitlines()
    ] == sizes


def test_a_filter_added_after_a_line_was_expected_still_decides() -> None:
    buffer = io.StringIO()
    handler = JsonLinesHandler(buffer)
    record = RecordMaker()("%s %s %s", ("render", "a", "1"), {"call": "kept?"})
    assert record is not None
    handler.expect(record, '{"call":"encoded"}')
    handler.addFilter(lambda _: False)
    handler.handle(record)
    assert buffer.getvalue() == ""


def test_threads_writing_at_once_each_get_their_own_line(
    stream: io.StringIO, keeping: Keeping
) -> None:
    """A line expected for one thread's record is never written for another's."""
    registry = Registry.open(REPO)

    def work(worker: int) -> None:
        prompt = registry.get(METADATA)
        for call in range(50):
            prompt.render(ticket_text="x" * (worker * 100 + call))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().splitlines()
    sizes = sorted(json.loads(line)["variables"]["ticket_text"] for line in lines)
    assert sizes == sorted(worker * 100 + call for worker in range(1, 5) for call in range(50))
    assert sorted(lines) == sorted(encode_record(_audit(r)) for r in keeping.records)


def test_a_handler_of_the_application_alone_gets_the_record(tmp_path: Path) -> None:
    """In a process that never imported our handlers: logging is there, audit_log not."""
    script = f"""
import json, logging, sys
from promptreg import Registry
seen = []
handler = logging.Handler()
handler.emit = seen.append
logger = logging.getLogger({LOGGER_NAME!r})
logger.addHandler(handler)
logger.setLevel(logging.INFO)
Registry.open({str(REPO)!r}).get({FULL!r}).render(
    channel="chat", received_date="2026-11-03", request_text="mail {EMAIL}"
)
(record,) = seen
print(json.dumps([record.getMessage(), record.audit, "promptreg.sdk.audit_log" in sys.modules]))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    message, audit, imported = json.loads(run.stdout)
    assert message.startswith(f"render {FULL} ")
    assert audit["values"]["request_text"] == "mail [redacted email]"
    assert audit["variables"]["request_text"] == len(f"mail {EMAIL}")
    assert imported is False


@pytest.mark.parametrize("flush", [True, False])
def test_a_file_gets_every_line_whole_and_in_order_by_every_path(
    tmp_path: Path, flush: bool
) -> None:
    """write_line (the direct route, an expected record) and emit (any other record)
    append to the same file, after what it held, in the order they were called."""
    path = tmp_path / "audit.jsonl"
    path.write_text('{"earlier":"line"}\n', encoding="utf-8")
    handler = JsonLinesFileHandler(path, flush=flush)
    maker = RecordMaker()
    try:
        handler.write_line('{"n":1,"text":"ünïcode ✓"}')
        record = maker("%s %s %s", (), {"n": 2})
        assert record is not None
        handler.handle(record)
        expected = maker("%s %s %s", (), {"n": 3})
        assert expected is not None
        handler.expect(expected, '{"n":3}')
        handler.handle(expected)
        if flush:  # each line is in the file as soon as it is written
            assert path.read_text(encoding="utf-8").count("\n") == 4
    finally:
        handler.close()
    assert path.read_text(encoding="utf-8").splitlines() == [
        '{"earlier":"line"}',
        '{"n":1,"text":"ünïcode ✓"}',
        '{"n":2}',
        '{"n":3}',
    ]
