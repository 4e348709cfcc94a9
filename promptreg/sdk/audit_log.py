"""The JSON-lines handlers for `promptreg.audit`, apart from audit.py so that serving a
prompt never imports `logging` for an application that logs nothing.

When these handlers are the only ones an INFO record of `promptreg.audit` would reach
(`route`), audit.py hands them the encoded line itself (`write_line`) rather than a
`logging.LogRecord` made for them alone: the line written is the same. A handler of the
application's anywhere on the way (on the logger, or on the root logger it propagates
to) makes every record go through `logging` again, to it and to ours. Then ours still
write the line audit.py encoded (`expect`), as long as nothing could have changed the
record before they see it, and the LogRecord is made from a template (`RecordMaker`)
rather than by `Logger.makeRecord`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from pathlib import Path

LOGGER_NAME = "promptreg.audit"
"""audit.LOGGER_NAME, spelled again: importing audit.py from here would make a cycle (the
tests write through this handler and read what audit.py sent)."""

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
"""Characters JSON leaves unescaped in strings but `str.splitlines` (and so many a log
reader) ends a line at; inside a record they can only stand in strings, where their
escapes read back the same."""


def _without_line_breaks(line: str) -> str:
    return line.translate(_LINE_BREAKS)


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
"""Built once: json.dumps with any non-default option builds an encoder per call."""


def encode_record(data: Mapping[str, Any]) -> str:
    """One record as one compact JSON line's text: what every route writes."""
    return _ENCODE(data)


def encode_value(value: Any) -> str:
    """Any JSON-ready value as encode_record writes it inside a record."""
    return _ENCODE(value)


def encode_object(data: Mapping[Any, Any]) -> str:
    """A small mapping of strings (a record's context) as encode_record writes it: for a
    few strings, writing them directly costs a third of what the encoder's setup does."""
    parts = []
    for key, item in data.items():
        if type(key) is not str or type(item) is not str:
            return _ENCODE(data)  # json's own rules for anything else
        parts.append(f"{encode_basestring(key)}:{encode_basestring(item)}")
    return "{" + ",".join(parts) + "}"


def prompt_fragments(
    fields: Mapping[str, Any], names: Iterable[str]
) -> tuple[str, Mapping[str, str]]:
    """What every record of one prompt writes the same: its fields (`,"prompt_id":…`, as
    encode_record writes them) and each variable's name as a key (`"ticket_text":`)."""
    return "," + _ENCODE(fields)[1:-1], {name: encode_basestring(name) + ":" for name in names}


class JsonLinesHandler(logging.Handler):
    """Writes each audit record as one JSON line, flushed, so a crash loses none.

    `flush=False` leaves flushing to the stream's buffer (and to close()): about half
    the cost of a record, for the last records a crash may lose. Records of other
    loggers (no `audit` attribute) are written as their message.
    """

    def __init__(self, stream: IO[str], *, flush: bool = True) -> None:
        super().__init__(logging.INFO)
        self.stream = stream
        self.flush_each = flush
        self._expected: tuple[logging.LogRecord, str] | None = None
        self._fd: int | None = None
        """A file descriptor to write each line to directly (JsonLinesFileHandler)."""

    def expect(self, record: logging.LogRecord, line: str) -> None:
        """`line` is what emit would encode for `record`, which is on its way through
        `logging` untouched (route() says when that holds): handle writes it as it is.

        Only that very record (compared by identity) is written so: if another thread's
        record replaced it meanwhile, emit encodes its own record as any other, and the
        line is the same either way."""
        self._expected = (record, line)

    def handle(self, record: logging.LogRecord) -> Any:
        """Handler.handle, writing an expected record's line straight away: the same
        lock held around the same write, without the filter and emit calls between."""
        expected = self._expected
        if expected is None or expected[0] is not record or self.filters:
            return super().handle(record)
        self._expected = None
        self.write_line(expected[1])
        return record  # what Handler.handle returns for a record it emitted (3.12 on)

    def emit(self, record: logging.LogRecord) -> None:
        try:  # an expected line is not written here: a filter of ours may have run
            data = getattr(record, "audit", None)
            if data is None:
                data = {"message": record.getMessage()}
            self._write(encode_record(data))  # Handler.handle holds the handler's lock
        except Exception:
            self.handleError(record)

    def write_line(self, line: str) -> None:
        """Write one encoded record, holding the handler's lock as Handler.handle does."""
        lock = self.lock
        if lock is not None:
            lock.acquire()
        try:
            self._write(line)
        except Exception:
            self.handleError(logging.makeLogRecord({"name": LOGGER_NAME, "levelno": logging.INFO}))
        finally:
            if lock is not None:
                lock.release()

    def _write(self, line: str) -> None:
        if not line.isascii():  # one C pass; the escapes below only for text beyond ASCII
            line = _without_line_breaks(line)
        fd = self._fd
        if fd is not None:
            data = (line + "\n").encode("utf-8")
            written = os.write(fd, data)
            while written < len(data):  # a short write: the disk filled up, a signal came
                written += os.write(fd, memoryview(data)[written:])
            return
        self.stream.write(line + "\n")
        if self.flush_each:
            self.stream.flush()


