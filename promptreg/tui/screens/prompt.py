"""One prompt in four tabs: Overview, Source, History (with the Diff view) and Test.

Only the tab it opens on (the Overview, or the one asked for: `t` in the list opens on
the Test tab) is composed with the screen. Mounting every tab at once (about 80
widgets: a TextArea, a DataTable, the test form) cost seconds before anything showed,
so each other tab's content is mounted when the tab is first shown, or, if it is not
asked for first, one tab per frame from a quarter second after the first frame.
Opening on the Overview and then pressing `4` costs two full frames; opening on the
Test tab costs one, with the preview in it. The tab bar and the keys are one drawn line
each (widgets.tabs, widgets.key_line) rather than a widget per tab and per key, since
each widget is styled and laid out before the first frame.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.lint.finding import Finding
from promptreg.tui.services import Services, explain
from promptreg.tui.widgets.key_line import KeyLine
from promptreg.tui.widgets.overview import Overview
from promptreg.tui.widgets.tabs import Pane, PromptTabs

TABS = ("overview", "source", "history", "test")
LABELS = {"overview": "Overview", "source": "Source", "history": "History", "test": "Test"}
BACKGROUND_DELAY = 0.25
"""Seconds after the first frame before linting and mounting the tabs not asked for."""


class PromptScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="prompt.back"),
        Binding("1", "tab('overview')", "Overview", id="prompt.overview"),
        Binding("2", "tab('source')", "Source", id="prompt.source"),
        Binding("3", "tab('history')", "History", id="prompt.history"),
        Binding("4", "tab('test')", "Test", id="prompt.test"),
    ]

    def __init__(self, spec: PromptSpec, services: Services, tab: str = "overview") -> None:
        super().__init__(id="prompt-screen")
        if tab not in LABELS:
            raise ValueError(f"no tab {tab!r}: the tabs are {', '.join(TABS)}")
        self.first_tab = tab
        """The tab the screen opens on (composed with the screen; the others are lazy)."""
        self.spec = spec
        self.prompt_id = spec.id
        self.services = services
        self.findings: list[Finding] | None = None
        """The lint findings the Source tab shows (None until linted and mounted)."""
        self._unshown: list[Finding] | None = None
        """Findings that arrived before the Source tab was mounted."""
        self._leaving = False
        self.mounted_tabs: dict[str, AwaitMount | None] = {tab: None}
        """The tabs whose content was mounted (or is being mounted)."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self._title()), id="prompt-title")
        with PromptTabs(LABELS, id="tabs", active=self.first_tab):
            for name in TABS:
                with Pane(id=name):
                    if name == self.first_tab:
                        yield self._content(name)
        yield KeyLine()

    def _title(self) -> str:
        return f"{self.spec.id}  {self.spec.version}  {self.spec.title}"

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_frame)
        if self.first_tab != "overview":
            self.call_after_refresh(self._focus_tab, self.first_tab)

    def _after_first_frame(self) -> None:
        """Lint and mount the other tabs a moment after the first tab is on screen: the
        lint thread shares the interpreter and a mounting tab holds the event loop, so
        starting either at once delayed the first frame, and a tab asked for straight
        away (the Test tab's form) waited behind the Source tab's TextArea."""
        self.set_timer(BACKGROUND_DELAY, self._background)

    def _background(self) -> None:
        if self._leaving or not self.is_attached:
            return
        self.lint()
        self._prefetch()

    # -- lazy tabs ----------------------------------------------------------------

    def _content(self, name: str) -> Widget:
        """A tab's content, built from the spec as it is now (imported here: the
        TextArea, the DataTable and the renderer load when a tab first needs them)."""
        if name == "overview":
            return Overview(self.spec, self.services.index.settings)
        if name == "source":
            from promptreg.tui.widgets.source import SourceView

            settings = self.services.index.settings
            path = self.spec.path
            text = path.read_text(encoding="utf-8", errors="replace") if path else ""
            findings, self._unshown = self._unshown, None
            if findings is not None:
                self.findings = findings
            return SourceView(path or settings.registry_dir, text, self.findings)
        if name == "history":
            from promptreg.tui.widgets.history_view import HistoryView

            return HistoryView(self.spec.id, self.services.history)
        from promptreg.tui.widgets.trial_pane import TrialPane

        return TrialPane(self.spec, self.services)

    def ensure_tab(self, name: str) -> AwaitMount | None:
        """Mount the tab's content unless it is (being) mounted; await the result to
        know it is there."""
        if name in self.mounted_tabs:
            return self.mounted_tabs[name]
        mounting = self.query_one(f"#{name}", Pane).mount(self._content(name))
        self.mounted_tabs[name] = mounting
        return mounting

    def _prefetch(self) -> None:
        """Mount the next tab nobody asked for yet, one per frame, so that switching
        to it later is instant while opening stays cheap."""
        pending = [name for name in TABS if name not in self.mounted_tabs]
        if not pending or not self.is_current or self._leaving:
            return
        self.ensure_tab(pending[0])
        self.call_after_refresh(self._prefetch)

    @on(PromptTabs.TabActivated, "#tabs")
    def _activated(self, event: PromptTabs.TabActivated) -> None:
        if event.pane.id is not None:
            self.ensure_tab(event.pane.id)

    # -- lint ---------------------------------------------------------------------

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
        from promptreg.tui.widgets.source import SourceView

        views = self.query(SourceView)
        if not views:
            self._unshown = findings  # shown when the tab mounts
            return
        self.findings = findings
        for view in views:
            view.show_findings(findings)

    # -- actions ------------------------------------------------------------------

    async def action_back(self) -> None:
        """Back to the list, once no tab is half-mounted (a pane whose children are
        torn down under it would fail in its own mount handler)."""
        await self.settled()
        self.app.pop_screen()

    async def settled(self) -> None:
        """Mount no more tabs unasked, and wait for those under way."""
        self._leaving = True
        for mounting in list(self.mounted_tabs.values()):
            if mounting is not None:
                await mounting

    async def action_tab(self, name: str) -> None:
        """Show a tab and focus its first control, so its keys are live at once. A tab
        not mounted yet is shown once mounted (the Test tab with its preview): shown
        first, its empty pane cost a frame of its own before the content's."""
        mounting = self.ensure_tab(name)
        if mounting is not None:
            await mounting
        self.query_one(PromptTabs).active = name
        self._focus_tab(name)

    def _focus_tab(self, name: str) -> None:
        pane = self.query_one(f"#{name}", Pane)
        target = next((w for w in pane.query("*") if w.focusable), None)
        focus_first = getattr(target, "focus_first", None)  # the Test tab's, form or not
        if callable(focus_first):
            focus_first()
        elif target is not None:
            target.focus()

    def reload(self) -> None:
        """The file changed on disk: read it again and show what it says now."""
        from promptreg.tui.widgets.source import SourceView

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
        for overview in self.query(Overview):  # none yet if it opened on another tab
            overview.show(spec)
        path = spec.path
        if path is not None:
            for view in self.query(SourceView):
                view.show_text(path.read_text(encoding="utf-8", errors="replace"))
        self.query_one("#prompt-title", Static).update(Text(self._title()))
        self.lint()
