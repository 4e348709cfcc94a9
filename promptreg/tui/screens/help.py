"""`?`: the keys of the screen underneath, with each binding's id for the keymap file."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from promptreg.tui.keymap import keymap_path

Entry = tuple[str, str, str]
"""(key, what it does, binding id)"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, entries: list[Entry]) -> None:
        super().__init__(id="help")
        self.title_text = title
        self.entries = entries

    def compose(self) -> ComposeResult:
        table = Table(title=f"keys: {self.title_text}", expand=True)
        table.add_column("key", style="bold")
        table.add_column("does")
        table.add_column("id (remap in the keymap file)", style="dim")
        for key, description, binding_id in self.entries:
            table.add_row(key, description, binding_id)
        with VerticalScroll(id="help-box"):
            yield Static(table)
            yield Static(f"keymap file: {keymap_path()}  ·  esc closes", id="help-foot")
