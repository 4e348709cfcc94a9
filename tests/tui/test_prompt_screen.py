"""The prompt screen: overview verdict, source findings, history and the diff view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList

from promptreg.git.history import WORKING
from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.diff_view import DiffView, field_lines, meaning_lines
from promptreg.tui.widgets.history_view import HistoryView
from promptreg.tui.widgets.source import SourceView
from tests.gitrepo import GitRepo
from tests.tui.conftest import SIZE, app_for, text_of, until, write_demo

pytestmark = pytest.mark.anyio


async def open_prompt(pilot, app, prompt_id: str) -> PromptScreen:  # type: ignore[no-untyped-def]
    app.open_prompt(prompt_id)
    await until(
        pilot,
        lambda: isinstance(app.screen, PromptScreen) and app.screen.query("#overview-body"),
        f"{prompt_id} opened",
    )
    assert isinstance(app.screen, PromptScreen)
    return app.screen


async def test_overview_says_whether_it_is_served_and_why(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prompt(pilot, app, "support/summarize-ticket")
        body = text_of(screen.query_one("#overview-body"))
        assert "served: yes" in body or "served: no" in body
        assert "approvals" in body and "changelog" in body
        await pilot.press("escape")
        assert app.screen is app.browser


async def test_source_lists_findings_and_jumps_to_their_line(demo: Path) -> None:
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(", max_tokens: 200", ""))
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prompt(pilot, app, "demo/echo")
        await until(pilot, lambda: screen.findings is not None, "the file linted")
        source = screen.query_one(SourceView)
        k003 = next(f for f in source.findings if f.code == "K003")
        await pilot.press("2")
        index = source.findings.index(k003)
        listing = source.query_one("#findings", OptionList)
        listing.focus()
        listing.highlighted = index
        await pilot.press("enter")
        location = (k003.span.start.line - 1, k003.span.start.column - 1)
        assert location[0] > 0
        assert source.area.cursor_location == location
        assert source.area.has_focus


async def test_history_outside_git_says_why_it_is_empty(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prompt(pilot, app, "demo/echo")
        await pilot.press("3")
        note = screen.query_one("#history-note")
        await until(pilot, lambda: "no history" in text_of(note), "the history note")
        assert "not inside a git repository" in text_of(note)
        assert screen.query_one(HistoryView).refs == [WORKING]


async def test_two_picked_versions_show_the_field_changes(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo()
    write_demo(repo.root)
    path = repo.path("demo/echo")
    first = repo.commit("Add demo/echo")
    text = path.read_text(encoding="utf-8")
    text = text.replace("version: 1.0.0", "version: 1.1.0").replace(
        "temperature: 0,", "temperature: 0.5,"
    )
    text = text.replace("Answer in", "Please answer in")
    path.write_text(text, encoding="utf-8")
    second = repo.commit("Warmer demo/echo")
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prompt(pilot, app, "demo/echo")
        await pilot.press("3")
        view = screen.query_one(HistoryView)
        await until(pilot, lambda: len(view.refs) == 3, "both commits listed")
        assert view.refs == [WORKING, second, first]
        view.pick(second)
        view.pick(first)
        diff = screen.query_one(DiffView)
        await until(pilot, lambda: diff.comparison is not None, "the diff")
        assert diff.comparison is not None
        result = diff.comparison.diff
        assert (result.version_before, result.version_after) == ("1.0.0", "1.1.0")
        assert "model.temperature: 0 → 0.5" in field_lines(result)
        assert [m.kind for m in result.messages] == ["changed"]
        assert any("bump" in line for line in meaning_lines(result))
        shown = text_of(diff.query_one("#diff-body"))
        assert "model.temperature" in shown
