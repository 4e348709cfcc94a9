"""Real promptfoo configurations import into drafts whose render matches Nunjucks on the
configuration's own test variables, with the tests as eval cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from promptreg.core.tree import spec_by_id
from tests.importers import nunjucks_engine
from tests.importers.helpers import FIXTURES, blocking, sandbox

SOURCE = FIXTURES / "promptfoo"


@pytest.fixture(scope="session")
def nunjucks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nunjucks_engine.install(tmp_path_factory.getbasetemp().parent)


def _prompts(config: Path) -> list[str]:
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))["prompts"]
    out = []
    for entry in raw:
        if entry.startswith("file://"):
            text = (config.parent / entry.removeprefix("file://")).read_text(encoding="utf-8")
            out += [p.strip() for p in text.split("\n---\n") if p.strip()]
        else:
            out.append(entry)
    return out


@pytest.mark.parametrize("example", ["getting-started", "simple-test"])
def test_renders_like_nunjucks_on_the_test_vars(
    tmp_path: Path, nunjucks: Path, example: str
) -> None:
    config = SOURCE / example / "promptfooconfig.yaml"
    box = sandbox(tmp_path)
    outcome = box.run(config)
    assert outcome.ok, outcome.failures
    # BaseLoader builds only strings, lists and dicts: the YAML 1.2 reading promptfoo has.
    text = config.read_text(encoding="utf-8")
    tests = yaml.load(text, Loader=yaml.BaseLoader)["tests"]  # noqa: S506
    prompts = _prompts(config)
    assert len(outcome.drafts) == len(prompts)
    for draft, source in zip(outcome.drafts, prompts, strict=True):
        assert blocking(box.codes(draft.prompt_id)) == []
        spec = spec_by_id(box.settings, draft.prompt_id)
        assert [case.name for case in spec.evals] == [
            t.get("description") or f"test {n + 1}" for n, t in enumerate(tests)
        ]
        for test in tests:
            values = test["vars"]  # BaseLoader: strings as promptfoo's YAML 1.2 reads them
            assert set(spec.variables) == set(values)
            expected = nunjucks_engine.render(nunjucks, source, values)
            assert box.render(draft.prompt_id, values) == [("user", expected)]


def test_assertions_map_to_promptreg_types_and_the_rest_is_reported(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(SOURCE / "simple-test" / "promptfooconfig.yaml")
    spec = spec_by_id(box.settings, outcome.drafts[0].prompt_id)
    asserts = {case.name: [(a.type, a.value) for a in case.asserts] for case in spec.evals}
    assert asserts["Check for exact match"] == [("equals", "Yarr")]
    assert asserts["Check if output is JSON"] == [("is-json", None)]
    assert asserts["Use LLM to evaluate output"] == [("icontains", "arrr")]  # the $ref
    notes = " ".join(n.message for n in outcome.drafts[0].notes)
    for kind in ("javascript", "python", "similar", "llm-rubric"):
        assert f"the assertion {kind} has no promptreg equivalent" in notes
    assert spec.model.name == "gpt-4.1-mini"


def test_default_test_merges_into_every_case(tmp_path: Path) -> None:
    config = tmp_path / "src" / "promptfooconfig.yaml"
    config.parent.mkdir()
    config.write_text(
        "prompts:\n  - 'Summarise {{topic}} for {{audience}}'\n"
        "defaultTest:\n  vars: {audience: lawyers}\n  assert:\n    - {type: contains, value: law}\n"
        "tests:\n  - vars: {topic: tax}\n    assert: [{type: not-contains, value: maybe}]\n"
        "  - vars: {topic: VAT, audience: accountants}\n",
        encoding="utf-8",
    )
    box = sandbox(tmp_path)
    outcome = box.run(config)
    spec = spec_by_id(box.settings, outcome.drafts[0].prompt_id)
    assert [dict(c.vars) for c in spec.evals] == [
        {"audience": "lawyers", "topic": "tax"},
        {"audience": "accountants", "topic": "VAT"},
    ]
    assert [[a.type for a in c.asserts] for c in spec.evals] == [
        ["contains", "not-contains"],
        ["contains"],
    ]
