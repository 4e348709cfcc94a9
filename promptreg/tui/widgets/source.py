"""The Source tab: the file as it is on disk, read-only, with its lint findings beside it.

Findings come from a lint session (the same one `promptreg lint` runs); choosing one
moves the cursor to its line and column.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from promptreg.lint.finding import Finding


def finding_label(finding: Finding) -> str:
    start = finding.span.start
    mark = finding.severity[0].upper()
    return f"{start.line}:{start.column} {mark} {finding.code} {finding.message}"


class SourceView(Horizontal):
    def __init__(self, path: Path, text: str) -> None:
        super().__init__(id="source-view")
        self.path = path
        self.text = text
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        area = TextArea(self.text, language="yaml", read_only=True, id="source-text")
        area.show_line_numbers = True
        yield area
        yield OptionList(Option("linting…", disabled=True), id="findings")

    @property
    def area(self) -> TextArea:
        return self.query_one("#source-text", TextArea)

    def show_text(self, text: str) -> None:
        self.text = text
        self.area.load_text(text)

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings)
        listing = self.query_one("#findings", OptionList)
        listing.clear_options()
        if not self.findings:
            listing.add_option(Option("no findings", disabled=True))
            return
        listing.add_options(
            Option(finding_label(f), id=str(i)) for i, f in enumerate(self.findings)
        )

    @on(OptionList.OptionSelected, "#findings")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.jump_to(self.findings[int(event.option.id)])

    def jump_to(self, finding: Finding) -> None:
        start = finding.span.start
        area = self.area
        area.cursor_location = (max(start.line - 1, 0), max(start.column - 1, 0))
        area.scroll_cursor_visible(center=True)
        area.focus()
