"""`stale:evals`: whether a prompt's recorded eval results still speak for it.

The verdict is governance.evidence's `eval_state`, the function the eval rules
(G015-G017) and `promptreg show` read results with: a case counts only when a result
was recorded for its current fingerprint (content, case, model, parameters, judge,
runner). A prompt with eval cases is stale when its results file cannot be used, when
a case has no result for what it is now (never run, or run for older content), or when
its oldest case is older than its tier's `eval_max_age_days`. A prompt without eval
cases has nothing to be stale and never matches.

Answers are kept per file state (the prompt file's and the results file's size and
modification time, and the day, which ages results), so typing more of a filter does
not read every file again. In the app they are found in a background thread (a first
`stale:evals` over 10,000 prompts reads every file, seconds of work): a row not known
yet does not match, an answer older than two seconds is given as it is and checked
again, and the listener (the list, filtering again) is called when an answer arrived
or changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.tui.index import Row

# The loader and the model load with the first file asked about, after the first paint.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.model import PromptSpec

# The services build this before the list paints; governance's evidence (and its
# fingerprints) load with the first `stale:` filter instead.

_Stamp = tuple[int, int] | None


def _stamp(path: Path) -> _Stamp:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


@dataclass(frozen=True, slots=True)
class Freshness:
    stale: bool
    reason: str
    """Why it is stale (or fresh), in a few words."""


def freshness_of(spec: PromptSpec, settings: Settings, now: dt.datetime | None = None) -> Freshness:
    """Whether the recorded results of `spec`'s eval cases are current (module docstring)."""
    from promptreg.governance.evidence import eval_state

    if not spec.evals:
        return Freshness(False, "no eval cases")
    state = eval_state(spec, settings)
    if state.problem:
        return Freshness(True, state.problem)
    if state.missing:
        names = ", ".join(repr(c.key.name) for c in state.missing)
        return Freshness(True, f"no result for the current content of {names}")
    limit = settings.tier(spec.tier).eval_max_age_days
    oldest = state.oldest_case()
    if limit is not None and oldest is not None:
        age = ((now or dt.datetime.now(dt.UTC)) - oldest).days
        if age > limit:
            return Freshness(True, f"answered {age} days ago; tier {spec.tier} allows {limit}")
    return Freshness(False, f"{state.passed}/{state.recorded} passed, current")


_Key = tuple[_Stamp, _Stamp, dt.date]

RECHECK_SECONDS = 2.0
"""An answer given for this very row less than this long ago is taken without looking
at the files again: a keystroke then costs a lookup per row, not two stats."""


@dataclass(frozen=True, slots=True)
class _Entry:
    key: _Key
    found: Freshness | None
    row: Row
    checked: float


class EvalFreshness:
    """`stale:evals` for the browser's rows, remembered per file state; with
    `background`, rows not known yet are read in a thread (module docstring)."""

    def __init__(self, settings: Settings, *, background: bool = False) -> None:
        self.settings = settings
        self.background = background
        self._known: dict[Path, _Entry] = {}
        self._pending: dict[Path, Row] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listener: Callable[[], None] | None = None

    def listen(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from the thread) when the rows asked for are known."""
        self._listener = callback

    def forget(self, path: Path) -> None:
        """The prompt's results were just written: look at its files again."""
        self._known.pop(path, None)

    def _key(self, row: Row) -> _Key | None:
        from promptreg.governance.evidence import results_path

        try:
            results = results_path(self.settings, row.id)
        except PromptregError:
            return None
        return (_stamp(row.path), _stamp(results), dt.datetime.now(dt.UTC).date())

    def _recent(self, row: Row) -> _Entry | None:
        """The entry of this very row, when it is recent enough to take as it is."""
        entry = self._known.get(row.path)
        fresh = entry is not None and time.monotonic() - entry.checked < RECHECK_SECONDS
        return entry if fresh and entry is not None and entry.row is row else None

    def _current(self, row: Row, key: _Key) -> _Entry | None:
        entry = self._known.get(row.path)
        if entry is None or entry.key != key:
            return None
        self._known[row.path] = _Entry(key, entry.found, row, time.monotonic())
        return entry

    def of(self, row: Row) -> Freshness | None:
        """None while the row is not read yet, or when its file does not load."""
        if not row.loaded or not row.valid:
            return None
        recent = self._recent(row)
        if recent is not None:
            return recent.found
        key = self._key(row)
        if key is None:
            return None
        current = self._current(row, key)
        if current is not None:
            return current.found
        from promptreg.core.loader import load_prompt

        spec = load_prompt(row.path, positions=False).spec
        found = freshness_of(spec, self.settings) if spec is not None else None
        self._known[row.path] = _Entry(key, found, row, time.monotonic())
        return found

    def stale_evals(self, row: Row) -> bool | None:
        """Whether the row's evals are stale; None when not known (yet). In the
        background mode the files are never read here: an answer older than
        RECHECK_SECONDS is given as it is and checked again in the thread."""
        if not self.background:
            found = self.of(row)
            return None if found is None else found.stale
        if not row.loaded or not row.valid:
            return None
        entry = self._known.get(row.path)
        if entry is None:
            self._ask(row)
            return None
        if entry.row is not row or time.monotonic() - entry.checked >= RECHECK_SECONDS:
            self._ask(row)  # a row read again, or an answer a while old: check its files
        return None if entry.found is None else entry.found.stale

    @property
    def busy(self) -> bool:
        """Rows are being read in the background."""
        return self._thread is not None

    def _ask(self, row: Row) -> None:
        with self._lock:
            self._pending[row.path] = row
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="promptreg-stale-evals", daemon=True
                )
                self._thread.start()

    def _work(self) -> None:
        changed = False
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    break
                _, row = self._pending.popitem()
            before = self._known.get(row.path)
            found = self.of(row)
            if row.path not in self._known:  # no answer to keep (an id with no results path)
                self._known[row.path] = _Entry(
                    (None, None, dt.date.min), None, row, time.monotonic()
                )
            changed = changed or before is None or before.found != found
        listener = self._listener
        if changed and listener is not None:
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                listener()
