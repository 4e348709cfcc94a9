"""The JSON-lines handlers for `promptreg.audit`, apart from audit.py so that serving a
prompt never imports `logging` for an application that logs nothing."""

from __future__ import annotations

import json
import logging
from pathlib import Path

LOGGER_NAME = "promptreg.audit"
"""audit.LOGGER_NAME, spelled again: importing audit.py from here would make a cycle (the
tests write through this handler and read what audit.py sent)."""

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
"""Built once: json.dumps with any non-default option builds an encoder per call."""


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
            line = _ENCODE(data)
            self.stream.write(line + "\n")  # Handler.handle holds the handler's lock
            if self.flush_each:
                self.stream.flush()
        except Exception:
            self.handleError(record)


class JsonLinesFileHandler(JsonLinesHandler):
    """A JsonLinesHandler appending to a file it opens and closes itself."""

    def __init__(self, path: str | Path, *, flush: bool = True) -> None:
        super().__init__(Path(path).open("a", encoding="utf-8"), flush=flush)  # noqa: SIM115

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            super().close()


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
