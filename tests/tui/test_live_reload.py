"""Live reload: a file edited, added or deleted on disk shows without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.tui.screens.prompt import PromptScreen
from tests.tui.conftest import PROMPT, SIZE, app_for, filled, text_of, until, write_demo

pytestmark = pytest.mark.anyio


def row(app, prompt_id: str):  # type: ignore[no-untyped-def]
    return next((r for r in app.rows() if r.id == prompt_id), None)


async def test_an_edited_file_is_picked_up(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "watched", names=("echo", "other"))
    app = app_for(root, live_reload=True)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        assert app.live_reload
        await pilot.pause(0.3)  # the watcher is set up
        path = root / "registry" / "demo" / "echo.prompt.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: Demo prompt echo", "title: Renamed on disk"))
        await until(pilot, lambda: row(app, "demo/echo").title == "Renamed on disk", "the edit")
        added = root / "registry" / "demo" / "new.prompt.yaml"
        added.write_text(PROMPT.format(name="new"), encoding="utf-8")
        await until(pilot, lambda: row(app, "demo/new") is not None, "the new file")
        (root / "registry" / "demo" / "other.prompt.yaml").unlink()
        await until(pilot, lambda: row(app, "demo/other") is None, "the deletion")


async def test_the_open_prompt_screen_follows_its_file(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "watched")
    app = app_for(root, live_reload=True)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        app.open_prompt("demo/echo")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
        await pilot.pause(0.3)
        path = root / "registry" / "demo" / "echo.prompt.yaml"
        path.write_text(path.read_text().replace("version: 1.0.0", "version: 1.0.1"))
        title = app.screen.query_one("#prompt-title")
        await until(pilot, lambda: "1.0.1" in text_of(title), "the screen reloaded")
