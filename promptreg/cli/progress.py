"""Progress for the commands that can run for seconds: fmt, lint, check and history.

Shown only to a person watching: stderr is a terminal, CI is not set, no -q. And only
once a run has lasted DELAY seconds, so a quick run prints nothing and imports nothing.
stdout is never touched, so piped output stays clean.

Two kinds, because the work comes in two shapes:

- `Bar` counts items the command handles one by one in its own loop (fmt's files). It
  is a Rich progress bar (Rich comes with the [lint] extra; without it there is no bar),
  driven from that loop: no thread, so nothing runs beside the work.
- `Pulse` covers one call that does not report back (a lint run, a history walk), which
  may fork worker processes. A drawing thread is not safe to fork with, so a SIGALRM
  handler in the main thread writes one status line straight to the terminal's file
  descriptor: no buffered stream is shared with the interrupted code, and no import
  happens inside the handler.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from types import FrameType, TracebackType
from typing import Any

DELAY = 0.75
"""Seconds a run lasts before progress appears."""

REFRESH = 0.1
"""Seconds between redraws."""


def wanted(*, quiet: bool) -> bool:
    """Progress is for a person at a terminal: not with -q, in CI, or through a pipe."""
    if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return _is_terminal(sys.stderr)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


class Bar:
    """A bar over `total` items, advanced by the loop that handles them."""

    def __init__(self, description: str, total: int, *, quiet: bool = False) -> None:
        self.description = description
        self.total = total
        self.enabled = total > 1 and wanted(quiet=quiet)  # no bar over one file
        self.done = 0
        self._started = time.monotonic()
        self._drawn = 0.0
        self._rich: Any = None
        self._task: Any = None

    def __enter__(self) -> Bar:
        self._started = time.monotonic()
        return self

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if self._rich is None:
            if now - self._started < DELAY:
                return
            self._start()
            if self._rich is None:
                return
        if now - self._drawn >= REFRESH or self.done >= self.total:
            self._drawn = now
            self._rich.update(self._task, completed=self.done)
            self._rich.refresh()

    def _start(self) -> None:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )
        except ImportError:  # installed without the [lint] extra: no bar, same output
            self.enabled = False
            return

        console = Console(file=sys.stderr)
        self._rich = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,  # drawn from advance(): no refresh thread
            transient=True,
            # The command's own lines go above the bar: stdout's only when it is the
            # terminal too (a pipe gets them untouched), stderr's always.
            redirect_stdout=_is_terminal(sys.stdout),
            redirect_stderr=True,
        )
        self._task = self._rich.add_task(self.description, total=self.total, completed=self.done)
        self._rich.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None


class Pulse:
    """A status line ("linting 2,000 files  3 s") for one call that does not report back."""

    def __init__(self, description: str, *, quiet: bool = False) -> None:
        self.description = description
        self.enabled = wanted(quiet=quiet)
        self._started = 0.0
        self._shown = False
        self._previous: Any = None

    def __enter__(self) -> Pulse:
        if not self.enabled:
            return self
        self._started = time.monotonic()
        import signal  # only with a person watching: 0.6 ms of every other run's start-up

        try:
            self._previous = signal.signal(signal.SIGALRM, self._tick)
        except ValueError:  # not the main thread: signals cannot be used there
            self.enabled = False
            return self
        signal.setitimer(signal.ITIMER_REAL, DELAY, 0.5)
        return self

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        seconds = int(time.monotonic() - self._started)
        self._shown = True
        self._draw(f"\r\x1b[2K{self.description}  {seconds} s")

    def _draw(self, text: str) -> None:
        with contextlib.suppress(OSError):  # the terminal went away; the work goes on
            os.write(2, text.encode("utf-8", "replace"))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.enabled:
            return
        import signal  # loaded by __enter__ already

        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, self._previous)
        if self._shown:
            self._draw("\r\x1b[2K")
