"""Message templates from strangers: refused or stopped quickly, never running code."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.errors import TemplateError
from promptreg.render.analysis import TemplateProblemError
from promptreg.render.sandbox import CompiledTemplate, render_all

SAFETY_BOUND_SECONDS = 2.0
"""Processor time a refused template may take (its thread's, so a loaded machine does
not fail the test); a bound against hangs, not a benchmark."""

SECRET = "root:x:0:0:secret-marker-7f3a"


def _render(source: str, values: Mapping[str, Any] | None = None) -> str:
    return render_all([CompiledTemplate(source)], values or {})[0]


def _refusal(source: str, values: Mapping[str, Any] | None = None) -> TemplateError:
    """The error a render raises, after checking it came quickly."""
    start = time.thread_time()
    with pytest.raises(TemplateError) as info:
        _render(source, values)
    elapsed = time.thread_time() - start
    assert elapsed < SAFETY_BOUND_SECONDS, f"took {elapsed:.2f} s"
    return info.value


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passwd"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


# --- attacks stopped while rendering -------------------------------------------------

LIMIT_ATTACKS = [
    pytest.param("{{ 'a' * 10**9 }}", "repetition", id="string-times-a-billion"),
    pytest.param("{{ 10 ** (10 ** 10) }}", "4,096 bits", id="huge-power"),
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "loop iterations",
        id="nested-loops",
    ),
    pytest.param(
        "{% set s = 'x' * 99999 %}{% for i in range(99999) %}{{ s }}{% endfor %}",
        "output longer than 1,000,000 characters",
        id="output-bomb",
    ),
    pytest.param(
        "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
        "loop iterations, filtered items and calls",
        id="exponential-macro-recursion",
    ),
    pytest.param(
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "concatenation (~)",
        id="tilde-doubling",
    ),
    pytest.param(
        "{% set ns = namespace(s=['ab']) %}{% for i in range(64) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
        "concatenation",
        id="list-plus-doubling",
    ),
    pytest.param(
        "{% set ns = namespace(n=2) %}{% for i in range(64) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
        "4,096 bits",
        id="integer-squaring",
    ),
    pytest.param("{{ '%0999999999d' % 1 }}", "format width", id="percent-width"),
    pytest.param("{{ '%*d' % (999999999, 1) }}", "format width", id="percent-star-width"),
    pytest.param(
        "{% set s = 'a' * 1000 %}{{ s.replace('a', 'b' * 1000)|length }}",
        "replace would make",
        id="replace-method-amplification",
    ),
    pytest.param(
        "{% set s = 'a' * 1000 %}{{ (s|replace('a', 'b' * 1000))|length }}",
        "replace would make",
        id="replace-filter-amplification",
    ),
    pytest.param(
        "{{ (range(99999)|join('x' * 50))|length }}", "join would make", id="join-filter-big-list"
    ),
    pytest.param(
        "{{ ('x' * 50).join(range(30000)|map('string')|list)|length }}",
        "join would make",
        id="join-method-big-list",
    ),
    pytest.param("{{ ('ab'|center(10**9))|length }}", "center would make", id="center-filter"),
    pytest.param("{{ [1] * 10**9 }}", "repetition", id="list-times-a-billion"),
]


@pytest.mark.parametrize(("source", "limit"), LIMIT_ATTACKS)
def test_resource_attack_stops_with_an_error_naming_the_limit(source: str, limit: str) -> None:
    error = _refusal(source)
    assert limit in error.message
    assert error.message.startswith("template 1: template stopped:")


SANDBOX_ESCAPES = [
    pytest.param("{{ ''.__class__.__mro__ }}", id="str-mro"),
    pytest.param("{{ cycler.__init__.__globals__ }}", id="cycler-globals"),
    pytest.param("{{ joiner.__init__.__globals__['os'] }}", id="joiner-globals"),
    pytest.param("{{ namespace.__init__.__globals__ }}", id="namespace-globals"),
    pytest.param("{{ (''|attr('__class__')).__mro__ }}", id="attr-filter"),
    pytest.param("{{ ''['__class__'] }}", id="subscript-dunder"),
    pytest.param("{{ '{0.__class__}'.format('') }}", id="str-format"),
    pytest.param("{{ 'a'.ljust(10**9) }}", id="str-ljust"),
]


@pytest.mark.parametrize("source", SANDBOX_ESCAPES)
def test_sandbox_escape_is_refused(source: str) -> None:
    error = _refusal(source)
    assert "refused by the sandbox" in error.message


def test_attribute_chains_run_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    marker.write_text("untouched", encoding="utf-8")
    created = tmp_path / "created.txt"
    values = {"victim": str(marker), "new": str(created)}
    attempts = [
        "{{ cycler.__init__.__globals__.os.remove(victim) }}",
        "{{ joiner.__init__.__globals__.os.system('rm ' ~ victim) }}",
        "{{ namespace.__init__.__globals__.os.unlink(victim) }}",
        "{{ cycler.__init__.__globals__.__builtins__.open(victim, 'w').write('x') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ (1).__class__.__base__.__subclasses__() }}",
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.remove(victim) }}",
        "{{ lipsum.__globals__.os.system('touch ' ~ new) }}",
        "{{ cycler.__init__.__globals__.os.system('touch ' ~ new) }}",
    ]
    before = sorted(tmp_path.iterdir())
    for source in attempts:
        error = _refusal(source, values)
        assert "template" in error.message
    assert marker.read_text(encoding="utf-8") == "untouched"
    assert not created.exists()
    assert sorted(tmp_path.iterdir()) == before


def test_attribute_chains_read_no_file(secret_file: Path) -> None:
    values = {"p": str(secret_file)}
    for source in (
        "{{ cycler.__init__.__globals__.__builtins__.open(p).read() }}",
        "{{ joiner.__init__.__globals__.os.popen('cat ' ~ p).read() }}",
    ):
        error = _refusal(source, values)
        assert SECRET not in str(error)
        assert "root:" not in str(error)


# --- statements refused when compiling -----------------------------------------------


@pytest.mark.parametrize(
    ("source", "word"),
    [
        pytest.param("{% include '/etc/passwd' %}", "include", id="include-etc-passwd"),
        pytest.param("{% import 'x' as y %}", "import", id="import"),
        pytest.param("{% from 'x' import y %}", "import", id="from-import"),
        pytest.param("{% extends 'base' %}", "extends", id="extends"),
        pytest.param("line one\nline two\n{% include 'x' %}", "include", id="include-on-line-3"),
    ],
)
def test_loading_statement_is_refused_at_compile_time(source: str, word: str) -> None:
    start = time.thread_time()
    with pytest.raises(TemplateProblemError) as info:
        CompiledTemplate(source)
    assert time.thread_time() - start < SAFETY_BOUND_SECONDS
    assert f"cannot use {{% {word}" in str(info.value)
    assert info.value.problem.line == source.count("\n") + 1
    assert "root:" not in str(info.value)


def test_include_of_a_real_file_reads_nothing(secret_file: Path) -> None:
    for source in (
        f"{{% include '{secret_file}' %}}",
        f"{{% include {str(secret_file)!r} ignore missing %}}",
        f"{{% extends '{secret_file}' %}}",
    ):
        with pytest.raises(TemplateProblemError) as info:
            CompiledTemplate(source)
        assert SECRET not in str(info.value)
        assert "secret-marker" not in info.value.problem.message


# --- ordinary templates -------------------------------------------------------------


def test_variables_are_substituted() -> None:
    assert _render("Hello {{ name }}, tier {{ tier }}.", {"name": "Ada", "tier": 2}) == (
        "Hello Ada, tier 2."
    )


def test_for_loop_over_a_list() -> None:
    source = "{% for t in tags %}[{{ loop.index }}:{{ t }}]{% endfor %}"
    assert _render(source, {"tags": ["a", "b", "c"]}) == "[1:a][2:b][3:c]"


@pytest.mark.parametrize(("urgent", "expected"), [(True, "URGENT: fix"), (False, "routine: fix")])
def test_if_else(urgent: bool, expected: str) -> None:
    source = "{% if urgent %}URGENT{% else %}routine{% endif %}: {{ task }}"
    assert _render(source, {"urgent": urgent, "task": "fix"}) == expected


def test_filters_join_upper_default() -> None:
    source = "{{ tags|join(', ') }} / {{ name|upper }} / {{ nickname|default('none') }}"
    assert _render(source, {"tags": ["x", "y"], "name": "ada"}) == "x, y / ADA / none"


def test_undefined_variable_is_an_error() -> None:
    error = _refusal("Hello {{ nmae }}", {"name": "Ada"})
    assert "nmae" in error.message


def test_trailing_newline_is_kept() -> None:
    assert _render("line {{ n }}\n", {"n": 1}) == "line 1\n"


def test_large_but_legal_output_renders() -> None:
    out = _render("{% set s = 'x' * 99999 %}{% for i in range(9) %}{{ s }}{% endfor %}")
    assert len(out) == 9 * 99999


def test_budget_resets_for_each_render() -> None:
    refused = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError):
        _render(refused)
    # Nearly the whole budget is available again: if the failed render's spending
    # carried over, this loop would stop at once.
    assert _render("{% for i in range(30000) %}{% endfor %}done") == "done"
    with pytest.raises(TemplateError):
        _render(refused)
    assert _render("{{ 'x' * 99999 }}") == "x" * 99999


def test_loops_share_one_budget_across_the_templates_of_a_render() -> None:
    template = CompiledTemplate("{% for i in range(30000) %}{% endfor %}ok")
    for _ in range(4):
        assert render_all([template], {}) == ["ok"]
    with pytest.raises(TemplateError) as info:
        render_all([template] * 4, {})
    assert "loop iterations" in info.value.message


# --- known gaps ---------------------------------------------------------------------


def test_loop_of_ninety_thousand_iterations_renders() -> None:
    items = list(range(90_000))
    assert _render("{% for i in items %}{% endfor %}done", {"items": items}) == "done"


def test_percent_interpolation_amplification_is_refused() -> None:
    arguments = ", ".join(["s"] * 1000)
    source = "{% set s = 'x' * 99999 %}{{ (('%s' * 1000) % (" + arguments + "))|length }}"
    _refusal(source)


def test_filter_pipelines_draw_from_the_budget() -> None:
    source = "{{ range(100000)|map('center', 99999)|map('length')|sum }}" * 3
    start = time.thread_time()
    with pytest.raises(TemplateError):
        _render(source)
    assert time.thread_time() - start < SAFETY_BOUND_SECONDS + 1.0


def test_strings_built_by_filters_draw_from_the_allocation_budget() -> None:
    start = time.thread_time()
    error = _refusal("{{ (range(5000)|map('center', 99999)|list)|length }}")
    assert "characters of strings built in one render" in error.message
    assert time.thread_time() - start < SAFETY_BOUND_SECONDS


def test_a_template_rendered_on_its_own_has_its_own_budget() -> None:
    """Rendering outside render_all leaves no half-spent budget for later renders."""
    # 60,000 steps drawn by a filter, ten times faster than a loop, so a loaded machine
    # cannot trip the one-second wall-clock limit instead.
    loop = CompiledTemplate("{% set total = range(60000)|sum %}ok")
    assert loop.render({}) == "ok"
    assert loop.render({}) == "ok"  # 120,000 steps in all, but 60,000 per render
    with pytest.raises(TemplateError, match="loop iterations"):
        CompiledTemplate("{{ range(100000)|list|length }}{{ range(100000)|list|length }}").render(
            {}
        )
