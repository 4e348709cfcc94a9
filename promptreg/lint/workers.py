"""Worker processes for linting many files: what `promptreg lint` opts into (`--jobs N`,
or automatically there). Library calls lint in the calling process.

Each worker is forked with its share of the files and the caller's linter already
built (settings, base, token counts), so nothing is pickled on the way in and nothing
is kept at module level: a forked child simply has the parent's objects. Findings come
back pickled through a pipe, one message per worker. Forking a process that runs other
threads is unsafe (a lock another thread holds stays held in the child), which is why
only the single-threaded CLI asks for this; a TUI lints in its own process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from promptreg.core.errors import PromptregError
from promptreg.lint.finding import Finding

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

LintFile = Callable[[Path, bytes | None], list[Finding]]
Contents = Sequence[tuple[Path, bytes | None]]

PARALLEL_MIN_FILES = 100
"""Below this, starting worker processes costs more than it saves."""


class WorkerError(PromptregError):
    """A worker process ended without sending its findings (killed, out of memory)."""


def worker_count(files: int, jobs: int | Literal["auto"]) -> int:
    """How many processes to lint `files` files in: `jobs` when a number, else one per
    core (at most 8) once there are enough files to pay for starting them."""
    if jobs != "auto":
        wanted = max(1, jobs)
    elif files < PARALLEL_MIN_FILES or sys.platform == "win32":
        wanted = 1
    else:
        wanted = max(1, min(os.cpu_count() or 1, 8, files // (PARALLEL_MIN_FILES // 2)))
    return min(wanted, max(1, files))


def lint_in_processes(
    lint: LintFile,
    contents: Contents,
    workers: int,
    *,
    harvest: Callable[[], Any] | None = None,
    absorb: Callable[[Any], None] | None = None,
) -> list[list[Finding]]:
    """`lint` over `contents` in `workers` forked processes; findings in input order.
    `harvest`, called in each child after its share, gives what the child learnt that
    the parent keeps (template facts for the session's store); `absorb` takes it in the
    parent.

    Worker k takes files k, k + workers, ...: neighbouring files (one directory, one
    template) cost about the same, so the shares come out even without a work queue.
    """
    import gc
    import multiprocessing  # ~50 ms with its connections: only once there are workers
    from multiprocessing.connection import Connection, wait

    context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    # What the children inherit stays out of their collector's walks: a full collection
    # in a child touches every object, which copies the pages the fork shared (on 2,000
    # small files about a fifth of the workers' CPU). The parent unfreezes once forked,
    # unless its caller had frozen objects of its own (an unfreeze would release those).
    thawed = gc.get_freeze_count() == 0
    gc.freeze()
    sys.stdout.flush()  # a child flushes its copy of unwritten output as it exits
    sys.stderr.flush()
    started: list[tuple[BaseProcess, Connection]] = []
    try:
        for first in range(workers):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_work,
                args=(lint, contents, first, workers, sender, harvest),
                daemon=True,
            )
            child.start()
            sender.close()  # the child holds the only sending end: EOF when it dies
            started.append((child, receiver))
        if thawed:
            gc.unfreeze()
        results: list[list[Finding]] = [[] for _ in contents]
        waiting = {receiver: (first, child) for first, (child, receiver) in enumerate(started)}
        while waiting:
            for ready in wait(list(waiting)):
                assert isinstance(ready, Connection)
                first, sent_by = waiting.pop(ready)
                share = range(first, len(contents), workers)
                found_by_file, learnt = _receive(ready, sent_by)
                for index, found in zip(share, found_by_file, strict=True):
                    results[index] = found
                if absorb is not None and learnt is not None:
                    absorb(learnt)
        return results
    finally:
        if thawed:
            gc.unfreeze()  # also when a fork failed
        for process, receiver in started:
            if process.is_alive():
                process.terminate()  # interrupted, or another worker failed
            process.join()
            receiver.close()


def _receive(receiver: Connection, process: BaseProcess) -> tuple[list[list[Finding]], Any]:
    try:
        status, payload = receiver.recv()
    except EOFError:
        process.join()
        raise WorkerError(
            f"a lint worker process ended without its findings (exit status {process.exitcode})",
            hint="run again with --jobs 1 to lint in one process",
        ) from None
    if status == "error":
        raise payload
    findings: list[list[Finding]]
    findings, learnt = payload
    return findings, learnt


def _work(
    lint: LintFile,
    contents: Contents,
    first: int,
    step: int,
    sender: Connection,
    harvest: Callable[[], Any] | None,
) -> None:
    """In the child: lint the share, send ("ok", (findings, harvested)) or ("error",
    exception)."""
    try:
        found = [lint(*item) for item in contents[first::step]]
        message: tuple[str, object] = ("ok", (found, harvest() if harvest else None))
    except BaseException as exc:  # the parent owns the terminal and re-raises it
        message = ("error", _portable(exc))
    try:
        sender.send(message)
    finally:
        sender.close()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a bug report of it."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 (our own bytes, this process)
    except Exception:  # any failure to round-trip: send a plain copy
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
