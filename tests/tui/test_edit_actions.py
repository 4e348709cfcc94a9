"""bump and fmt from the palette: refused with the CLI's reasons, or shown, then written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.edit.fmt import format_text
from promptreg.tui.app import RegistryApp
from promptreg.tui.approving import ConfirmScreen
from promptreg.tui.screens.prompt import PromptScreen
from tests.gitrepo import GitRepo
from tests.tui.conftest import SIZE, app_for, text_of, until, write_demo

pytestmark = pytest.mark.anyio
ID = "demo/echo"


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """demo/echo committed at 1.0.0, then its system message edited (a patch change)."""
    repo = git_repo()
    write_demo(repo.root)
    repo.commit("Add demo/echo")
    path = repo.path(ID)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Answer in", "Please answer in"), encoding="utf-8"
    )
    return repo


async def run_palette(pilot, app: RegistryApp, command: str) -> None:  # type: ignore[no-untyped-def]
    app.open_prompt(ID)
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
    await pilot.press("ctrl+p", *command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_bump_shows_the_planned_version_then_writes_it_on_y(repo: GitRepo) -> None:
    path = repo.path(ID)
    before = path.read_bytes()
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt")
        assert app.refusal is None
        screen = app.screen
        assert isinstance(screen, ConfirmScreen)
        assert f"bump {ID} 1.0.0 → 1.0.1 (patch; patch needed:" in screen.text
        assert "status: approved → review" in screen.text
        detail = text_of(screen.query_one("#confirm-detail Static"))
        assert "+version: 1.0.1" in detail and "-version: 1.0.0" in detail
        assert path.read_bytes() == before, "nothing is written before the answer"
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "back on the prompt")
        await until(pilot, lambda: app.screen.spec.version == "1.0.1", "the prompt read again")
    text = path.read_text(encoding="utf-8")
    assert "version: 1.0.1" in text and "status: review" in text
    assert "1.0.1" in text.split("changelog:")[-1]
    assert repo.git("status", "--porcelain") == "M registry/demo/echo.prompt.yaml"


async def test_escape_leaves_the_file_as_it_was(repo: GitRepo) -> None:
    path = repo.path(ID)
    before = path.read_bytes()
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
    assert path.read_bytes() == before


async def test_a_lower_level_than_needed_is_refused_in_the_cli_s_words(repo: GitRepo) -> None:
    path = repo.path(ID)
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("  count:")]
    path.write_text(
        "\n".join(lines).replace("{{ count }}", "2") + "\n", encoding="utf-8"
    )  # a removed variable: a major change
    before = path.read_bytes()
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt: patch")
        assert app.refusal is not None
        assert "needs a major bump, not patch" in app.refusal
        assert f"promptreg bump {ID} major" in app.refusal
        assert not isinstance(app.screen, ConfirmScreen)
    assert path.read_bytes() == before


async def test_a_file_that_changed_after_the_preview_is_not_written(repo: GitRepo) -> None:
    path = repo.path(ID)
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt")
        assert isinstance(app.screen, ConfirmScreen)
        edited = path.read_text(encoding="utf-8") + "# a comment added meanwhile\n"
        path.write_text(edited, encoding="utf-8")
        await pilot.press("y")
        await pilot.pause()
        assert app.refusal is not None and "changed while it was being edited" in app.refusal
    assert path.read_text(encoding="utf-8") == edited


async def test_bump_outside_git_is_refused_with_the_cli_s_hint(demo: Path) -> None:
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    before = path.read_bytes()
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt")
        assert app.refusal is not None
        assert "promptreg bump ID patch" in app.refusal  # give the level explicitly
    assert path.read_bytes() == before


async def test_no_change_since_head_needs_no_bump(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo()
    write_demo(repo.root)
    repo.commit("Add demo/echo")
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "bump the open prompt")
        assert app.refusal is None
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("no bump is needed" in n.message for n in app._notifications)
    assert "version: 1.0.0" in repo.path(ID).read_text(encoding="utf-8")


def unformatted(root: Path) -> Path:
    """demo/echo with `title:` moved below `tier:`, out of the canonical order."""
    path = root / "registry" / "demo" / "echo.prompt.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    title = next(line for line in lines if line.startswith("title:"))
    lines.remove(title)
    lines.insert(next(i for i, line in enumerate(lines) if line.startswith("tier:")) + 1, title)
    path.write_text("".join(lines), encoding="utf-8")
    return path


async def test_fmt_shows_the_diff_then_formats_on_y(demo: Path) -> None:
    path = unformatted(demo)
    original = path.read_text(encoding="utf-8")
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "fmt the open prompt")
        screen = app.screen
        assert isinstance(screen, ConfirmScreen)
        detail = text_of(screen.query_one("#confirm-detail Static"))
        assert "-title: Demo prompt echo" in detail and "+title: Demo prompt echo" in detail
        assert path.read_text(encoding="utf-8") == original
        await pilot.press("y")
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == format_text(original, path=path)
    assert path.read_text(encoding="utf-8") != original


async def test_fmt_of_a_formatted_file_has_nothing_to_do(demo: Path) -> None:
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    path.write_text(format_text(path.read_text(encoding="utf-8"), path=path), encoding="utf-8")
    before = path.read_bytes()
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "fmt the open prompt")
        assert app.refusal is None
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("already formatted" in n.message for n in app._notifications)
    assert path.read_bytes() == before


async def test_fmt_refuses_what_promptreg_fmt_refuses(demo: Path) -> None:
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "The text to answer., max_tokens: 200}",
        "The text to answer.,   # kept?\n    max_tokens: 200}",
    )
    path.write_text(text, encoding="utf-8")
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await run_palette(pilot, app, "fmt the open prompt")
        assert app.refusal is not None
        assert "formatting would drop or alter a comment here" in app.refusal
        assert not isinstance(app.screen, ConfirmScreen)
    assert path.read_text(encoding="utf-8") == text


async def test_bump_and_fmt_need_an_open_prompt(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"fmt the open prompt")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.browser
