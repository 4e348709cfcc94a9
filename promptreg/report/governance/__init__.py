"""The sign-off report: a self-contained HTML page and its Markdown twin.

`build_report` gathers the facts once; `write_report` renders both files. Compliance
reads the page offline; the Markdown goes into a pull-request comment or a wiki.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.fs import atomic_write
from promptreg.report.governance.changes import with_changes
from promptreg.report.governance.facts import GovernanceReport, collect
from promptreg.report.governance.html import render_html
from promptreg.report.governance.markdown import render_markdown

HTML_NAME = "governance.html"
MARKDOWN_NAME = "governance.md"


def build_report(
    settings: Settings,
    *,
    base: str | None = None,
    days: int = 90,
    today: dt.date | None = None,
) -> GovernanceReport:
    day = today or dt.date.today()
    return with_changes(settings, collect(settings, day), days=days, today=day, base=base)


def write_report(report: GovernanceReport, directory: Path) -> tuple[Path, Path]:
    """Write both files into `directory` (made if missing); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    page, text = directory / HTML_NAME, directory / MARKDOWN_NAME
    atomic_write(page, render_html(report))
    atomic_write(text, render_markdown(report))
    return page, text


__all__ = ["GovernanceReport", "build_report", "render_html", "render_markdown", "write_report"]
