"""The tab line and the key line: one drawn line each, still clickable and remappable."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.choice import Choice
from promptreg.tui.widgets.history_view import HistoryView
from promptreg.tui.widgets.key_line import KeyLine
from promptreg.tui.widgets.tabs import Pane, PromptTabs, TabLine
from tests.tui.conftest import SIZE, app_for, until

pytestmark = pytest.mark.anyio


async def _opened(pilot, app, prompt_id: str) -> PromptScreen:  # type: ignore[no-untyped-def]
    app.open_prompt(prompt_id)
    await until(
        pilot,
        lambda: isinstance(app.screen, PromptScreen) and app.screen.query(TabLine),
        f"{prompt_id} opened",
    )
    assert isinstance(app.screen, PromptScreen)
    return app.screen


async def test_clicking_a_tab_shows_its_pane_and_mounts_its_content(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot, app, "demo/echo")
        line = screen.query_one(TabLine)
        cells = {name: (start, end) for start, end, name in line.cells()}
        assert list(cells) == ["overview", "source", "history", "test"]
        start, end = cells["history"]
        await pilot.click(TabLine, offset=(start + (end - start) // 2, 0))
        tabs = screen.query_one(PromptTabs)
        assert tabs.active == "history"
        assert line.active == "history"
        shown = [pane.id for pane in screen.query(Pane) if pane.display]
        assert shown == ["history"]
        await until(pilot, lambda: screen.query(HistoryView), "the history mounted")
        gap = cells["source"][1]  # the column between two labels picks nothing
        await pilot.click(TabLine, offset=(gap, 0))
        assert tabs.active == "history"


async def test_a_key_switches_the_tab_line_with_the_pane(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot, app, "demo/echo")
        await pilot.press("2")
        assert screen.query_one(TabLine).active == "source"
        assert [pane.id for pane in screen.query(Pane) if pane.display] == ["source"]
        with pytest.raises(ValueError, match="no tab 'nope'"):
            screen.query_one(PromptTabs).active = "nope"


async def test_the_key_line_shows_remapped_keys_and_a_click_presses_one(demo: Path) -> None:
    app = app_for(demo, keymap={"browser.filter": "f"})
    async with app.run_test(size=SIZE) as pilot:
        line = app.browser.query_one(KeyLine)
        entries = {description: key for key, _shown, description in line.entries()}
        assert entries["Filter"] == "f"
        assert entries["Quit"] == "q"
        assert "Clear filter" not in entries  # a binding with show=False stays off the line
        rendered = line.render().plain
        assert " f Filter " in rendered
        start = rendered.index(" f Filter ")
        await pilot.click(KeyLine, offset=(start + 1, 0))
        assert app.browser.filter_input.has_focus


async def test_the_key_line_follows_the_focus(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot, app, "demo/echo")
        await pilot.press("4")
        line = screen.query_one(KeyLine)
        await until(pilot, lambda: "Run evals" in line.render().plain, "the test pane's keys")
        await pilot.press("1")
        screen.set_focus(None)
        await pilot.pause()
        assert "Run evals" not in line.render().plain


async def test_a_choice_cycles_with_keys_and_clicks_and_refuses_an_unknown_value() -> None:
    from textual.app import App, ComposeResult

    changes: list[object] = []

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Choice([("calm", "calm"), ("loud", "loud")], prompt="choose tone", id="tone")

        def on_choice_changed(self, event: Choice.Changed) -> None:
            changes.append(event.value)

    app = One()
    async with app.run_test() as pilot:
        choice = app.query_one(Choice)
        assert choice.value is Choice.UNSET
        assert "choose tone" in choice.render().plain
        choice.focus()
        await pilot.press("right")
        assert choice.value == "calm"
        await pilot.press("right")
        assert choice.value == "loud"
        await pilot.press("right")  # wraps round
        assert choice.value == "calm"
        await pilot.press("left")
        assert choice.value == "loud"
        await pilot.click(Choice)
        assert choice.value == "calm"
        assert "1 of 2" in choice.render().plain
        with pytest.raises(ValueError, match="'shout' is not one of the choices"):
            choice.value = "shout"
        assert choice.value == "calm"
        await pilot.pause()
    assert changes == ["calm", "loud", "calm", "loud", "calm"]
