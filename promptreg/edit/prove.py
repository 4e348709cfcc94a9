"""Which of many files are proved canonical (edit/canonical.py), in forked workers when
there are enough of them to pay for starting the processes.

`fmt --check` of a large registry is mostly this proof, a couple of milliseconds a
file, so spreading it over the cores brings its wall time down to the linter's (which
forks workers too). A worker that fails only costs time: the files it did not answer
for count as not proved, and the round trip decides them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from promptreg.core.loader import PROMPT_SUFFIX
from promptreg.core.yamlio import read_document
from promptreg.edit.canonical import is_canonical

PARALLEL_MIN_FILES = 200
"""Below this many files, starting workers costs more than it saves."""

CHUNK = 50
"""Answers a worker sends at a time, so progress moves while it works."""


def proved_canonical(
    files: Sequence[Path],
    *,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[bool]:
    """For each file: True when it is a prompt file proved canonical, else False (not
    a prompt file, unreadable, not canonical, or not proved). `workers` None picks a
    number from the work and the CPUs; `on_progress` hears how many more were proved
    (the others are done once the round trip has decided them)."""
    count = len(files)
    wanted = _workers(count) if workers is None else max(1, min(workers, count))
    if wanted <= 1:
        answers = []
        for path in files:
            answers.append(proved(path))
            if answers[-1] and on_progress is not None:
                on_progress(1)
        return answers
    return _in_processes(files, wanted, on_progress)


def proved(path: Path) -> bool:
    """One file: a prompt file that reads, parses and is proved canonical."""
    if not path.name.endswith(PROMPT_SUFFIX):
        return False
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return is_canonical(read_document(path, data))


def _workers(files: int) -> int:
    if files < PARALLEL_MIN_FILES or sys.platform == "win32":
        return 1
    return max(1, min(os.cpu_count() or 1, 8, files // (PARALLEL_MIN_FILES // 2)))


def _in_processes(
    files: Sequence[Path], workers: int, on_progress: Callable[[int], None] | None
) -> list[bool]:
    import multiprocessing  # ~50 ms with its connections: only once there are workers
    from multiprocessing.connection import Connection, wait

    context = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    sys.stdout.flush()  # a child flushes its copy of unwritten output as it exits
    sys.stderr.flush()
    answers = [False] * len(files)
    started = []
    try:
        waiting = {}
        for first in range(workers):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(target=_work, args=(files, first, workers, sender), daemon=True)
            child.start()
            sender.close()  # the child holds the only sending end: EOF when it ends
            started.append((child, receiver))
            waiting[receiver] = iter(range(first, len(files), workers))
        while waiting:
            for ready in wait(list(waiting)):
                assert isinstance(ready, Connection)
                try:
                    batch: list[bool] | None = ready.recv()
                except EOFError:  # the worker died: its other files stay not proved
                    batch = None
                if batch is None:
                    del waiting[ready]
                    continue
                indexes = waiting[ready]
                for answer in batch:
                    answers[next(indexes)] = answer
                if on_progress is not None and any(batch):
                    on_progress(sum(batch))
        return answers
    finally:
        for process, receiver in started:
            if process.is_alive():
                process.terminate()  # interrupted
            process.join()
            receiver.close()


def _work(files: Sequence[Path], first: int, step: int, sender: object) -> None:
    """In the child: answers for files first, first + step, ..., CHUNK at a time, then
    None. Any failure just ends the child; the parent treats the rest as not proved."""
    from multiprocessing.connection import Connection

    assert isinstance(sender, Connection)
    batch: list[bool] = []
    try:
        for index in range(first, len(files), step):
            batch.append(proved(files[index]))
            if len(batch) == CHUNK:
                sender.send(batch)
                batch = []
        sender.send(batch)
        sender.send(None)
    except Exception:  # noqa: S110  (a proof is only a shortcut: the round trip decides)
        pass
    finally:
        sender.close()
