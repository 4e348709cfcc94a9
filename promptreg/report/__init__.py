"""Reporters turn a LintResult into text for people or machines; they only read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from promptreg.lint.runner import LintResult
from promptreg.report import github as github_report
from promptreg.report import gitlab as gitlab_report
from promptreg.report import json as json_report
from promptreg.report import sarif as sarif_report
from promptreg.report import text as text_report

Reporter = Callable[[LintResult, TextIO, bool], None]

REPORTERS: dict[str, Reporter] = {
    "text": text_report.report,
    "json": json_report.report,
    "sarif": sarif_report.report,
    "github": github_report.report,
    "gitlab": gitlab_report.report,
}
