"""Each render's context is its own: the sandbox builds it from a plain dict of the
globals shared by every render of a template, so nothing one render sets or is given may
reach that dict, another render, or the values the caller passed."""

from __future__ import annotations

import threading

import pytest

from promptreg import TemplateError
from promptreg.render.sandbox import Sandbox, render_all


def test_a_set_at_the_top_level_stays_in_its_render() -> None:
    sandbox = Sandbox()
    shadowing = sandbox.compile("{% set range = 'mine' %}{{ range }}|{{ x }}")
    reading = sandbox.compile("{{ range(3) | list }}|{{ x }}")
    assert render_all((shadowing, reading), {"x": 1}) == ["mine|1", "[0, 1, 2]|1"]
    assert reading.render({"x": 2}) == "[0, 1, 2]|2"
    assert shadowing.render({"x": 3}) == "mine|3"


def test_a_value_named_like_a_global_shadows_it_for_that_render_only() -> None:
    template = Sandbox().compile("{{ range }}")
    values = {"range": "given"}
    assert template.render(values) == "given"
    assert values == {"range": "given"}
    assert template.render({}).startswith("<function safe_range")  # the global again


def test_a_removed_global_stays_removed_and_undefined_names_still_fail() -> None:
    template = Sandbox().compile("{{ missing_name }}")
    with pytest.raises(TemplateError, match="missing_name"):
        template.render({})
    lipsum = Sandbox().compile("{{ lipsum() }}")
    with pytest.raises(TemplateError, match="'lipsum' is undefined"):
        lipsum.render({})


def test_renders_from_many_threads_keep_their_own_values() -> None:
    template = Sandbox().compile(
        "{% set seen = n %}{% for _ in range(50) %}{{ seen }},{% endfor %}"
    )
    errors: list[str] = []

    def work(n: int) -> None:
        for _ in range(200):
            text = template.render({"n": n})
            if set(text.rstrip(",").split(",")) != {str(n)}:
                errors.append(text)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
