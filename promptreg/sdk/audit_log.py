"""The JSON-lines handlers for `promptreg.audit`, apart from audit.py so that serving a
prompt never imports `logging` for an application that logs nothing.

When these handlers are the only ones an INFO record of `promptreg.audit` would reach
(`direct_handlers`), audit.py hands them the encoded line itself (`write_line`) rather
than a `logging.LogRecord` made for them alone: the line written is the same. A handler
of the application's anywhere on the way (on the logger, or on the root logger it
propagates to) makes every record go through `logging` again, to it and to ours.
"""

from __future__ import annotations

import json
import logging
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

    def emit(self, record: logging.LogRecord) -> None:
        try:
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
            self.stream.write(line + "\n")
            if self.flush_each:
                self.stream.flush()
        except Exception:
            self.handleError(logging.makeLogRecord({"name": LOGGER_NAME, "levelno": logging.INFO}))
        finally:
            if lock is not None:
                lock.release()

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        if self.flush_each:
            self.stream.flush()


class JsonLinesFileHandler(JsonLinesHandler):
    """A JsonLinesHandler appending to a file it opens and closes itself."""

    def __init__(self, path: str | Path, *, flush: bool = True) -> None:
        super().__init__(Path(path).open("a", encoding="utf-8"), flush=flush)  # noqa: SIM115

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            super().close()


_DIRECT = frozenset((JsonLinesHandler, JsonLinesFileHandler))
"""Handlers whose emit is known: a subclass may do anything with a LogRecord."""


def direct_handlers(logger: logging.Logger) -> list[JsonLinesHandler] | None:
    """The handlers an INFO record of `logger` would reach, if all are ours and nothing
    filters on the way; None if a record must go through `logging`.

    This is the walk `Logger.callHandlers` makes: each logger's handlers, then its
    parent's while `propagate` holds; a handler above INFO never sees the record. Only
    the logger's own filters apply, and each handler's.
    """
    if logger.filters:
        return None
    found: list[JsonLinesHandler] = []
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if handler.level <= logging.INFO:
                if handler.filters or type(handler) not in _DIRECT:
                    return None
                found.append(handler)  # type: ignore[arg-type]  # one of _DIRECT
        if not current.propagate:
            break
        current = current.parent
    return found


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
