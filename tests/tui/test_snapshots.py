"""SVG snapshots of the main screens at a fixed size, with deterministic data: copies of
the embedded registry outside git, the demo registry, a repository whose commits have
fixed authors and dates. Cursors do not blink. `--snapshot-update` rewrites them after
a deliberate change (look at the SVGs before committing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from promptreg.tui.app import RegistryApp
from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.choice import Choice
from promptreg.tui.widgets.history_view import HistoryView
from promptreg.tui.widgets.trial_pane import TrialPane
from tests.gitrepo import GitRepo
from tests.tui.conftest import app_for, until, write_demo

SIZE = (140, 40)
Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def fixed_keymap_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMPTREG_TUI_KEYS", "/etc/promptreg/keys.yaml")


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, RegistryApp)
    await until(pilot, lambda: app.browser.linted, "the list filled and linted")
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


async def opened(pilot: Pilot[Any], prompt_id: str, tab: str = "1") -> PromptScreen:
    app = pilot.app
    assert isinstance(app, RegistryApp)
    await until(pilot, lambda: app.browser.linted, "the list filled and linted")
    app.open_prompt(prompt_id)
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
    screen = app.screen
    assert isinstance(screen, PromptScreen)
    await until(pilot, lambda: screen.findings is not None, "the file linted")
    await pilot.press(tab)
    return screen


def test_browser(snap_compare: Snap, embedded: Path) -> None:
    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=settle)


def test_browser_filtered_to_tier_3(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"tier:3")
        await settle(pilot)

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_browser_not_served(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"serve:no", "enter")
        await settle(pilot)

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_browser_unknown_filter(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"teir:3")
        await settle(pilot)

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_browser_cursor_moved(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down", "n")

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_help_on_the_browser(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_overview(snap_compare: Snap, embedded: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot, "support/summarize-ticket")

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_overview_of_a_refused_prompt(snap_compare: Snap, embedded: Path) -> None:
    path = embedded / "registry" / "support" / "summarize-ticket.prompt.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1), encoding="utf-8")

    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot, "support/summarize-ticket")

    assert snap_compare(app_for(embedded), terminal_size=SIZE, run_before=run)


def test_source_with_findings(snap_compare: Snap, demo: Path) -> None:
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    path.write_text(path.read_text().replace(", max_tokens: 200", ""), encoding="utf-8")

    async def run(pilot: Pilot[Any]) -> None:
        screen = await opened(pilot, "demo/echo", "2")
        screen.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=run)


def test_history_outside_git(snap_compare: Snap, demo: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        screen = await opened(pilot, "demo/echo", "3")
        await until(pilot, lambda: screen.query_one(HistoryView).refs, "history read")

    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=run)


def test_diff_of_two_versions(snap_compare: Snap, git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo()
    write_demo(repo.root)
    path = repo.path("demo/echo")
    repo.commit("Add demo/echo")
    text = path.read_text().replace("version: 1.0.0", "version: 1.1.0")
    text = text.replace("temperature: 0,", "temperature: 0.5,").replace("Answer in", "Reply in")
    path.write_text(text)
    repo.commit("Warmer demo/echo")

    async def run(pilot: Pilot[Any]) -> None:
        screen = await opened(pilot, "demo/echo", "3")
        view = screen.query_one(HistoryView)
        await until(pilot, lambda: len(view.refs) == 3, "history read")
        view.pick(view.refs[1])
        view.pick(view.refs[2])
        await until(pilot, lambda: view.query_one("DiffView").comparison, "the diff")  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(app_for(repo.root), terminal_size=SIZE, run_before=run)


def _test_pane(values: dict[str, str], *, renders: bool = True) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        screen = await opened(pilot, "demo/echo", "4")
        pane = screen.query_one(TrialPane)
        await until(pilot, lambda: pane.form_built, "the form built")
        for name, value in values.items():
            control = pane.query_one(f"#var-{name}")
            if isinstance(control, Choice | Input):
                control.value = value
        for widget in pane.query(Input):
            widget.cursor_blink = False
        await pilot.pause(0.2)
        if renders and values:
            meter = pane.query_one("#meter")
            await until(pilot, lambda: "tokens" in str(meter.content), "the meter")  # type: ignore[attr-defined]

    return run


def test_test_pane_empty(snap_compare: Snap, demo: Path) -> None:
    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=_test_pane({}))


def test_test_pane_rendered(snap_compare: Snap, demo: Path) -> None:
    run = _test_pane({"text": "Where is my order?", "tone": "loud"})
    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=run)


def test_test_pane_invalid_variable(snap_compare: Snap, demo: Path) -> None:
    run = _test_pane({"text": "hello", "count": "three"}, renders=False)
    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=run)


def test_help_on_the_prompt_screen(snap_compare: Snap, demo: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await opened(pilot, "demo/echo")
        await pilot.press("question_mark")

    assert snap_compare(app_for(demo), terminal_size=SIZE, run_before=run)
