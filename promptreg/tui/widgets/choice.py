"""A one-line choice among a few values, cycled with the arrow keys, space or a click.

Textual's Select composes a current-value row, two arrows and an overlay OptionList:
five widgets for each enum variable of the Test form and for the eval-case presets,
most of what the form cost to show. An enum in a prompt has a handful of values, so
cycling through them in place is enough, and it is one widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Final

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget


class _Unset:
    def __repr__(self) -> str:
        return "Choice.UNSET"


UNSET: Final = _Unset()
"""The value of a Choice where nothing is chosen yet."""


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice { height: 1; margin: 0 1; padding: 0 1; background: $boost; }
    Choice:focus { background: $accent 30%; text-style: bold; }
    Choice > .choice--prompt { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice--prompt"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space,enter", "step(1)", "Next value", show=False, id="choice.next"),
        Binding("left", "step(-1)", "Previous value", show=False, id="choice.previous"),
    ]
    UNSET: ClassVar[_Unset] = UNSET

    @dataclass
    class Changed(Message):
        choice: Choice
        value: object

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, object]],
        *,
        prompt: str,
        value: object = UNSET,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        if not options:
            raise ValueError(f"a choice needs at least one option ({prompt})")
        self.options = list(options)
        self.prompt = prompt
        self._index = self._position(value)

    def _position(self, value: object) -> int | None:
        if value is UNSET:
            return None
        for index, (_, option) in enumerate(self.options):
            if option == value:
                return index
        shown = ", ".join(label for label, _ in self.options)
        raise ValueError(f"{value!r} is not one of the choices for {self.prompt}: {shown}")

    @property
    def value(self) -> object:
        return UNSET if self._index is None else self.options[self._index][1]

    @value.setter
    def value(self, value: object) -> None:
        self._select(self._position(value))

    def _select(self, index: int | None) -> None:
        if index == self._index:
            return
        self._index = index
        self.refresh()
        self.post_message(self.Changed(self, self.value))

    def action_step(self, step: int) -> None:
        count = len(self.options)
        start = -1 if step > 0 else 0
        self._select(((start if self._index is None else self._index) + step) % count)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_step(1)

    def render(self) -> Text:
        count = len(self.options)
        if self._index is None:
            return Text.assemble(
                ("◂ ", ""),
                (self.prompt, self.get_component_rich_style("choice--prompt")),
                (f" ▸  ({count} {'choice' if count == 1 else 'choices'}: ←/→)", ""),
            )
        label = self.options[self._index][0]
        return Text(f"◂ {label} ▸  ({self._index + 1} of {count}: ←/→)")
