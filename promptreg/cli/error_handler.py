"""Raise anywhere, catch once, here: errors become stderr text and an exit status.

0 clean, 1 findings, 2 usage or configuration error, 130 interrupted, 3 a bug (the
traceback goes to a file, never to the terminal of someone who did nothing wrong).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from promptreg.core.errors import EXIT_INTERRUPTED, InvalidPromptError, PromptregError
from promptreg.core.extras import missing_extra

EXIT_BUG = 3


class Exit(Exception):
    """Raised to leave with a status once the error has been reported."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _write_crash_log(text: str) -> Path:
    """A new file of its own in the temporary directory, made exclusively under a random
    name (mode 0600), so that nothing planted there (a symlink under a fixed name, a file
    of another user) is followed or written through."""
    import tempfile  # only on the crash path

    fd, name = tempfile.mkstemp(prefix="promptreg-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(name)


@contextmanager
def error_handler() -> Iterator[None]:
    try:
        yield
    except Exit:
        raise
    except PromptregError as exc:
        _report(exc)
    except ModuleNotFoundError as exc:
        # An optional dependency a command reached that its up-front check did not cover.
        missing = missing_extra(exc)
        if missing is None:
            _crash()
        else:
            _report(missing)
    except KeyboardInterrupt:
        sys.stderr.write("promptreg: interrupted\n")
        raise Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing left to say
        raise Exit(0) from None
    except Exception:
        _crash()


def _report(exc: PromptregError) -> NoReturn:
    sys.stderr.write(f"promptreg: error: {exc}\n")
    if isinstance(exc, InvalidPromptError) and len(exc.problems) > 1:
        for problem in exc.problems[1:]:
            sys.stderr.write(f"  {problem}\n")
    raise Exit(exc.exit_status) from None


def _crash() -> NoReturn:
    import traceback  # only on the crash path: 3 ms a run otherwise

    try:
        log = _write_crash_log(traceback.format_exc())
        where = f"the traceback was written to {log}"
    except OSError:
        where = "the traceback could not be written"
    sys.stderr.write(
        "promptreg: internal error: this is a bug in promptreg, not in your files; "
        f"{where}. Please report it with that file.\n"
    )
    raise Exit(EXIT_BUG) from None
