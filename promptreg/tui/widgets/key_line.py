"""The keys of the focused screen as one line of text, in place of Textual's Footer.

The Footer composes a widget per binding and composes them again whenever the focus
moves; on a prompt that was a third of the widgets to style and lay out before the
first frame. This renders the same keys (after any remapping, since it reads the
screen's active bindings) as one line, and a click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyLine(Widget):
    DEFAULT_CSS = """
    KeyLine { dock: bottom; height: 1; background: $panel; }
    KeyLine > .key-line--key { color: $accent; text-style: bold; }
    KeyLine > .key-line--description { color: $text; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-line--key", "key-line--description"}

    def __init__(self) -> None:
        super().__init__(id="key-line")
        self._cells: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def entries(self) -> list[tuple[str, str, str]]:
        """(key as typed, key as shown, description) of each shown binding, one per
        action, with the command palette's last."""
        app = self.app
        seen: set[str] = set()
        found: list[tuple[str, str, str]] = []
        palette = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (key, app.get_key_display(binding), binding.description)
                continue
            if not binding.show or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            found.append((key, app.get_key_display(binding), binding.description))
        if palette is not None:
            found.append(palette)
        return found

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-line--key")
        text_style = self.get_component_rich_style("key-line--description")
        line = Text(no_wrap=True, overflow="ellipsis")
        self._cells = []
        for key, shown, description in self.entries():
            start = line.cell_len
            line.append(f" {shown} ", style=key_style)
            line.append(f"{description} ", style=text_style)
            self._cells.append((start, line.cell_len, key))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._cells:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
