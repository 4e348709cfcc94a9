"""The index filled, and the lint counts taken, in a child process.

Filling 10,000 rows and linting them is seconds of pure Python. Done in a thread of the
app's own process it holds the interpreter lock in turns with the event loop, and a
filter keystroke waited behind it for up to a second. In a child process the app's
interpreter only unpickles a batch now and then, so keys are answered as if nothing
ran. The child is a fresh interpreter (`python -m promptreg.tui.filler`), not a fork:
the app runs threads, and a forked child would inherit their held locks
(promptreg.lint.workers forks, for the single-threaded CLI).

Frames on the pipes are pickles with a 4-byte length in front. The child reads
promptreg.yaml again from its path rather than receiving the parent's Settings (whose
mappings are read-only proxies, which do not pickle).
"""

from __future__ import annotations

import pickle
import select
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Literal

from promptreg.core.errors import PromptregError
from promptreg.tui.index import Row

Kind = Literal["rows", "lint"]
Counts = tuple[str, int | None, int | None]
"""A row's id, its lint errors and its lint warnings: all a lint batch carries back."""

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
) -> Iterator[Batch]:
    """Rows filled from their files, then their lint counts, a batch at a time, read
    from a child process. Stops (and ends the child) once `cancelled()`; raises what
    the child raised as a PromptregError with its message and hint."""
    child = subprocess.Popen(
        [sys.executable, "-m", "promptreg.tui.filler"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the terminal belongs to the app
        bufsize=0,
    )
    assert child.stdin is not None and child.stdout is not None
    held = {row.id: row for row in rows}
    try:
        try:
            _send(child.stdin, (str(config), cache, list(rows)))
            child.stdin.close()
        except OSError:  # it ended before reading (a broken install): said below
            pass
        while not cancelled():
            if _PIPES_SELECT and not select.select([child.stdout], [], [], POLL_SECONDS)[0]:
                continue  # nothing yet: look for a cancel again
            frame = _receive(child.stdout)
            if frame is None:
                raise FillerError(
                    f"the process reading the registry ended early (exit status {child.wait()})",
                    hint="press r to read the registry again",
                )
            kind, payload = frame
            if kind == "done":
                return
            if kind == "error":
                message, hint = payload
                raise PromptregError(message, hint=hint)
            if kind == "rows":
                held.update((row.id, row) for row in payload)
                yield Batch("rows", payload)
            else:
                yield Batch(
                    "lint",
                    [
                        replace(held[prompt_id], lint_errors=errors, lint_warnings=warnings)
                        for prompt_id, errors, warnings in payload
                        if prompt_id in held
                    ],
                )
    finally:
        if child.poll() is None:
            child.kill()  # cancelled, or the app is quitting
        child.wait()
        child.stdin.close()
        child.stdout.close()


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


def main() -> None:
    """In the child: read (config, cache, rows); fill, then count, sending each batch;
    then ("done", None), or ("error", (message, hint))."""
    from promptreg.core.config import load_config
    from promptreg.tui.index import PromptIndex

    out = sys.stdout.buffer
    try:
        config, cache, rows = _receive(sys.stdin.buffer)
        index = PromptIndex(load_config(Path(config)), cache=cache)
        index.fill(rows, lambda batch: _send(out, ("rows", batch)))
        for counted in index.lint_counts(rows):
            _send(out, ("lint", [(r.id, r.lint_errors, r.lint_warnings) for r in counted]))
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
