"""What keeps the TUI quick, asserted as behaviour: tabs mounted once and when needed,
leaving a prompt while its tabs still mount, the index read in a child process (rows,
lint counts, cancelling, a broken config), the not-served count kept as rows change, and
the filter applied to streaming rows at most every quarter second."""

from __future__ import annotations

import json
import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest

from promptreg.core.cachefile import unseal_text
from promptreg.core.config import load_config
from promptreg.core.errors import PromptregError
from promptreg.tui.filler import fill_in_child, share
from promptreg.tui.index import PromptIndex, Row
from promptreg.tui.screens.prompt import TABS, PromptScreen
from promptreg.tui.widgets import prompt_list
from promptreg.tui.widgets.history_view import HistoryView
from promptreg.tui.widgets.prompt_list import PromptList
from promptreg.tui.widgets.source import SourceView
from promptreg.tui.widgets.tabs import PromptTabs
from promptreg.tui.widgets.trial_pane import TrialPane
from tests.tui.conftest import REPO, SIZE, app_for, filled, text_of, until, write_demo

pytestmark = pytest.mark.anyio


async def test_the_test_tab_asked_for_at_once_mounts_and_renders(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        app.open_prompt("demo/echo")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        pane = screen.query_one(TrialPane)
        await until(pilot, lambda: pane.preview is not None, "the preview")
        assert screen.query_one(PromptTabs).active == "test"
        assert pane.has_focus_within


async def test_t_in_the_list_opens_the_prompt_on_its_test_tab_alone(demo: Path) -> None:
    """The first frame holds the tab bar and the preview: the Overview is not composed
    first, and comes when asked for (or with the other tabs, later)."""
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        assert screen.prompt_id == app.browser.prompt_list.current.id  # type: ignore[union-attr]
        assert screen.query_one(PromptTabs).active == "test"
        assert next(iter(screen.mounted_tabs)) == "test"  # composed first; the rest later
        assert len(screen.query("#test TrialPane")) == 1
        pane = screen.query_one(TrialPane)
        await until(pilot, lambda: pane.form_built, "the form built")
        assert pane.preview is not None  # from the defaults: `text` has none
        assert "text is required" in text_of(pane.query_one("#err-text"))
        await until(pilot, lambda: app.focused is not pane, "the focus moved into the form")
        assert app.focused is pane.query_one("#preset")
        await pilot.press("1")
        await until(pilot, lambda: screen.query("#overview-body"), "the overview mounted")
        assert screen.query_one(PromptTabs).active == "overview"


async def test_the_palette_s_test_action_opens_or_switches_to_the_test_tab(demo: Path) -> None:
    app = app_for(demo)

    def previewed() -> bool:
        return any(pane.preview is not None for pane in app.screen.query(TrialPane))

    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        await app.run_action("test_prompt")  # from the list: its current row
        await until(pilot, previewed, "opened on the Test tab")
        assert app.screen.query_one(PromptTabs).active == "test"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.browser, "back to the list")
        app.open_prompt("demo/echo")  # on the Overview, then the action switches
        await until(pilot, lambda: app.screen.query("#overview-body"), "opened again")
        assert app.screen.query_one(PromptTabs).active == "overview"
        await app.run_action("test_prompt")
        await until(pilot, previewed, "the Test tab")
        assert app.screen.query_one(PromptTabs).active == "test"


async def test_opening_on_a_tab_that_does_not_exist_is_refused(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE):
        with pytest.raises(ValueError, match="no tab 'tests'"):
            app.open_prompt("demo/echo", tab="tests")


async def test_every_tab_is_mounted_once_however_often_it_is_shown(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        app.open_prompt("demo/echo")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
        screen = app.screen
        assert isinstance(screen, PromptScreen)
        for key in "23414321":
            await pilot.press(key)
        await until(pilot, lambda: set(screen.mounted_tabs) == set(TABS), "all tabs mounted")
        await screen.settled()
        for kind in (SourceView, HistoryView, TrialPane):
            assert len(screen.query(kind)) == 1, kind.__name__


async def test_leaving_a_prompt_while_its_tabs_mount_is_clean(demo: Path) -> None:
    app = app_for(demo)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app, linted=False)
        for _ in range(3):
            app.open_prompt("demo/echo")
            await until(pilot, lambda: isinstance(app.screen, PromptScreen), "opened")
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.browser, "back to the list")
        assert app.return_code is None  # no handler failed (that would end the app)


