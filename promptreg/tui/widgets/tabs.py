"""Tabs drawn as one line of text over plain panes.

Textual's TabbedContent composes a Tabs bar, a Tab, an underline and a ContentTab per
entry, with their own styles and animations: about a dozen widgets to style and lay out
before a prompt shows anything. Here the bar is one widget that renders a line and
maps a click's column to a tab, and the panes are containers of which one is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Pane(Container):
    """One tab's content; only the active pane is displayed."""

    DEFAULT_CSS = "Pane { height: 1fr; }"


class TabLine(Widget):
    """The tab bar: each label as a cell, the active one highlighted; a click picks one."""

    DEFAULT_CSS = """
    TabLine { dock: top; height: 1; background: $panel; }
    TabLine > .tab-line--active { background: $accent 40%; text-style: bold; }
    TabLine > .tab-line--tab { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"tab-line--active", "tab-line--tab"}

    active: reactive[str] = reactive("", layout=False)

    @dataclass
    class Picked(Message):
        """A tab was clicked."""

        name: str

    def __init__(self, labels: dict[str, str], active: str) -> None:
        super().__init__(id="tab-line")
        self.labels = labels
        self.set_reactive(TabLine.active, active)

    def cells(self) -> list[tuple[int, int, str]]:
        """(first column, end column, tab name) of each label as drawn."""
        spans, column = [], 0
        for number, (name, label) in enumerate(self.labels.items(), start=1):
            width = len(f" {number} {label} ")
            spans.append((column, column + width, name))
            column += width + 1
        return spans

    def render(self) -> Text:
        active = self.get_component_rich_style("tab-line--active")
        other = self.get_component_rich_style("tab-line--tab")
        line = Text(no_wrap=True, overflow="ellipsis")
        for number, (name, label) in enumerate(self.labels.items(), start=1):
            line.append(f" {number} {label} ", style=active if name == self.active else other)
            line.append(" ")
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, name in self.cells():
            if start <= event.x < end:
                event.stop()
                self.post_message(self.Picked(name))
                return


class PromptTabs(Widget):
    """A tab line over one pane per tab; `active` names the pane shown.

    Setting `active` posts TabActivated (as TabbedContent does), so a screen can mount
    a pane's content the first time it is shown.
    """

    DEFAULT_CSS = "PromptTabs { height: 1fr; layout: vertical; }"

    @dataclass
    class TabActivated(Message):
        tabs: PromptTabs
        pane: Pane

        @property
        def control(self) -> PromptTabs:
            return self.tabs

    def __init__(
        self, labels: dict[str, str], *, id: str | None = None, active: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.labels = labels
        self._active = active if active is not None else next(iter(labels))

    def compose(self) -> ComposeResult:
        yield TabLine(self.labels, self._active)

    def pane(self, name: str) -> Pane:
        return self.query_one(f"#{name}", Pane)

    def compose_add_child(self, widget: Widget) -> None:
        """A pane composed inside the tabs is displayed only if it is the active one."""
        if isinstance(widget, Pane):
            widget.display = widget.id == self._active
        super().compose_add_child(widget)

    @property
    def active(self) -> str:
        return self._active

    @active.setter
    def active(self, name: str) -> None:
        if name not in self.labels:
            raise ValueError(f"no tab {name!r}: the tabs are {', '.join(self.labels)}")
        if name == self._active:
            return
        self.pane(self._active).display = False
        self._active = name
        pane = self.pane(name)
        pane.display = True
        self.query_one(TabLine).active = name
        self.post_message(self.TabActivated(self, pane))

    def on_tab_line_picked(self, event: TabLine.Picked) -> None:
        event.stop()
        self.active = event.name
