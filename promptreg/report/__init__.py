"""Reporters turn a LintResult into text for people or machines; they only read it.

REPORTERS maps each format to its reporter function. A run uses one format, so each
reporter module is imported when its format is first asked for, not on every run; and
this module imports no reporter and not the linter, so that `--format` choices and
the table of report/table.py cost nothing to reach.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from promptreg.lint.result import LintResult


class Reporter(Protocol):
    """What every REPORTERS entry is: write `result` to `stream`, in colour if `color`.

    A reporter only reads the result and only writes to the stream it is given
    (tests/report/test_reporters.py checks every entry against this).
    """

    def __call__(self, result: LintResult, stream: TextIO, color: bool) -> None: ...


_MODULES: dict[str, str] = {
    "text": "promptreg.report.text",
    "json": "promptreg.report.json",
    "sarif": "promptreg.report.sarif",
    "github": "promptreg.report.github",
    "gitlab": "promptreg.report.gitlab",
}


class _Reporters(Mapping[str, Reporter]):
    def __getitem__(self, name: str) -> Reporter:
        reporter: Reporter = import_module(_MODULES[name]).report
        return reporter

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REPORTERS: Mapping[str, Reporter] = _Reporters()
