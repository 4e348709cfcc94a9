"""Issue 9, acceptance: a render of any template stays under the documented bounds.

Templates are composed at random from the operations that once escaped the bounds
(printing objects, `%` and `|format` widths, padding, repetition, bytes, integer
conversions, big-integer division, rebinding the budget's hooks, doubling strings in
loops, deep nesting), with sizes from tiny to a billion. Each one is compiled and
rendered in this process: it either renders or fails with a TemplateError (or, at
compile time, a template problem that lint reports), and no render may take more
than the time bounds or grow the process's peak memory by more than 200 MB.
"""

from __future__ import annotations

import contextlib
import resource
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.core.errors import TemplateError
from promptreg.render.analysis import TemplateProblemError
from promptreg.render.budget import MAX_SECONDS, MAX_WALL_SECONDS
from promptreg.render.sandbox import CompiledTemplate, render_all

MEMORY_GROWTH_MB = 200
PROCESSOR_SECONDS = 2 * MAX_SECONDS
"""The render's own processor time: what the budget limits, whatever the load."""
WALL_SECONDS = MAX_WALL_SECONDS + 2
"""Wall time, generous: two loaded cores may run a render ten times slower."""

SIZES = st.sampled_from([0, 1, 7, 1000, 4097, 99_999, 100_001, 10**6, 10**9])

LEAVES = [  # NNN stands for a size
    "{{ 'x' * NNN }}",
    "{{ ['x'] * NNN }}",
    "{{ ('%(a)NNNs' % {'a': 1})|length }}",
    "{{ ('%.NNNd' % 1)|length }}",
    "{{ ('%(a)NNNs'|format(a=1))|length }}",
    "{{ 'a'.encode().center(NNN)|length }}",
    "{{ 'a'.encode().zfill(NNN)|length }}",
    "{{ (('x' * 999).encode() * NNN)|length }}",
    "{{ (1).to_bytes(NNN, 'big')|length }}",
    "{{ (0).from_bytes([255] * (NNN % 5000), 'big') }}",
    "{{ ('f' * (NNN % 99999))|int(base=16) // 7 }}",
    "{{ (('9' * (NNN % 4300 + 1))|int) % 97 }}",
    "{{ 2 ** NNN }}",
    "{{ 7 ** (NNN % 5000) // 3 ** (NNN % 3000) }}",
    "{{ 'ab'|center(NNN)|length }}",
    "{{ ('ab' * 500)|replace('a', 'b' * (NNN % 100001))|length }}",
    "{{ range(NNN % 100000)|join('x' * 50)|length }}",
    "{{ {'a': 'x' * (NNN % 99999)}|tojson(indent=NNN % 20)|length }}",
    "{{ [1]|batch(NNN, 'x')|list|length }}",
    "{{ ('x' * (NNN % 99999))|indent(NNN % 5000)|length }}",
    "{{ ns }}",
    "{{ d.items() }}",
    "{{ [ns, ns, ns, ns] }}",
    "{{ big|pprint|length }}",
    "{% set __promptreg_budget = {}.fromkeys %}",
    "{% macro __promptreg_charge(n) %}{% endmacro %}",
    "{% set ns.s = ns.s ~ ns.s %}",
    "{% set ns.l = ns.l + ns.l %}",
    "{{ " + "(" * 30 + "1" + ")" * 30 + " }}",
    "{{ 'x'" + "|trim" * 60 + " }}",
    "{% macro f(k) %}{% if k %}{{ f(k - 1) }}{{ f(k - 1) }}{% endif %}{% endmacro %}"
    "{{ f(NNN % 40) }}",
    "static text " * 20,
    "{{ ('a.co ' * (NNN % 20000))|urlize(target='x' * (NNN % 99999))|length }}",
    "{% set a = [0] * (NNN % 100001) %}{{ [a, a, a, a]|sum(start=[])|length }}",
    "{% for i in range(50000) %}{{ '" + "A" * 100 + "' }}{% endfor %}",
]
PRELUDE = (
    "{% set ns = namespace(a='x' * 99999, s='ab', l=[1]) %}"
    "{% set d = {'a': 'x' * 99999} %}"
    "{% set big = [ns.a, ns.a, ns.a, ns.a, ns.a, ns.a, ns.a, ns.a, ns.a] %}"
)


@st.composite
def templates(draw: st.DrawFn) -> str:
    def leaf() -> st.SearchStrategy[str]:
        return st.builds(
            lambda text, n: text.replace("NNN", str(n)), st.sampled_from(LEAVES), SIZES
        )

    def nest(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        loop = st.builds(
            lambda n, body: f"{{% for i in range({n} % 100001) %}}{body}{{% endfor %}}",
            SIZES,
            inner,
        )
        joined = st.lists(inner, min_size=2, max_size=4).map("".join)
        macro = inner.map(lambda body: f"{{% macro m() %}}{body}{{% endmacro %}}{{{{ m() }}}}")
        guarded = inner.map(lambda body: f"{{% if 1 %}}{body}{{% endif %}}")
        return st.one_of(loop, joined, macro, guarded)

    body = draw(st.recursive(leaf(), nest, max_leaves=6))
    return PRELUDE + body


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(templates())
def test_any_template_renders_within_bounds_or_fails_as_a_template_error(source: str) -> None:
    peak = _peak_mb()
    wall = time.perf_counter()
    processor = time.thread_time()
    # Any other exception fails the test: every failure must be one of these two.
    with contextlib.suppress(TemplateError, TemplateProblemError):
        render_all([CompiledTemplate(source)], {})
    processor = time.thread_time() - processor
    wall = time.perf_counter() - wall
    assert processor < PROCESSOR_SECONDS, f"{processor:.2f} s of processor time"
    assert wall < WALL_SECONDS, f"{wall:.2f} s"
    assert _peak_mb() - peak < MEMORY_GROWTH_MB, f"peak memory grew by {_peak_mb() - peak} MB"
