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
    def __init__(self, path: Path, text: str, findings: list[Finding] | None = None) -> None:
        super().__init__(id="source-view")
        self.path = path
        self.text = text
        self.findings: list[Finding] = sorted(findings or [])
        self._linted = findings is not None

    def compose(self) -> ComposeResult:
        area = TextArea(self.text, language="yaml", read_only=True, id="source-text")
        area.show_line_numbers = True
        yield area
        yield OptionList(Option("linting…", disabled=True), id="findings")

    def on_mount(self) -> None:
        if self._linted:  # linted before the tab was first shown
            self.show_findings(self.findings)

    def _options(self) -> list[Option]:
        if not self._linted:
            return [Option("linting…", disabled=True)]
        if not self.findings:
            return [Option("no findings", disabled=True)]
        return [Option(finding_label(f), id=str(i)) for i, f in enumerate(self.findings)]

    @property
    def area(self) -> TextArea:
        return self.query_one("#source-text", TextArea)

    def show_text(self, text: str) -> None:
        self.text = text
        self.area.load_text(text)

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings)
        self._linted = True
        for listing in self.query("#findings").results(OptionList):  # none before compose
            listing.clear_options()
            listing.add_options(self._options())

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
