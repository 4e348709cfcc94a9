"""The browser: the list of every prompt, the filter language, n/N, counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.governance.approval import serving_refusal
from promptreg.sdk.registry import Registry
from promptreg.tui.widgets.prompt_list import cells
from tests.tui.conftest import SIZE, app_for, filled

pytestmark = pytest.mark.anyio


async def test_every_prompt_is_listed_and_filled(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        ids = [row.id for row in app.rows()]
        assert ids == sorted(
            s.id for s in Registry(load_config(embedded / "promptreg.yaml")).specs()
        )
        await filled(pilot, app)
        assert all(row.loaded and row.lint_errors is not None for row in app.rows())


async def test_filter_tier_3_shows_exactly_the_tier_3_prompts(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        await pilot.press("slash", *"tier:3")
        expected = [s.id for s in Registry(load_config(embedded / "promptreg.yaml")).list(tier=3)]
        shown = [row.id for row in app.browser.prompt_list.shown]
        assert expected and shown == expected
        assert len(shown) < len(app.rows())
        counts = str(app.browser.query_one("#counts").render())
        assert f"{len(expected)} of {len(app.rows())} prompts" in counts


async def test_serve_no_matches_what_the_sdk_refuses(embedded: Path) -> None:
    settings = load_config(embedded / "promptreg.yaml")
    refused = sorted(s.id for s in Registry(settings).specs() if serving_refusal(s, settings))
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        app.browser.prompt_list.set_query("serve:no")
        assert [row.id for row in app.browser.prompt_list.shown] == refused
        assert all(cells(row)[5] == "no" for row in app.browser.prompt_list.shown)


async def test_terms_combine_and_words_match_fuzzily(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        listing = app.browser.prompt_list
        listing.set_query("status:approved owner:legal-ops")
        assert listing.shown and all(
            r.status == "approved" and r.owner == "legal-ops" for r in listing.shown
        )
        listing.set_query("sumtick")
        assert [r.id for r in listing.shown] == ["support/summarize-ticket"]
        listing.set_query("-tier:3,2")
        assert listing.shown and all(r.tier == 1 for r in listing.shown)


async def test_an_unknown_filter_key_is_reported_not_ignored(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"teir:3")
        assert app.browser.prompt_list.shown == []
        assert "unknown filter 'teir:'" in str(app.browser.query_one("#counts").render())


async def test_lint_error_finds_the_broken_file(embedded: Path) -> None:
    broken = embedded / "registry" / "support" / "broken.prompt.yaml"
    broken.write_text("id: support/broken\nversion: 1\n", encoding="utf-8")
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        app.browser.prompt_list.set_query("lint:error")
        assert [r.id for r in app.browser.prompt_list.shown] == ["support/broken"]
        assert app.browser.prompt_list.shown[0].serve is False


async def test_n_and_shift_n_move_between_matches_and_wrap(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        await pilot.press("slash", *"support", "enter")
        listing = app.browser.prompt_list
        assert listing.has_focus and len(listing.shown) > 1
        first = listing.current
        await pilot.press("n")
        assert listing.current is not first and listing.cursor == 1
        await pilot.press("N", "N")
        assert listing.cursor == len(listing.shown) - 1


async def test_escape_clears_the_filter(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"tier:3", "escape")
        assert len(app.browser.prompt_list.shown) == len(app.rows())
        assert app.browser.prompt_list.has_focus


async def test_a_remapped_key_opens_the_filter(embedded: Path) -> None:
    app = app_for(embedded, keymap={"browser.filter": "f"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert app.browser.filter_input.has_focus


async def test_help_lists_the_bindings_of_the_screen_with_their_ids(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        ids = {entry[2] for entry in app.screen.entries}  # type: ignore[attr-defined]
        assert {"browser.filter", "browser.test", "list.open", "list.next_match", "app.quit"} <= ids
        await pilot.press("escape")
        assert app.screen is app.browser


async def test_the_palette_opens_a_prompt(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        await pilot.press("ctrl+p", *"summarize-ticket")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert getattr(app.screen, "prompt_id", None) == "support/summarize-ticket"


async def test_typing_more_of_a_word_narrows_as_a_fresh_filter_would(embedded: Path) -> None:
    app = app_for(embedded)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        listing = app.browser.prompt_list
        for text in ("s", "su", "sup", "supp", "supp t", "supp tk", "supp t", "tier:3 s"):
            listing.set_query(text)
            fresh = [r.id for r in app.rows() if listing.filter_query.matches(r)]
            assert [r.id for r in listing.shown] == fresh, text
