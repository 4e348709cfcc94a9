"""The index filled, and the lint counts taken, in child processes.

Filling 10,000 rows and linting them is seconds of pure Python. Done in a thread of the
app's own process it holds the interpreter lock in turns with the event loop, and a
filter keystroke waited behind it for up to a second. In a child process the app's
interpreter only unpickles a batch now and then, so keys are answered as if nothing
ran. The child is a fresh interpreter (`python -m promptreg.tui.filler`), not a fork:
the app runs threads, and a forked child would inherit their held locks
(promptreg.lint.workers forks, for the single-threaded CLI).

There is a child per core (at most PARTS), each filling its share of the rows and
keeping its own index cache file, so a cold start at 10,000 prompts uses both cores of
a small machine. The first child then takes every row's lint counts, alone: lint keeps
caches that are one file for the whole registry (the token counts, the templates), and
two writers would each keep only their own half, so opening a prompt afterwards would
load the tokenizer again for the counts the other one lost.

The children run at a lower scheduling priority (NICENESS): on two cores the two of
them would otherwise hold both, and a filter keystroke waited its turn behind them. What
crosses the pipes is kept small for the app, whose thread unpickles it between keys: the
rows go out as (id, path) text pairs and come back as plain tuples (Packed), not as
pickled dataclasses with their Paths, and the app builds each Row once.

Frames on the pipes are pickles with a 4-byte length in front. The child reads
promptreg.yaml again from its path rather than receiving the parent's Settings (whose
mappings are read-only proxies, which do not pickle).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from promptreg.core.errors import PromptregError

# The index (and through it the config and YAML modules) loads in the child only once
# it runs at its lower priority (main), not while the module is imported.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.tui.index import Row

Kind = Literal["rows", "lint"]
Counts = tuple[str, int | None, int | None]
"""A row's id, its lint errors and its lint warnings: all a lint batch carries back."""
Packed = tuple[str, str, int | None, str, str, tuple[str, ...], str, str | None, bool]
"""A filled row as a "rows" batch carries it: id, title, tier, status, owner, tags,
version, refusal, valid (the id says which path; a filled row is always loaded)."""

PARTS = 2
"""Child processes filling the index at most: the rule checks and the loader are pure
Python, so each child uses one core."""

NICENESS = 10
"""How much lower than the app the children are scheduled (POSIX `nice`): enough that
the app, when it has work, takes a core from them at once."""

FRAME_SECONDS = 0.1
"""How long a child gathers rows (or lint counts) before it sends them (_Frames)."""

POLL_SECONDS = 0.1
"""How long the reading thread waits for a frame before it looks for a cancel again."""


_PIPES_SELECT = sys.platform != "win32"
"""Windows cannot select() on a pipe: there a cancel is seen at the next frame."""


class FillerError(PromptregError):
    """The child process ended without saying it had finished."""


@dataclass(frozen=True, slots=True)
class Batch:
    kind: Kind
    rows: list[Row]
    """For "rows", the rows read; for "lint", the rows held with these counts merged."""


def fill_in_child(
    config: Path,
    rows: Sequence[Row],
    *,
    cache: bool = True,
    cancelled: Callable[[], bool] = lambda: False,
    parts: int | None = None,
) -> Iterator[Batch]:
    """Rows filled from their files, then their lint counts, a batch at a time, read
    from `parts` child processes (one per core, at most PARTS), each filling its share;
    the first then lints every row. Stops (and ends the children) once `cancelled()`; raises what a
    child raised as a PromptregError with its message and hint."""
    count = parts if parts is not None else max(1, min(PARTS, os.cpu_count() or 1))
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "promptreg.tui.filler"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the terminal belongs to the app
            bufsize=0,
        )
        for _ in range(count)
    ]
    held = {row.id: row for row in rows}
    listed = [(row.id, str(row.path)) for row in rows]
    filled: set[str] = set()
    counts: dict[str, tuple[int | None, int | None]] = {}
    try:
        for part, child in enumerate(children):
            assert child.stdin is not None
            try:
                _send(child.stdin, (str(config), cache, listed, part, count))
                child.stdin.close()
            except OSError:  # it ended before reading (a broken install): said below
                pass
        streams = {child.stdout: child for child in children if child.stdout is not None}
        while streams and not cancelled():
            if _PIPES_SELECT:
                ready = select.select(list(streams), [], [], POLL_SECONDS)[0]
            else:
                ready = list(streams)[:1]
            for stream in ready:
                if cancelled():  # not another child's batch once the reader said stop
                    break
                frame = _receive(stream)
                if frame is None:
                    status = streams[stream].wait()
                    raise FillerError(
                        f"the process reading the registry ended early (exit status {status})",
                        hint="press r to read the registry again",
                    )
                kind, payload = frame
                if kind == "done":
                    del streams[stream]
                elif kind == "error":
                    message, hint = payload
                    raise PromptregError(message, hint=hint)
                elif kind == "rows":
                    # Counts that came first (from the linting child) go with the row.
                    read = [_unpacked(held[p[0]], p, counts.get(p[0])) for p in payload]
                    held.update((row.id, row) for row in read)
                    filled.update(row.id for row in read)
                    yield Batch("rows", read)
                else:
                    counts.update((i, (errors, warnings)) for i, errors, warnings in payload)
                    known = [_counted(held[i], counts[i]) for i, _, _ in payload if i in filled]
                    if known:
                        yield Batch("lint", known)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()  # cancelled, or the app is quitting
            child.wait()
            for pipe in (child.stdin, child.stdout):
                if pipe is not None:
                    pipe.close()


