"""Reporters turn a LintResult into text for people or machines; they only read it.

REPORTERS maps each format to its reporter function. A run uses one format, so each
reporter module is imported when its format is first asked for, not on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TextIO

from promptreg.lint.runner import LintResult

Reporter = Callable[[LintResult, TextIO, bool], None]

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
