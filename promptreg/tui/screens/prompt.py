"""One prompt in four tabs: Overview, Source, History (with the Diff view) and Test."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.lint.finding import Finding
from promptreg.tui.services import Services, explain
from promptreg.tui.widgets.history_view import HistoryView
from promptreg.tui.widgets.overview import Overview
from promptreg.tui.widgets.source import SourceView
from promptreg.tui.widgets.trial_pane import TrialPane

TABS = ("overview", "source", "history", "test")


class PromptScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="prompt.back"),
        Binding("1", "tab('overview')", "Overview", id="prompt.overview"),
        Binding("2", "tab('source')", "Source", id="prompt.source"),
        Binding("3", "tab('history')", "History", id="prompt.history"),
        Binding("4", "tab('test')", "Test", id="prompt.test"),
    ]

    def __init__(self, spec: PromptSpec, services: Services) -> None:
        super().__init__(id="prompt-screen")
        self.spec = spec
        self.prompt_id = spec.id
        self.services = services
        self.findings: list[Finding] | None = None

    def compose(self) -> ComposeResult:
        settings = self.services.index.settings
        yield Static(
            Text(f"{self.spec.id}  {self.spec.version}  {self.spec.title}"), id="prompt-title"
        )
        with TabbedContent(id="tabs"):
            with TabPane("Overview", id="overview"):
                yield Overview(self.spec, settings)
            with TabPane("Source", id="source"):
                path = self.spec.path
                text = path.read_text(encoding="utf-8", errors="replace") if path else ""
                yield SourceView(path or settings.registry_dir, text)
            with TabPane("History", id="history"):
                yield HistoryView(self.spec.id, self.services.history)
            with TabPane("Test", id="test"):
                yield TrialPane(self.spec, self.services)
        yield Footer()

    def on_mount(self) -> None:
        self.lint()

    @work(thread=True, exclusive=True, group="lint")
    def lint(self) -> None:
        from promptreg.lint.session import LintSession

        path = self.spec.path
        if path is None:
            return
        try:
            with LintSession.open(self.services.index.settings) as session:
                findings = session.lint_file(path)
        except PromptregError as error:
            self.app.call_from_thread(self.notify, explain(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._linted, findings)

    def _linted(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.query_one(SourceView).show_findings(findings)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, name: str) -> None:
        """Show a tab and focus its first control, so its keys are live at once."""
        self.query_one(TabbedContent).active = name
        pane = self.query_one(f"#{name}", TabPane)
        target = next((w for w in pane.query("*") if w.focusable), None)
        if target is not None:
            target.focus()

    def reload(self) -> None:
        """The file changed on disk: read it again and show what it says now."""
        try:
            spec = self.services.spec(self.prompt_id)
        except PromptregError as error:
            self.notify(
                f"{self.prompt_id} no longer loads: {explain(error)}",
                severity="error",
                markup=False,
            )
            return
        self.spec = spec
        self.query_one(Overview).show(spec)
        path = spec.path
        if path is not None:
            self.query_one(SourceView).show_text(path.read_text(encoding="utf-8", errors="replace"))
        self.query_one("#prompt-title", Static).update(
            Text(f"{spec.id}  {spec.version}  {spec.title}")
        )
        self.lint()