def _rows(root: Path) -> list[Row]:
    return PromptIndex(load_config(root / "promptreg.yaml"), cache=False).rows()


def test_the_child_fills_every_row_then_counts_lint(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "demo", names=("one", "two", "three"))
    broken = root / "registry" / "demo" / "broken.prompt.yaml"
    broken.write_text("id: demo/broken\nversion: [\n", encoding="utf-8")
    rows = _rows(root)
    batches = list(fill_in_child(root / "promptreg.yaml", rows, cache=False, parts=2))
    filled_rows = {r.id: r for b in batches if b.kind == "rows" for r in b.rows}
    assert set(filled_rows) == {r.id for r in rows}
    assert filled_rows["demo/one"].title == "Demo prompt one"
    assert filled_rows["demo/one"].serve is True
    assert filled_rows["demo/broken"].loaded and filled_rows["demo/broken"].serve is False
    last: dict[str, Row] = {}
    for batch in batches:  # as the app applies them: each batch replaces its rows
        last.update((r.id, r) for r in batch.rows)
        assert all(r.loaded for r in batch.rows)  # a lint batch never un-fills a row
    assert last["demo/broken"].lint_errors  # the counts and the filled fields together
    assert last["demo/broken"].title == filled_rows["demo/broken"].title
    assert all(r.lint_errors is not None and r.lint_warnings is not None for r in last.values())


def test_the_children_share_the_rows_out_and_keep_their_own_caches(tmp_path: Path) -> None:
    names = tuple(f"p{n}" for n in range(12))
    root = write_demo(tmp_path / "demo", names=names)
    rows = _rows(root)
    first, second = share(rows, 0, 2), share(rows, 1, 2)
    assert first and second  # twelve files: both parities occur
    assert {r.id for r in first}.isdisjoint({r.id for r in second})
    assert {r.id for r in first} | {r.id for r in second} == {r.id for r in rows}
    batches = list(fill_in_child(root / "promptreg.yaml", rows, parts=2))
    assert {r.id for b in batches if b.kind == "rows" for r in b.rows} == {r.id for r in rows}
    last = {r.id: r for b in batches for r in b.rows}  # each batch replaces its rows
    assert all(r.loaded and r.lint_errors is not None for r in last.values())
    cache = root / ".promptreg" / "cache"
    caches = sorted(p.name for p in cache.glob("tui-index*.json"))
    assert caches == ["tui-index-0-of-2.json", "tui-index-1-of-2.json"]
    again = list(fill_in_child(root / "promptreg.yaml", rows, parts=2))
    assert {r.id for b in again if b.kind == "rows" for r in b.rows} == {r.id for r in rows}


def test_only_one_child_lints_so_no_token_count_is_lost(tmp_path: Path) -> None:
    """Lint keeps the token counts in one file for the whole registry; with two writers
    each would keep only its own half, and opening a prompt would count them again."""
    roots = []
    for name in ("two", "one"):
        root = tmp_path / name
        root.mkdir()
        shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
        shutil.copytree(REPO / "registry", root / "registry")
        roots.append(root)
    two, one = roots
    list(fill_in_child(two / "promptreg.yaml", _rows(two), parts=2))
    list(fill_in_child(one / "promptreg.yaml", _rows(one), parts=1))
    assert _token_counts(two) == _token_counts(one) > 0


def _token_counts(root: Path) -> int:
    """How many token counts lint's one-file store under `root` holds."""
    store = root / ".promptreg" / "cache" / "tokens.json"
    body = unseal_text(store.name, store.read_text(encoding="utf-8"))
    assert body is not None
    return len(json.loads(body)["entries"])


def test_cancelling_ends_the_child(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "demo", names=("one", "two"))
    seen: list[str] = []
    stream = fill_in_child(
        root / "promptreg.yaml", _rows(root), cache=False, cancelled=lambda: bool(seen)
    )
    seen.extend(batch.kind for batch in stream)  # grows as the stream is read
    assert seen == ["rows"]  # the lint counts were never waited for