def _packed(row: Row) -> Packed:
    return (
        row.id,
        row.title,
        row.tier,
        row.status,
        row.owner,
        row.tags,
        row.version,
        row.refusal,
        row.valid,
    )


def _unpacked(row: Row, packed: Packed, counts: tuple[int | None, int | None] | None) -> Row:
    """`row` (the app's, for its path) filled from what the child sent."""
    from promptreg.tui.index import Row  # loaded in the app long before (its list)

    _, title, tier, status, owner, tags, version, refusal, valid = packed
    errors, warnings = counts if counts is not None else (row.lint_errors, row.lint_warnings)
    return Row(
        row.id,
        row.path,
        title=title,
        tier=tier,
        status=status,
        owner=owner,
        tags=tags,
        version=version,
        refusal=refusal,
        loaded=True,
        valid=valid,
        lint_errors=errors,
        lint_warnings=warnings,
    )


def _counted(row: Row, counts: tuple[int | None, int | None] | None) -> Row:
    if counts is None:
        return row
    return row.with_counts(*counts)


def share(rows: Sequence[Row], part: int, parts: int) -> list[Row]:
    """The rows child `part` of `parts` reads: split by a checksum of each id, so a
    file stays with the same child (and its index cache file) as others come and go."""
    if parts == 1:
        return list(rows)
    return [row for row in rows if zlib.crc32(row.id.encode()) % parts == part]


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(4, "big") + data)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    """The next frame, or None at the end of the stream."""
    head = _read_exactly(stream, 4)
    if head is None:
        return None
    body = _read_exactly(stream, int.from_bytes(head, "big"))
    # Our own child's bytes, over a pipe only the two processes hold.
    return None if body is None else pickle.loads(body)  # noqa: S301


class _Frames:
    """In the child: batches of one kind gathered into a frame per FRAME_SECONDS. Each
    frame costs the app a wake-up of its reading thread, which then waits for the
    interpreter lock behind the event loop (up to its switch interval, 5 ms, per pipe
    read): rows read from the cache, 250 in a few milliseconds, came faster than the
    app took them one frame at a time."""

    def __init__(self, out: IO[bytes], kind: Kind) -> None:
        self.out, self.kind = out, kind
        self.pending: list[object] = []
        self.sent = time.monotonic()

    def add(self, items: Iterable[object]) -> None:
        self.pending.extend(items)
        if time.monotonic() - self.sent >= FRAME_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            _send(self.out, (self.kind, self.pending))
        self.pending, self.sent = [], time.monotonic()


def main() -> None:
    """In the child: read (config, cache, rows, part, parts); fill its share, then (the
    first child) count every row, sending each batch;
    then ("done", None), or ("error", (message, hint))."""
    if hasattr(os, "nice"):  # POSIX: the app is scheduled first (see NICENESS)
        with contextlib.suppress(OSError):  # not allowed: fill at the app's priority
            os.nice(NICENESS)
    from promptreg.core.config import load_config
    from promptreg.tui.index import PromptIndex, Row

    out = sys.stdout.buffer
    try:
        config, cache, listed, part, parts = _receive(sys.stdin.buffer)
        rows = [Row(prompt_id, Path(path)) for prompt_id, path in listed]
        index = PromptIndex(load_config(Path(config)), cache=cache, part=(part, parts))
        filled = _Frames(out, "rows")
        index.fill(share(rows, part, parts), lambda batch: filled.add(map(_packed, batch)))
        filled.flush()
        if part == 0:  # one linting process: see the module's docstring
            linted = _Frames(out, "lint")
            for counted in index.lint_counts(rows):
                linted.add((r.id, r.lint_errors, r.lint_warnings) for r in counted)
            linted.flush()
        _send(out, ("done", None))
    except PromptregError as error:
        where = f"{error.location}: " if error.location else ""
        _send(out, ("error", (where + error.message, error.hint)))
    except BrokenPipeError:
        pass  # the app quit or cancelled: nobody is reading
    except Exception as exc:  # a bug: its words reach the app, which has the terminal
        hint = "this is a bug; `promptreg lint` on the registry shows whether lint fails too"
        _send(out, ("error", (f"{type(exc).__name__}: {exc}", hint)))


if __name__ == "__main__":
    main()
