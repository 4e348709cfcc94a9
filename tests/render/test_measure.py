"""The text bound never undercounts, and `%` formats are read as CPython reads them."""

from __future__ import annotations

import json
import pprint
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jinja2.utils import Namespace

from promptreg.render.measure import format_specs, text_bound

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
LIMIT = 10**9


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_the_bound_is_at_least_the_length_of_str_and_repr(value: Any) -> None:
    bound = text_bound(value, LIMIT)
    assert bound >= len(str(value))
    assert bound >= len(repr(value))


@settings(max_examples=200, deadline=None)
@given(VALUES)
@example(float("inf"))  # JSON writes 'Infinity', longer than its repr 'inf'
@example([float("-inf")])
def test_the_wide_bound_covers_json_and_pprint(value: Any) -> None:
    bound = text_bound(value, LIMIT, wide=True)
    assert bound >= len(json.dumps(value))
    assert bound >= len(pprint.pformat(value))


@given(st.text(max_size=50))
def test_the_wide_bound_of_a_string_covers_url_encoding(text: str) -> None:
    assert text_bound(text, LIMIT, wide=True) >= len(quote(text.encode("utf-8"), safe=b"/"))


def test_objects_count_what_they_hold() -> None:
    held = "x" * 1000
    ns = Namespace(a=held)
    assert text_bound(ns, LIMIT) >= len(str(ns))
    d = {"a": held}
    for view in (d.keys(), d.values(), d.items()):
        assert text_bound(view, LIMIT) >= len(str(view))
    assert text_bound([ns] * 50, LIMIT) >= 50 * 1000


def test_a_deep_list_is_measured_without_recursion() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert text_bound(deep, LIMIT) >= 200_000


def test_the_walk_stops_at_the_limit() -> None:
    assert text_bound(["x" * 10] * 10**6, 1000) <= 1100


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%s and %d", [(None, None), (None, None)]),
        ("%10.3f", [(10, 3)]),
        ("%(a)999999999s", [(999999999, None)]),
        ("%((a))30s", [(30, None)]),
        ("%*d", [(-1, None)]),
        ("%.*f", [(None, -1)]),
        ("%-+ #05ld", [(5, None)]),
        ("100%%", [(None, None)]),
        ("%.d", [(None, 0)]),
        ("%99999999999s", [(10**10, None)]),
    ],
)
def test_format_conversions_are_read_as_cpython_reads_them(
    fmt: str, expected: list[tuple[int | None, int | None]]
) -> None:
    assert [(spec.width, spec.precision) for spec in format_specs(fmt)] == expected
