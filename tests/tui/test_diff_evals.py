"""The Diff view against the working tree, with the recorded eval results of each side."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import pytest

from promptreg.evals.command import TestOptions as RunChoice
from promptreg.evals.command import run_tests
from promptreg.evals.plan import Selection
from promptreg.git.history import WORKING
from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.diff_view import DiffView
from promptreg.tui.widgets.history_view import HistoryView
from tests.evals.server import OpenAIServer, Script
from tests.gitrepo import GitRepo
from tests.tui.conftest import SIZE, app_for, text_of, until, write_demo
from tests.tui.test_run_evals import ANSWERS, three_cases

pytestmark = pytest.mark.anyio
ID = "demo/echo"


async def record(repo: GitRepo) -> None:
    """`promptreg test demo/echo`, through the function the command calls (in a thread:
    it runs its own event loop)."""
    await asyncio.to_thread(_record, repo)


def _record(repo: GitRepo) -> None:
    out, err = io.StringIO(), io.StringIO()
    options = RunChoice(selection=Selection(targets=(ID,)), progress=False)
    run_tests(repo.settings, options, out, err)
    assert "demo/echo" in out.getvalue(), err.getvalue()


def edit(repo: GitRepo) -> None:
    path = repo.path(ID)
    text = path.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.1.0")
    path.write_text(text.replace("Answer in", "Please answer in"), encoding="utf-8")


async def diff_of(pilot, app, older: str, newer: str) -> DiffView:  # type: ignore[no-untyped-def]
    app.open_prompt(ID)
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
    await pilot.press("3")
    view = app.screen.query_one(HistoryView)
    await until(pilot, lambda: len(view.refs) > 1, "the history listed")
    view.pick(older)
    view.pick(newer)
    diff = app.screen.query_one(DiffView)
    await until(pilot, lambda: diff.comparison is not None, "the diff")
    return diff


async def test_a_version_against_the_working_tree_shows_eval_regressions(
    git_repo: Callable[..., GitRepo],
) -> None:
    script = Script(rules=list(ANSWERS))
    with OpenAIServer(script) as server:
        repo = git_repo()
        write_demo(repo.root, url=server.url)
        three_cases(repo.root)
        await record(repo)  # greeting and order pass, refund fails
        first = repo.commit("demo/echo 1.0.0 with its eval results")
        edit(repo)
        script.rules[:] = [
            ("hello there", "hi again"),
            ("where is my order", "It ships on Tuesday."),
            ("refund please", "You will be refunded."),
        ]
        await record(repo)  # now order fails and refund passes, in the working tree only
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        diff = await diff_of(pilot, app, WORKING, first)
        assert diff.comparison is not None and diff.evals is not None
        assert diff.comparison.label_b == "1.1.0 (working tree)"
        assert diff.comparison.diff.version_before == "1.0.0"
        kinds = {c.case: c.kind for c in diff.evals.comparison.changes}
        assert kinds == {"greeting": "unchanged", "order": "regression", "refund": "fixed"}
        assert diff.evals.regressions == 1
        shown = text_of(diff.query_one("#diff-body"))
        assert "recorded results: 2/3 passed at 1.0.0" in shown
        assert "REGRESSION 'order' (passed at 1.0.0" in shown
        assert "fails at 1.1.0 (working tree)): contains:" in shown
        assert "FIXED 'refund'" in shown


async def test_results_not_run_for_the_edit_say_nothing_about_it(
    git_repo: Callable[..., GitRepo],
) -> None:
    with OpenAIServer(Script(rules=list(ANSWERS))) as server:
        repo = git_repo()
        write_demo(repo.root, url=server.url)
        await record(repo)
        first = repo.commit("demo/echo with its result")
    edit(repo)  # the results file still describes 1.0.0's content
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        diff = await diff_of(pilot, app, first, WORKING)
        assert diff.evals is not None
        assert [c.kind for c in diff.evals.comparison.changes] == ["removed"]
        assert diff.evals.after == ()
        shown = text_of(diff.query_one("#diff-body"))
        assert "REMOVED 'greeting' (no result at 1.1.0 (working tree))" in shown
        assert "Please" in shown.split("messages")[-1], "the edit itself is still shown"


async def test_two_versions_without_results_say_so(git_repo: Callable[..., GitRepo]) -> None:
    repo = git_repo()
    write_demo(repo.root)
    first = repo.commit("demo/echo")
    edit(repo)
    second = repo.commit("demo/echo 1.1.0")
    app = app_for(repo.root)
    async with app.run_test(size=SIZE) as pilot:
        diff = await diff_of(pilot, app, second, first)
        assert diff.evals is not None and not diff.evals.comparison.changes
        assert "no recorded results for either version" in text_of(diff.query_one("#diff-body"))
