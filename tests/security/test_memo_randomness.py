"""Class: a render memo remembering a request that is drawn at random.

The render memo maps a case's fingerprint to the cache key its request had, and a
re-run takes the cached answer through it without rendering. That is sound only for
templates whose output is a function of the prompt and the case: Jinja2's `random`
filter is excluded by its name. A pull request can call it without writing the word:
`map` calls the filter its argument names, and a template can build that name
(`'ran' ~ 'dom'`, `'\\x72andom'`) or take it from a case's variables. Then the first
run's draw is remembered, every later run records the first draw's (passing) answer as
the result of content it never sent, and the variant drawn now goes untested.

The defence: such a prompt has no memo, so each run renders (and sends) what it tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import promptreg.evals.plan as plan
from promptreg.core.errors import EXIT_OK
from promptreg.core.loader import load_prompt
from promptreg.evals.client import connection
from promptreg.evals.memo import memoizable, renderer_identity
from promptreg.evals.plan import PlannedCase, Selection, plan_prompt, prompt_items
from promptreg.render.analysis import may_draw_at_random
from tests.evals.conftest import EvalRepo
from tests.evals.server import OpenAIServer, Script

PROMPT = """\
id: demo/drawn
version: 1.0.0
title: A prompt drawn at random
description: One of many variants is sent each time.
owner: support-platform
tier: 1
status: approved
model: {{name: gpt-4o-mini, temperature: 0, max_output_tokens: 50}}
variables:
  text: {{type: string, description: The text., max_tokens: 200}}
messages:
  - role: system
    content: |
      Answer in one word. Variant {draw}.
  - role: user
    content: "<text>{{{{ text }}}}</text>"
logging: full
evals:
  - name: one
    vars: {{text: {text}}}
    assert:
      - {{type: contains, value: ok}}
"""

_TWICE = "{{ [range(10**5)]|map(%s)|first }}-{{ [range(10**5)]|map(%s)|first }}"
"""Two draws of one in 100,000 (the sandbox's largest range): 10**10 variants."""
DRAWS = {
    "a name built with ~": (_TWICE % (("'ran' ~ 'dom'",) * 2), "hello"),
    "a name with an escape": (_TWICE % (("'\\x72andom'",) * 2), "hello"),
    "a name from a case": (_TWICE % (("text",) * 2), "random"),
    "names spread out": (_TWICE % (("*[text]",) * 2), "random"),
}


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[EvalRepo]:
    with OpenAIServer(Script()) as server:
        root = tmp_path / "registry-repo"
        root.mkdir()
        made = EvalRepo(root, server)
        made.configure()
        yield made


def _write(repo: EvalRepo, draw: str, text: str) -> Path:
    path = repo.root / "registry" / "demo" / "drawn.prompt.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROMPT.format(draw=draw, text=text), encoding="utf-8")
    return path


def _rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the cases whose request a run renders."""
    asked: list[str] = []
    real = plan.render_request

    def counting(planned: Any, case: PlannedCase, link: Any) -> dict[str, Any]:
        asked.append(case.case.name)
        return real(planned, case, link)

    monkeypatch.setattr(plan, "render_request", counting)
    return asked


@pytest.mark.parametrize(("draw", "text"), list(DRAWS.values()), ids=list(DRAWS))
def test_a_prompt_that_draws_at_random_has_no_memo(repo: EvalRepo, draw: str, text: str) -> None:
    path = _write(repo, draw, text)
    spec = load_prompt(path).spec
    assert spec is not None
    assert not memoizable(spec)
    link = connection(repo.settings)
    planned = plan_prompt(spec, repo.settings, link, Selection())
    (item,) = prompt_items(planned, link, renderer_identity())
    assert item.memo == ""


@pytest.mark.parametrize(("draw", "text"), list(DRAWS.values()), ids=list(DRAWS))
def test_every_run_sends_the_variant_it_records(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch, draw: str, text: str
) -> None:
    """Three runs draw three variants: each is rendered and sent, none is answered from
    the memo of the first."""
    _write(repo, draw, text)
    asked = _rendered(monkeypatch)
    for _ in range(3):
        status, out, _err = repo.run()
        assert status == EXIT_OK, out
    assert asked == ["one", "one", "one"]
    systems = {
        request["body"]["messages"][0]["content"]
        for request in repo.server.requests_to("/chat/completions")
    }
    assert len(systems) == 3  # three draws, three requests: none taken for another


def test_a_map_of_a_named_filter_keeps_its_memo(
    repo: EvalRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The defence costs nothing where nothing is drawn: a map of `upper` is memoized."""
    _write(repo, "{{ ['a', 'b']|map('upper')|join }} of a roadmap", "hello")
    assert repo.run()[0] == EXIT_OK
    asked = _rendered(monkeypatch)
    assert repo.run()[0] == EXIT_OK
    assert asked == []


@pytest.mark.parametrize(
    ("source", "draws"),
    [
        ("plain text, a roadmap", False),
        ("{{ x|map('upper') }}", False),
        ("{{ x|map(attribute='name') }}", False),
        ("{{ x|random }}", True),
        ("{{ x|map('ran' ~ 'dom') }}", True),
        ("{{ x|map('\\x72andom') }}", True),
        ("{{ x|map(name) }}", True),
        ("{% filter map(name) %}{% endfilter %}", True),
        ("{{ x|map( }}", True),
    ],
)
def test_may_draw_at_random(source: str, draws: bool) -> None:
    assert may_draw_at_random(source) is draws
