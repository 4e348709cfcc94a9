"""The list's filter passes while rows stream in look again only at the last matches and
the rows replaced since: the answer must be the full pass's, whatever was replaced."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from promptreg.tui.index import Row
from promptreg.tui.query import parse_query
from promptreg.tui.widgets.prompt_list import PromptList
from tests.tui.conftest import SIZE, app_for, filled, write_demo

pytestmark = pytest.mark.anyio

QUERIES = ("tier:3", "tier:1,2 sum", "status:approved", "-tier:2 ti", "owner:legal-ops")
TITLES = ("summarise a ticket", "triage", "draft a reply", "tidy notes")


def _row(number: int, rng: random.Random) -> Row:
    return Row(
        f"ns{number % 7}/p{number:03d}",
        Path(f"ns{number % 7}/p{number:03d}.prompt.yaml"),
        title=rng.choice(TITLES),
        tier=rng.choice((1, 2, 3)),
        status=rng.choice(("draft", "approved")),
        owner=rng.choice(("legal-ops", "support")),
        loaded=True,
        valid=True,
    )


def _full_pass(listing: PromptList) -> list[str]:
    query = parse_query(listing.filter_query.text)
    return [row.id for row in query.select(listing.rows)]


async def test_every_pass_after_rows_were_replaced_is_the_full_pass(tmp_path: Path) -> None:
    rng = random.Random(20261204)  # noqa: S311  (test data, seeded)
    app = app_for(write_demo(tmp_path / "demo", names=("one",)))
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        listing = app.browser.prompt_list
        listing.set_rows(sorted((_row(n, rng) for n in range(120)), key=lambda r: r.id))
        _replay(listing, rng)


def _replay(listing: PromptList, rng: random.Random) -> None:
    for step in range(400):
        action = rng.random()
        if action < 0.15:
            listing.set_query(rng.choice(QUERIES))
        elif action < 0.3:  # typing on: a narrower query, or a character taken back
            text = listing.filter_query.text
            listing.set_query(text + rng.choice("aeiou") if rng.random() < 0.7 else text[:-1])
        else:  # a batch from the filling process, or lint counts
            batch = rng.sample(listing.rows, rng.randint(1, 12))
            if action < 0.8:
                listing.update_rows(
                    [
                        replace(r, tier=rng.choice((1, 2, 3)), title=rng.choice(TITLES))
                        for r in batch
                    ]
                )
            else:
                listing.merge_lint_counts([replace(r, lint_errors=1) for r in batch])
        listing.flush()  # the pass the timer would run a moment later
        assert [row.id for row in listing.shown] == _full_pass(listing), step


async def test_a_replaced_row_joins_and_leaves_the_matches(tmp_path: Path) -> None:
    rng = random.Random(3)  # noqa: S311  (test data, seeded)
    rows = sorted((replace(_row(n, rng), tier=1) for n in range(20)), key=lambda r: r.id)
    app = app_for(write_demo(tmp_path / "demo", names=("one",)))
    async with app.run_test(size=SIZE) as pilot:
        await filled(pilot, app)
        listing = app.browser.prompt_list
        listing.set_rows(rows)
        _join_and_leave(listing, rows)


def _join_and_leave(listing: PromptList, rows: list[Row]) -> None:
    listing.set_query("tier:3")
    assert listing.shown == []
    listing.update_rows([replace(rows[4], tier=3)])
    listing.flush()
    assert [r.id for r in listing.shown] == [rows[4].id]
    assert listing.shown[0].tier == 3  # the row as it is now, not as it was matched
    listing.update_rows([replace(rows[4], tier=3, title="renamed")])
    listing.flush()
    assert listing.shown[0].title == "renamed"
    listing.update_rows([rows[4]])
    listing.flush()
    assert listing.shown == []
