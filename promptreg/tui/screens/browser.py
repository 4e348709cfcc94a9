"""The first screen: every prompt in one list, a filter bar on `/`, counts below."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from promptreg.tui.index import Row
from promptreg.tui.messages import FilterApplied, PromptChosen, RowsFilled
from promptreg.tui.widgets.key_line import KeyLine
from promptreg.tui.widgets.prompt_list import PromptList, header_line

FILTER_HELP = (
    "tier:3  status:approved  owner:NAME  tag:NAME  serve:no  lint:error  stale:evals  "
    "id:PREFIX  -key:value negates, words match id and title fuzzily"
)


class BrowserScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="browser.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="browser.clear"),
        Binding("r", "reload", "Reload", id="browser.reload"),
        Binding("t", "test", "Test", id="browser.test"),
    ]

    def __init__(self, rows: list[Row], registry: str) -> None:
        super().__init__(id="browser")
        self._rows = rows
        self.registry = registry
        self.filled = 0
        self.linted = False

    def compose(self) -> ComposeResult:
        yield Static(Text(header_line()), id="list-header")
        yield PromptList(self._rows, id="prompts")
        yield Input(placeholder=FILTER_HELP, id="filter", classes="hidden")
        yield Static("", id="counts")
        yield KeyLine()

    @property
    def prompt_list(self) -> PromptList:
        return self.query_one(PromptList)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    def on_mount(self) -> None:
        self.prompt_list.focus()
        self._show_counts()

    # -- filtering ----------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.filter_input
        box.remove_class("hidden")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.filter_input
        box.value = ""
        box.add_class("hidden")
        self.prompt_list.focus()

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        self.prompt_list.set_query(event.value)

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.filter_input.add_class("hidden")
        self.prompt_list.focus()

    @on(FilterApplied)
    def _filtered(self, event: FilterApplied) -> None:
        event.stop()
        self._show_counts()

    # -- filling ------------------------------------------------------------------

    @on(RowsFilled)
    def _rows_filled(self, event: RowsFilled) -> None:
        listing = self.prompt_list
        if event.counts_only:
            listing.merge_lint_counts(event.rows)
        else:
            listing.update_rows(event.rows)
        if event.linted or (not event.counts_only and event.filled >= len(listing.rows)):
            listing.flush()  # the last batch of a kind shows at once, not a moment later
        self.note_progress(max(event.filled, self.filled), event.linted)

    def note_progress(self, filled: int, linted: bool) -> None:
        self.filled = filled
        self.linted = linted
        self._show_counts()

    def _show_counts(self) -> None:
        listing = self.prompt_list
        total = len(listing.rows)
        query = listing.filter_query
        parts = [
            f"{len(listing.shown)} of {total} prompts" if not query.empty else f"{total} prompts"
        ]
        if query.problems:
            parts.append("; ".join(query.problems))
        if self.filled < total:
            parts.append(f"reading {self.filled}/{total}")
        elif not self.linted:
            parts.append("linting…")
        parts.append(f"{listing.not_served} not served")
        parts.append(self.registry)
        self.query_one("#counts", Static).update(Text("  ·  ".join(parts)))

    def action_test(self) -> None:
        """Open the current prompt straight on its Test tab: one frame with the preview,
        where `enter` then `4` draws the Overview first."""
        row = self.prompt_list.current
        if row is not None:
            self.post_message(PromptChosen(row.id, tab="test"))

    async def action_reload(self) -> None:
        await self.app.run_action("reload_index")