class JsonLinesFileHandler(JsonLinesHandler):
    """A JsonLinesHandler appending to a file it opens and closes itself.

    Flushed each record, a line goes to the file in one `os.write` of its UTF-8 bytes:
    what the text stream's write and flush end in, without its two layers of buffers
    (nothing is ever left in them, since every write through them is flushed too). The
    file is opened for appending, so each line lands whole at its end. Where the
    platform ends lines with more than "\n", the text stream writes them, translating.
    """

    def __init__(self, path: str | Path, *, flush: bool = True) -> None:
        super().__init__(Path(path).open("a", encoding="utf-8"), flush=flush)  # noqa: SIM115
        self._fd = self.stream.fileno() if flush and os.linesep == "\n" else None

    def close(self) -> None:
        try:
            self._fd = None
            self.stream.close()
        finally:
            super().close()


_DIRECT = frozenset((JsonLinesHandler, JsonLinesFileHandler))
"""Handlers whose emit is known: a subclass may do anything with a LogRecord."""


def route(logger: logging.Logger) -> tuple[bool, list[JsonLinesHandler]]:
    """Where an INFO record of `logger` would go: whether our handlers are all it would
    reach (with nothing filtering on the way), and those of ours it would reach before
    anything else could change it (each in the list unchanged when the first is true).

    This is the walk `Logger.callHandlers` makes: each logger's handlers, then its
    parent's while `propagate` holds; a handler above INFO never sees the record. Only
    the logger's own filters apply, and each handler's; a filter, or a handler of any
    other class (a subclass of ours may do anything with a LogRecord), may change the
    record for every handler after it.
    """
    if logger.filters:
        return False, []
    ours = True
    found: list[JsonLinesHandler] = []
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if handler.level <= logging.INFO:
                if handler.filters or type(handler) not in _DIRECT:
                    if ours:
                        ours = False  # the rest get the record through logging only
                elif ours:
                    found.append(handler)  # type: ignore[arg-type]  # one of _DIRECT
        if not current.propagate:
            break
        current = current.parent
    return ours, found


def direct_handlers(logger: logging.Logger) -> list[JsonLinesHandler] | None:
    """The handlers an INFO record of `logger` would reach, if all are ours and nothing
    filters on the way; None if a record must go through `logging`."""
    ours, found = route(logger)
    return found if ours else None


class RecordMaker:
    """Makes the LogRecords of `promptreg.audit` as `Logger.makeRecord` would, for a
    fifth of its cost: the fields every record of ours has the same (its logger, level,
    message format, no caller's file and line) come from a template record made once,
    and only what changes from call to call is set (the time, the thread, the process,
    the asyncio task, the arguments and the record).

    None where that would differ from what `logging` makes: an application that set a
    LogRecord factory of its own, or turned off recording threads or processes, gets its
    records from `makeRecord` as before.
    """

    __slots__ = ("_template",)

    def __init__(self) -> None:
        self._template: tuple[dict[str, Any], float] = ({}, 0.0)
        """The template's fields, and the time `logging` counts relativeCreated from (in
        milliseconds): one tuple, read and replaced whole, for threads making records."""

    def __call__(
        self, message: str, args: tuple[Any, ...], audit: Mapping[str, Any]
    ) -> logging.LogRecord | None:
        if (
            logging.getLogRecordFactory() is not logging.LogRecord
            or not (logging.logThreads and logging.logProcesses and logging.logMultiprocessing)
            # Python 3.12 on; a getattr() that misses costs a microsecond.
            or not logging.__dict__.get("logAsyncioTasks", True)
        ):
            return None
        process = os.getpid()
        fields, start = self._template
        if fields.get("process") != process or fields.get("msg") != message:
            fields, start = self._new_template(message)  # a fork may rename the process
        now = time.time_ns()
        created = now / 1e9
        msecs = (now % 1_000_000_000) // 1_000_000 + 0.0
        if msecs == 999.0 and int(created) != now // 1_000_000_000:
            msecs = 0.0  # created rounded up to the next second (as logging does)
        record = logging.LogRecord.__new__(logging.LogRecord)
        record.__dict__ = attributes = fields.copy()  # a third of what update() costs
        attributes["args"] = args
        attributes["created"] = created
        attributes["msecs"] = msecs
        attributes["relativeCreated"] = now / 1e6 - start
        attributes["thread"] = threading.get_ident()
        attributes["threadName"] = threading.current_thread().name
        if "taskName" in fields:  # Python 3.12 on
            attributes["taskName"] = None
            asyncio = sys.modules.get("asyncio")
            if asyncio is not None:
                try:
                    task = asyncio.current_task()
                except RuntimeError:  # no event loop running: None, as logging leaves it
                    task = None
                if task is not None:
                    attributes["taskName"] = task.get_name()
        attributes["audit"] = audit
        return record

    def _new_template(self, message: str) -> tuple[dict[str, Any], float]:
        record = logging.LogRecord(LOGGER_NAME, logging.INFO, "", 0, message, (), None)
        self._template = (dict(record.__dict__), record.created * 1000 - record.relativeCreated)
        return self._template


def log_audit_to(target: str | Path | IO[str], *, flush: bool = True) -> JsonLinesHandler:
    """Send audit records to a JSON-lines file (appended) or stream, and enable them.

    For applications without a logging setup of their own; one with one adds a
    JsonLinesHandler (or any handler) to the `promptreg.audit` logger itself.
    """
    logger = logging.getLogger(LOGGER_NAME)
    handler = (
        JsonLinesFileHandler(target, flush=flush)
        if isinstance(target, str | Path)
        else JsonLinesHandler(target, flush=flush)
    )
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    return handler