def test_a_config_the_child_cannot_read_is_an_error_with_its_hint(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "demo")
    rows = _rows(root)
    (root / "promptreg.yaml").write_text("registry: [\n", encoding="utf-8")
    with pytest.raises(PromptregError) as raised:
        list(fill_in_child(root / "promptreg.yaml", rows, cache=False))
    assert "promptreg.yaml" in str(raised.value)


def test_the_not_served_count_follows_the_rows() -> None:
    rows = [Row(f"p/{i}", Path(f"p/{i}.prompt.yaml")) for i in range(6)]
    listing = PromptList(rows)
    assert listing.not_served == 0  # nothing known yet
    refused = [replace(r, loaded=True, valid=True, refusal="no") for r in rows[:4]]
    listing.update_rows(refused)
    listing.update_rows([replace(refused[0], refusal=None)])  # approved meanwhile
    listing.update_rows([Row("p/new", Path("p/new.prompt.yaml"), loaded=True)])  # invalid
    assert listing.not_served == 4 == sum(1 for r in listing.rows if r.serve is False)
    listing.remove_ids(["p/1", "p/new"])
    assert listing.not_served == 2 == sum(1 for r in listing.rows if r.serve is False)


async def test_rows_streaming_in_are_filtered_at_most_every_quarter_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prompt_list, "REFILTER_SECONDS", 2.0)  # no descheduling races
    root = write_demo(tmp_path / "demo", names=("one", "two", "three"))
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        listing = app.browser.prompt_list
        listing.set_query("tier:1")
        assert len(listing.shown) == 3
        one, two = (r for r in listing.rows if r.id in ("demo/one", "demo/two"))
        listing.update_rows([replace(one, tier=2)])  # straight after a pass: deferred
        listing.update_rows([replace(two, tier=2)])
        assert [r.tier for r in listing.rows if r.id == "demo/one"] == [2]  # rows at once
        assert len(listing.shown) == 3  # the filter follows a moment later
        await until(pilot, lambda: len(listing.shown) == 1, "the deferred pass")
        listing.set_query("tier:1")
        listing.update_rows([replace(one, tier=1)])
        listing.flush()
        assert len(listing.shown) == 2


async def test_typing_more_after_rows_changed_filters_the_rows_as_they_are_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A narrower query may search only the last matches, unless a row changed since
    (filled or linted while the filter waits its quarter second): then it would miss
    a row that matches now, and show another as it was."""
    monkeypatch.setattr(prompt_list, "REFILTER_SECONDS", 2.0)  # the changes stay pending
    root = write_demo(tmp_path / "demo", names=("one", "two", "three"))
    app = app_for(root)
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        listing = app.browser.prompt_list
        one = next(r for r in listing.rows if r.id == "demo/one")
        listing.set_query("tier:1 demo/")
        assert len(listing.shown) == 3
        listing.update_rows([replace(one, tier=2)])  # deferred: a pass just ran
        listing.set_query("tier:1 demo/o")  # narrower: typed on
        assert [r.id for r in listing.shown] == ["demo/two"]  # one is tier 2 now
        listing.update_rows([one])  # tier 1 again, while the filter waits
        listing.set_query("tier:1 demo/on")
        assert [r.id for r in listing.shown] == ["demo/one"]
        assert listing.shown[0] is one


def test_a_row_given_lint_counts_keeps_every_other_field() -> None:
    """`Row.with_counts` spells the fields out (it is on the merge path): a field added
    to Row and forgotten there would be reset by every lint batch."""
    sample = {
        "id": "a/b",
        "path": Path("a/b.prompt.yaml"),
        "title": "T",
        "tier": 3,
        "status": "approved",
        "owner": "o",
        "tags": ("x",),
        "version": "1.0.0",
        "refusal": "r",
        "loaded": True,
        "valid": True,
        "lint_errors": 1,
        "lint_warnings": 4,
    }
    row = Row(**{f.name: sample[f.name] for f in fields(Row)})
    assert row.with_counts(2, 5) == replace(row, lint_errors=2, lint_warnings=5)
