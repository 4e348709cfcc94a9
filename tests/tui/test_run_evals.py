"""Run evals in the Test tab, and the `stale:evals` filter that reads what they record."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.governance.evidence import read_results, results_path
from promptreg.tui import freshness
from promptreg.tui.freshness import EvalFreshness
from promptreg.tui.index import PromptIndex
from promptreg.tui.query import parse_query
from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.trial_pane import TrialPane
from tests.evals.server import OpenAIServer, Script
from tests.tui.conftest import SIZE, app_for, filled, text_of, until, write_demo

pytestmark = pytest.mark.anyio

MORE_CASES = """\
  - name: order
    vars: {text: where is my order}
    assert:
      - {type: contains, value: Monday}
  - name: refund
    vars: {text: refund please}
    assert:
      - {type: contains, value: refunded}
"""
ANSWERS = [
    ("hello there", "hi, how can I help?"),
    ("where is my order", "It ships on Monday."),
    ("refund please", "No."),
]


def three_cases(root: Path, name: str = "echo") -> Path:
    path = root / "registry" / "demo" / f"{name}.prompt.yaml"
    path.write_text(path.read_text(encoding="utf-8") + MORE_CASES, encoding="utf-8")
    return path


async def open_tests(pilot, app, prompt_id: str = "demo/echo") -> TrialPane:  # type: ignore[no-untyped-def]
    app.open_prompt(prompt_id)
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
    await pilot.press("4")
    pane = app.screen.query_one(TrialPane)
    await until(pilot, lambda: pane.form_built, "the form built")
    return pane


async def test_run_evals_grades_each_case_and_records_the_results(tmp_path: Path) -> None:
    with OpenAIServer(Script(rules=ANSWERS)) as server:
        root = write_demo(tmp_path / "live", url=server.url)
        three_cases(root)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_tests(pilot, app)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: not pane.evals_running, "the run finished")
            assert sorted((r.case, r.passed) for r in pane.eval_results) == [
                ("greeting", True),
                ("order", True),
                ("refund", False),
            ]
            shown = text_of(pane.query_one("#evals"))
            assert "3/3 cases graded" in shown
            assert "PASS greeting" in shown and "PASS order" in shown
            assert re.search(r"FAIL refund\s+contains:", shown)
            assert pane.eval_outcome.startswith("done: 2/3 passed; recorded in echo.json")
        assert len(server.requests_to("/chat/completions")) == 3
    settings = load_config(root / "promptreg.yaml")
    recorded = read_results(results_path(settings, "demo/echo"))
    assert recorded is not None
    assert [(r.case, r.passed) for r in recorded.results] == [
        ("greeting", True),
        ("order", True),
        ("refund", False),
    ]


async def test_cases_are_listed_as_they_are_graded(tmp_path: Path) -> None:
    """With one request at a time and each answer slow, the first case is shown graded
    while the others are still waiting."""
    with OpenAIServer(Script(rules=ANSWERS, latency=0.4)) as server:
        root = write_demo(tmp_path / "slow", url=server.url)
        config = root / "promptreg.yaml"
        config.write_text(
            config.read_text(encoding="utf-8") + "  concurrency: 1\n", encoding="utf-8"
        )
        three_cases(root)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_tests(pilot, app)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: len(pane.eval_results) == 1, "one case graded")
            assert pane.evals_running
            assert "1/3 cases graded" in text_of(pane.query_one("#evals"))
            await until(pilot, lambda: not pane.evals_running, "the run finished")
            assert len(pane.eval_results) == 3
            assert server.counters.peak_in_flight == 1


async def test_escape_cancels_the_run_and_records_nothing(tmp_path: Path) -> None:
    with OpenAIServer(Script(default="late", latency=3.0)) as server:
        root = write_demo(tmp_path / "cancel", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_tests(pilot, app)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: server.counters.in_flight == 1, "the request sent")
            await pilot.press("escape")
            assert not pane.evals_running
            assert pane.eval_outcome == "cancelled: nothing recorded"
            assert "cancelled" in text_of(pane.query_one("#evals"))
            assert isinstance(app.screen, PromptScreen), "the first esc cancels, not backs out"
            await pilot.pause(0.2)
            assert pane.eval_results == []
    settings = load_config(root / "promptreg.yaml")
    assert not results_path(settings, "demo/echo").exists()


async def test_an_unreachable_endpoint_stops_the_run_with_the_runner_s_reason(
    tmp_path: Path,
) -> None:
    root = write_demo(tmp_path / "down", url="http://127.0.0.1:9/v1")
    config = root / "promptreg.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("evals:\n", "evals:\n  timeout: 2\n"),
        encoding="utf-8",
    )
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_tests(pilot, app)
        pane.action_run_evals()
        for _ in range(1200):  # six attempts with backoff take up to ~20 s, more under load
            if not pane.evals_running:
                break
            await pilot.pause(0.05)
        assert not pane.evals_running, "the run never stopped"
        assert pane.eval_outcome.startswith("stopped: ")
        assert "127.0.0.1:9" in pane.eval_outcome


async def test_the_palette_runs_the_open_prompt_s_evals(tmp_path: Path) -> None:
    with OpenAIServer(Script(rules=ANSWERS)) as server:
        root = write_demo(tmp_path / "palette", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            app.open_prompt("demo/echo")
            await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
            await pilot.press("ctrl+p", *"run the open prompt's evals")
            await pilot.pause(0.3)
            await pilot.press("enter")
            pane = app.screen.query_one(TrialPane)
            await until(pilot, lambda: pane.eval_outcome.startswith("done"), "the run")
            assert [(r.case, r.passed) for r in pane.eval_results] == [("greeting", True)]


# -- stale:evals ------------------------------------------------------------------------


async def test_stale_evals_lists_prompts_until_their_evals_are_run(tmp_path: Path) -> None:
    with OpenAIServer(Script(rules=ANSWERS)) as server:
        root = write_demo(tmp_path / "stale", url=server.url, names=("echo", "other"))
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            await filled(pilot, app, linted=False)
            listing = app.browser.prompt_list

            def shown() -> list[str]:
                return [r.id for r in listing.shown]

            listing.set_query("stale:evals")
            await until(pilot, lambda: shown() == ["demo/echo", "demo/other"], "both stale")
            pane = await open_tests(pilot, app)
            pane.action_run_evals()
            await until(pilot, lambda: pane.eval_outcome.startswith("done"), "the run")
            await pilot.press("escape", "escape")
            listing.set_query("stale:evals")
            await until(pilot, lambda: shown() == ["demo/other"], "echo no longer stale")
            listing.set_query("-stale:evals")
            await until(pilot, lambda: shown() == ["demo/echo"], "echo current")


async def test_an_edit_or_an_age_limit_makes_recorded_results_stale(tmp_path: Path) -> None:
    with OpenAIServer(Script(rules=ANSWERS)) as server:
        root = write_demo(tmp_path / "aged", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_tests(pilot, app)
            pane.action_run_evals()
            await until(pilot, lambda: pane.eval_outcome.startswith("done"), "the run")
    settings = load_config(root / "promptreg.yaml")
    results = results_path(settings, "demo/echo")
    facts = app.services.facts
    assert facts is not None
    row = app.services.index.load_row(app.services.index.rows()[0])
    current = facts.of(row)
    assert current is not None and not current.stale and "1/1 passed" in current.reason
    # An answer recorded long ago, under a tier that allows 30 days: stale.
    data = json.loads(results.read_text(encoding="utf-8"))
    data["results"][0]["answered_at"] = "2020-01-01T00:00:00Z"
    results.write_text(json.dumps(data), encoding="utf-8")
    config = root / "promptreg.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "1: {approvals: 0}", "1: {approvals: 0, eval_max_age_days: 30}"
        ),
        encoding="utf-8",
    )
    aged = app_for(root)
    aged_row = aged.services.index.load_row(aged.services.index.rows()[0])
    assert aged.services.facts is not None
    found = aged.services.facts.of(aged_row)
    assert found is not None and found.stale and "allows 30" in found.reason
    # The content edited since the run: no result matches the current fingerprint.
    path = root / "registry" / "demo" / "echo.prompt.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Answer in", "Reply in"), encoding="utf-8"
    )
    edited = aged.services.index.load_row(aged.services.index.rows()[0])
    found = aged.services.facts.of(edited)
    assert found is not None and found.stale and "'greeting'" in found.reason


def test_stale_takes_only_evals_and_needs_facts() -> None:
    assert parse_query("stale:approvals").problems == (
        "stale:approvals is not known; use stale:evals",
    )
    assert parse_query("stale:evals").problems  # nothing to answer it with
    assert "stale:" in parse_query("nope:x").problems[0]


def test_in_the_background_answers_arrive_and_are_checked_again(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's mode: the filter never reads files; the thread does and says when."""
    settings = load_config(demo / "promptreg.yaml")
    index = PromptIndex(settings, cache=False)
    row = index.load_row(index.rows()[0])
    facts = EvalFreshness(settings, background=True)
    told = threading.Event()
    facts.listen(told.set)
    assert facts.stale_evals(row) is None  # not known yet: asked for
    assert told.wait(20), "the listener was told"
    assert facts.stale_evals(row) is True  # no results recorded
    told.clear()
    path = row.path
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("evals:\n")], encoding="utf-8")  # no cases any more
    monkeypatch.setattr(freshness, "RECHECK_SECONDS", 0.0)
    assert facts.stale_evals(row) is True, "the old answer, while the files are checked"
    assert told.wait(20), "the changed answer was told"
    assert facts.stale_evals(row) is False


async def test_closing_the_prompt_during_a_run_cancels_it(tmp_path: Path) -> None:
    with OpenAIServer(Script(default="late", latency=3.0)) as server:
        root = write_demo(tmp_path / "closed", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_tests(pilot, app)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: server.counters.in_flight == 1, "the request sent")
            await pilot.press("1", "escape")  # the Overview tab's esc closes the prompt
            await until(pilot, lambda: app.screen is app.browser, "back on the list")
            await until(pilot, lambda: not pane.evals_running, "the run cancelled")
            assert app.is_running
    settings = load_config(root / "promptreg.yaml")
    assert not results_path(settings, "demo/echo").exists()
