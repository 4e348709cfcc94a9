"""The Test tab: the form from typed variables, the preview, the meter, and "run"."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from promptreg.tui.screens.prompt import PromptScreen
from promptreg.tui.widgets.choice import Choice
from promptreg.tui.widgets.trial_pane import TrialPane
from tests.evals.server import OpenAIServer, Script
from tests.tui.conftest import SIZE, app_for, text_of, until, write_demo

pytestmark = pytest.mark.anyio


async def open_test_pane(pilot, app) -> TrialPane:  # type: ignore[no-untyped-def]
    app.open_prompt("demo/echo")
    await until(
        pilot,
        lambda: isinstance(app.screen, PromptScreen) and app.screen.query(TrialPane),
        "opened",
    )
    await pilot.press("4")
    pane = app.screen.query_one(TrialPane)
    await until(pilot, lambda: pane.form_built, "the form built")
    return pane


async def type_into(pilot, pane: TrialPane, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = pane.query_one(f"#var-{name}", Input)
    field.value = text
    await pilot.pause()


async def test_the_form_is_built_from_the_typed_variables(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        assert pane.query_one("#var-count", Input).value == "2"  # the default, filled
        tone = pane.query_one("#var-tone", Choice)
        assert tone.value == "calm"
        assert isinstance(pane.query_one("#preset"), Choice)  # the eval cases as presets


async def test_the_preview_renders_the_given_inputs(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        assert "text is required" in text_of(pane.query_one("#err-text"))
        await type_into(pilot, pane, "text", "Where is my order?")
        pane.query_one("#var-tone", Choice).value = "loud"
        await pilot.pause()
        preview = text_of(pane.query_one("#preview"))
        assert "Answer in 2 sentences, loud." in preview
        assert "<text>Where is my order?</text>" in preview
        assert text_of(pane.query_one("#err-text")).strip() == ""
        meter = pane.query_one("#meter")
        await until(pilot, lambda: "tokens" in text_of(meter), "the token meter")
        assert "text:" in text_of(meter) and "/ 200 tokens" in text_of(meter)


async def test_an_invalid_variable_is_reported_under_its_field(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        await type_into(pilot, pane, "text", "hello")
        await type_into(pilot, pane, "count", "three")
        error = text_of(pane.query_one("#err-count"))
        assert "'three' is not an integer" in error
        assert "not rendered" in text_of(pane.query_one("#preview"))
        await type_into(pilot, pane, "count", "3")
        assert text_of(pane.query_one("#err-count")).strip() == ""


async def test_a_preset_fills_the_form_from_an_eval_case(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        pane.query_one("#preset", Choice).value = 0
        await pilot.pause()
        assert pane.query_one("#var-text", Input).value == "hello there"
        assert "<text>hello there</text>" in text_of(pane.query_one("#preview"))


async def test_run_streams_the_answer_from_the_endpoint_into_the_pane(tmp_path: Path) -> None:
    answer = "Hello! Your order ships on Monday, tracked all the way."
    with OpenAIServer(Script(rules=[("Where is my order", answer)])) as server:
        root = write_demo(tmp_path / "live", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_test_pane(pilot, app)
            await type_into(pilot, pane, "text", "Where is my order?")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: not pane.running and pane.answer, "the answer")
            assert pane.answer == answer
            assert pane.pieces > 1, "the answer arrived in pieces, as streamed"
            assert "(done)" in text_of(pane.query_one("#answer"))
        sent = server.requests_to("/chat/completions")
        assert sent and sent[-1]["body"]["stream"] is True
        assert sent[-1]["body"]["messages"][1]["content"] == "<text>Where is my order?</text>"


async def test_escape_cancels_a_run_in_flight(tmp_path: Path) -> None:
    with OpenAIServer(Script(default="late", latency=3.0)) as server:
        root = write_demo(tmp_path / "slow", url=server.url)
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            pane = await open_test_pane(pilot, app)
            await type_into(pilot, pane, "text", "hello")
            pane.query_one("#var-text", Input).focus()
            await pilot.press("ctrl+r")
            await until(pilot, lambda: server.counters.in_flight == 1, "the request sent")
            await pilot.press("escape")
            assert not pane.running
            assert "(cancelled)" in text_of(pane.query_one("#answer"))
            assert isinstance(app.screen, PromptScreen), "the first esc cancels, not backs out"
            await pilot.pause(0.2)
            assert pane.answer == ""


MORE_VARIABLES = """\
  formal: {type: boolean, description: Whether to be formal., default: true, trusted: true}
  lang: {type: string, description: The language., enum: [en, fr], required: false, trusted: true}
  note: {type: string, description: A note., required: false, default: "", trusted: true}
"""


async def test_the_preview_before_the_form_is_built_is_the_one_the_form_gives(
    demo: Path,
) -> None:
    """The preview shows from the defaults while the form's widgets mount a moment
    later: the values it used must be the ones the built form holds."""
    path = demo / "registry" / "demo" / "echo.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("messages:\n", MORE_VARIABLES + "messages:\n", 1), "utf-8")
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        assert set(pane.spec.variables) == {"text", "count", "tone", "formal", "lang", "note"}
        before = pane.default_values()
        assert before == pane.raw_values()
        assert before["formal"] is True and before["lang"] is None and before["note"] is None
        assert "text is required" in text_of(pane.query_one("#err-text"))


async def test_the_first_control_has_the_focus_once_the_form_is_built(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_test_pane(pilot, app)
        await until(pilot, lambda: app.focused is not pane, "the focus moved into the form")
        assert app.focused is pane.query_one("#preset", Choice)
