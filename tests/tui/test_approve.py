"""Approving from the palette: refused with the CLI's reasons, or shown first, then written."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from promptreg.tui.approving import ConfirmScreen
from promptreg.tui.screens.prompt import PromptScreen
from tests.gitrepo import DANA, MEI, GitRepo
from tests.tui.conftest import SIZE, app_for, until

pytestmark = pytest.mark.anyio
TIER3 = "legal/contract-clause-risk"


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """The embedded registry, whose tier-3 prompt Mei then edits and commits."""
    repo = git_repo(registry=True)
    repo.commit("The registry", DANA)
    path = repo.path(TIER3)
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^(      .*?)\.$", r"\1 (edited).", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    repo.commit("Mei edits the prompt", MEI)
    return repo


async def approve_from_palette(pilot, app) -> None:  # type: ignore[no-untyped-def]
    app.open_prompt(TIER3)
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
    await pilot.press("ctrl+p", *"approve the open")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_author_of_the_change_is_refused_four_eyes(repo: GitRepo) -> None:
    repo.git("config", "user.email", MEI[1])
    before = repo.path(TIER3).read_bytes()
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await approve_from_palette(pilot, app)
        assert app.refusal is not None and "four eyes" in app.refusal
        assert not isinstance(app.screen, ConfirmScreen)
    assert repo.path(TIER3).read_bytes() == before


async def test_another_reviewer_sees_the_plan_then_approves(repo: GitRepo) -> None:
    repo.git("config", "user.email", "jo@example.com")
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        await approve_from_palette(pilot, app)
        assert app.refusal is None
        assert isinstance(app.screen, ConfirmScreen)
        assert "jo@example.com (compliance) approves" in app.screen.text
        assert "jo@example.com" not in repo.path(TIER3).read_text().split("approvals:")[-1]
        await pilot.press("y")
        await pilot.pause()
    approvals = repo.path(TIER3).read_text().split("approvals:")[-1]
    assert "reviewer: jo@example.com" in approvals
