"""Progress on stderr: a Rich bar on a terminal, plain lines in CI and in pipes.

CI logs keep every line, so a redrawn bar would fill them with noise; there, a line is
written at most every few seconds (and at the end), each one complete on its own.
"""

from __future__ import annotations

import os
import time
from typing import Any, Protocol, TextIO


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, passed: bool) -> None: ...
    def note(self, text: str) -> None: ...
    def close(self) -> None: ...


class PlainProgress:
    """`promptreg test: 120/500 cases, 3 failed` lines, at most one per `every` seconds."""

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        self.stream = stream
        self.every = every
        self.total = 0
        self.done = 0
        self.failed = 0
        self._last = 0.0

    def start(self, total: int) -> None:
        self.total = total
        self._last = time.monotonic()

    def advance(self, passed: bool) -> None:
        self.done += 1
        self.failed += not passed
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._line()

    def _line(self) -> None:
        self.stream.write(f"promptreg test: {self.done}/{self.total} cases, {self.failed} failed\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        self.stream.write(f"promptreg test: {text}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.total and self.done:
            self._line()


class RichProgress:
    """A live bar; Rich is imported only when a terminal is there to show it."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar: Any = Progress(
            TextColumn("[bold]promptreg test"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task: Any = None
        self.failed = 0

    def start(self, total: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("cases", total=total, failed=0)

    def advance(self, passed: bool) -> None:
        self.failed += not passed
        self._bar.update(self._task, advance=1, failed=self.failed)

    def note(self, text: str) -> None:
        self._bar.console.print(text)

    def close(self) -> None:
        self._bar.stop()


class NotesOnly:
    """--no-progress: no bar and no counts, but long waits and batch states still show."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self, total: int) -> None:
        pass

    def advance(self, passed: bool) -> None:
        pass

    def note(self, text: str) -> None:
        self.stream.write(f"promptreg test: {text}\n")
        self.stream.flush()

    def close(self) -> None:
        pass


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    if quiet:
        return NotesOnly(stream)
    if stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb":
        return RichProgress(stream)
    return PlainProgress(stream)
