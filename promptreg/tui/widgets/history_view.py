"""The History tab: the working tree and every committed version; pick two to compare.

Rows come from promptreg.git.history (one `git log`, one `cat-file`), read in a worker;
outside a repository the tab says why it is empty. Space marks a row; with two marked,
the older is compared with the newer as `promptreg diff` compares them, and the eval
results recorded for each (promptreg.tui.eval_diff) are matched case by case. The
working tree's row is one of the states, so a version can be compared with the edit
in progress.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from promptreg.core.errors import PromptregError
from promptreg.git.history import WORKING, Revision
from promptreg.tui.messages import VersionsPicked
from promptreg.tui.services import History, explain
from promptreg.tui.widgets.diff_view import DiffView

COLUMNS = ("", "VERSION", "COMMIT", "DATE", "AUTHOR", "SUBJECT", "APPROVALS")


class HistoryView(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pick", "Pick version", id="history.pick"),
        Binding("c", "clear_picks", "Clear picks", id="history.clear"),
    ]

    def __init__(self, prompt_id: str, history: History) -> None:
        super().__init__(id="history-view")
        self.prompt_id = prompt_id
        self.history = history
        self.refs: list[str] = []
        """Each table row's ref: WORKING, then commit ids newest first."""
        self.picked: list[str] = []
        self.revisions: list[Revision] = []

    def compose(self) -> ComposeResult:
        yield Static("reading history…", id="history-note")
        table: DataTable[str] = DataTable(id="revisions", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield DiffView()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="history")
    def load(self) -> None:
        why = self.history.why_empty()
        if why is not None:
            self.app.call_from_thread(self._show, [], f"no history: {why}")
            return
        try:
            revisions = self.history.revisions(self.prompt_id)
        except PromptregError as error:
            self.app.call_from_thread(self._show, [], f"no history: {explain(error)}")
            return
        note = (
            f"{len(revisions)} committed version(s); space picks two to compare"
            if revisions
            else "no committed version yet: the file was never committed"
        )
        self.app.call_from_thread(self._show, revisions, note)

    def _show(self, revisions: list[Revision], note: str) -> None:
        self.revisions = revisions
        self.query_one("#history-note", Static).update(Text(note))
        table = self.query_one("#revisions", DataTable)
        table.clear()
        self.refs = [WORKING]
        table.add_row("", "working tree", "", "", "", "uncommitted state on disk", "", key=WORKING)
        for revision in revisions:
            self.refs.append(revision.commit)
            table.add_row(
                "",
                revision.version or "?",
                revision.short,
                revision.date[:10],
                revision.author_name or revision.author_email,
                revision.subject[:50],
                ", ".join(revision.approvals) or "-",
                key=revision.commit,
            )

    def action_pick(self) -> None:
        table = self.query_one("#revisions", DataTable)
        if not self.refs or table.cursor_row >= len(self.refs):
            return
        self.pick(self.refs[table.cursor_row])

    def pick(self, ref: str) -> None:
        """Mark `ref` (WORKING or a commit id); the second mark compares the two."""
        if ref in self.picked:
            self.picked.remove(ref)
        else:
            self.picked = [*self.picked[-1:], ref]
        table = self.query_one("#revisions", DataTable)
        for row_ref in self.refs:
            mark = str(self.picked.index(row_ref) + 1) if row_ref in self.picked else ""
            table.update_cell(row_ref, table.ordered_columns[0].key, mark)
        if len(self.picked) == 2:
            older, newer = sorted(self.picked, key=self.refs.index, reverse=True)
            self.post_message(VersionsPicked(self.prompt_id, older, newer))

    def action_clear_picks(self) -> None:
        for ref in list(self.picked):
            self.pick(ref)

    @on(VersionsPicked)
    def _compare(self, event: VersionsPicked) -> None:
        self.compare(event.older, event.newer)

    @work(thread=True, exclusive=True, group="diff")
    def compare(self, older: str, newer: str) -> None:
        try:
            comparison, evals = self.history.compare_with_evals(self.prompt_id, older, newer)
        except PromptregError as error:
            self.app.call_from_thread(self.notify, explain(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self.query_one(DiffView).show, comparison, evals)
