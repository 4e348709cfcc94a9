"""One Prompt, or one Sandbox, used from many threads at once, as a web server does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from promptreg.core.errors import TemplateError
from promptreg.core.model import Message, ModelSettings, PromptSpec, Variable
from promptreg.render.prompt import Prompt
from promptreg.render.sandbox import Sandbox

THREADS = 8
ROUNDS = 6

LOOP = "{% set total = range(60000)|sum %}"
"""60% of one render's step budget (each item summed draws a step): two renders
sharing a budget would run out. A filter rather than a loop, being ten times faster,
keeps eight threads well inside the one-second wall-clock limit."""

T = TypeVar("T")


def _spec(prompt_id: str, system: str, user: str) -> PromptSpec:
    return PromptSpec(
        id=prompt_id,
        version="1.0.0",
        title="threads",
        description="rendered from many threads",
        owner="platform",
        tier=1,
        status="approved",
        model=ModelSettings(name="gpt-4o-mini"),
        messages=(Message("system", system), Message("user", user)),
        variables={
            "name": Variable(name="name", type="string", description="who"),
            "n": Variable(name="n", type="integer", description="a number"),
            "tags": Variable(name="tags", type="array", description="labels"),
        },
    )


SPEC = _spec(
    "demo/threads",
    "You help {{ name }}.",
    LOOP + "{{ name }}:{{ n * 2 }}:{{ tags|join(',') }}:{{ 'ab' ~ n }}",
)


def _expected(name: str, n: int, tags: list[str]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": f"You help {name}."},
        {"role": "user", "content": f"{name}:{n * 2}:{','.join(tags)}:ab{n}"},
    ]


def _all_at_once(work: Callable[[int], T]) -> list[T]:
    """`work(k)` for k in 0..THREADS-1, on real threads released together."""
    start = threading.Barrier(THREADS)

    def run(k: int) -> T:
        start.wait(timeout=30)
        return work(k)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_one_prompt_renders_from_many_threads_with_each_threads_values() -> None:
    prompt = Prompt(SPEC)
    seen_threads: set[int] = set()

    def work(k: int) -> list[tuple[list[dict[str, str]], list[dict[str, str]]]]:
        seen_threads.add(threading.get_ident())
        out = []
        for r in range(ROUNDS):
            name, n, tags = f"user-{k}", k * 100 + r, [f"t{k}", f"r{r}"]
            out.append((prompt.render(name=name, n=n, tags=tags), _expected(name, n, tags)))
        return out

    results = _all_at_once(work)

    assert len(seen_threads) == THREADS
    pairs = [pair for per_thread in results for pair in per_thread]
    assert len(pairs) == THREADS * ROUNDS
    for got, expected in pairs:
        assert got == expected


def test_a_template_stopped_in_one_thread_spends_nothing_of_another_threads_budget() -> None:
    sandbox = Sandbox()
    hostile = Prompt(
        _spec(
            "demo/hostile",
            "x",
            "{{ (range(99999)|list + range(99999)|list)|sum }}{{ name }}{{ n }}",
        ),
        sandbox,
    )
    honest = Prompt(SPEC, sandbox)

    def work(k: int) -> Any:
        if k % 2:
            with pytest.raises(TemplateError, match="loop iterations") as info:
                hostile.render(name="x", n=1, tags=[])
            return info.value.message
        return [honest.render(name=f"u{k}", n=k, tags=["a"]) for _ in range(ROUNDS)]

    results = _all_at_once(work)

    for k, result in enumerate(results):
        if k % 2:
            assert result.startswith("demo/hostile message 2 (user): template stopped:")
        else:
            assert result == [_expected(f"u{k}", k, ["a"])] * ROUNDS


def test_one_sandbox_compiles_and_renders_for_many_threads() -> None:
    sandbox = Sandbox()

    def work(k: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        spec = _spec(f"demo/p{k}", f"Prompt {k} helps {{{{ name }}}}.", LOOP + "{{ n }}")
        prompt = Prompt(spec, sandbox)
        expected = [
            {"role": "system", "content": f"Prompt {k} helps user-{k}."},
            {"role": "user", "content": str(k)},
        ]
        return prompt.render(name=f"user-{k}", n=k, tags=[]), expected

    for got, expected in _all_at_once(work):
        assert got == expected


def test_prompts_that_share_a_sandbox_keep_their_own_templates() -> None:
    sandbox = Sandbox()
    first = Prompt(_spec("demo/first", "first {{ name }}", "{{ n }}"), sandbox)
    second = Prompt(_spec("demo/second", "second {{ name }}", "{{ n + 1 }}"), sandbox)
    assert first.render(name="a", n=1, tags=[])[0]["content"] == "first a"
    assert second.render(name="b", n=1, tags=[]) == [
        {"role": "system", "content": "second b"},
        {"role": "user", "content": "2"},
    ]
