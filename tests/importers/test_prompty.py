"""Real Prompty files import into drafts that render what the Prompty runtime renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import prompty
import pytest

from tests.importers.helpers import FIXTURES, Messages, blocking, sandbox

SOURCE = FIXTURES / "prompty"
RENAMES = {"firstName": "first_name", "lastName": "last_name"}


@pytest.fixture(autouse=True)
def _connection_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files name their endpoint and key through ${env:...}; loading needs values."""
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "not-a-key")
    monkeypatch.setenv("OPENAI_API_KEY", "not-a-key")


def runtime(path: Path, inputs: dict[str, Any]) -> Messages:
    agent = prompty.load(path)
    messages = prompty.prepare(agent, inputs)
    return [(m.role, "".join(part.value for part in m.parts)) for m in messages]


CASES = [
    ("basic.prompty", "basic-prompt", [{}, {"firstName": "Ada", "question": "Why?"}]),
    (
        "basic-examples.prompty",
        "basic-prompt",
        [{"firstName": "Jane", "lastName": "Doe", "question": "What is the meaning of life?"}],
    ),
    (
        "summarize.prompty",
        "summarize",
        [{"text": "Long text."}, {"text": "Long text.", "context": "For a lawyer."}],
    ),
    ("chat-agent.prompty", "openai-agent", [{}, {"question": "Rain in Oslo?"}]),
    (
        "basic-mustache.prompty",
        "basic-prompt",
        [{}, {"firstName": 'A <b> & "quoted"', "question": "x > y"}],
    ),
]


@pytest.mark.parametrize(("name", "draft", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_renders_like_the_prompty_runtime(
    tmp_path: Path, name: str, draft: str, inputs: list[dict[str, Any]]
) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(SOURCE / name)
    assert outcome.ok, outcome.failures
    prompt_id = f"imported/{draft}"
    assert blocking(box.codes(prompt_id)) == []
    for values in inputs:
        renamed = {RENAMES.get(k, k): v for k, v in values.items()}
        assert box.render(prompt_id, renamed) == runtime(SOURCE / name, values), values


@pytest.mark.parametrize(
    ("name", "draft", "source_inputs"),
    [
        ("basic.prompty", "basic-prompt", {"firstName", "lastName", "question"}),
        ("summarize.prompty", "summarize", {"text", "context"}),
        ("chat-agent.prompty", "openai-agent", {"question"}),
        ("basic-mustache.prompty", "basic-prompt", {"firstName", "lastName", "question"}),
    ],
)
def test_declares_exactly_the_variables_the_source_uses(
    tmp_path: Path, name: str, draft: str, source_inputs: set[str]
) -> None:
    box = sandbox(tmp_path)
    box.run(SOURCE / name)
    assert box.variables(f"imported/{draft}") == {RENAMES.get(n, n) for n in source_inputs}


def test_examples_become_an_eval_case_and_defaults_stay_defaults(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    box.run(SOURCE / "basic-examples.prompty", SOURCE / "basic.prompty", namespace="p")
    examples = box.settings.registry_dir / "p" / "basic-prompt.prompt.yaml"
    spec_text = examples.read_text(encoding="utf-8")
    assert "name: sample" in spec_text and "first_name: Jane" in spec_text
    from promptreg.core.tree import spec_by_id

    with_defaults = spec_by_id(box.settings, "p/basic-prompt-2")
    assert with_defaults.variables["first_name"].default == "Jane"
    assert with_defaults.variables["first_name"].required is False
    assert all(not v.trusted for v in with_defaults.variables.values())


def test_the_first_file_format_imports_with_its_sample(tmp_path: Path) -> None:
    """The runtime no longer reads the first format, so this checks the documented one:
    `sample:` values, `model.parameters`, a body split at role markers."""
    box = sandbox(tmp_path)
    outcome = box.run(SOURCE / "shakespeare.prompty")
    assert outcome.ok
    prompt_id = "imported/shakespearean-writing-prompty"
    assert blocking(box.codes(prompt_id)) == []
    messages = box.render(prompt_id, {"question": "An invitation"})
    assert [role for role, _ in messages] == ["system", "user"]
    assert messages[1][1] == "An invitation"
    assert "example:\nuser: Please write" in messages[0][1]
    text = (box.settings.registry_dir / f"{prompt_id}.prompt.yaml").read_text(encoding="utf-8")
    assert "max_output_tokens: 3000" in text and "name: sample" in text


def test_notes_name_what_was_not_carried_over(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(SOURCE / "chat-agent.prompty")
    notes = [n.message for d in outcome.drafts for n in d.notes]
    assert any("`tools` was not carried over" in n for n in notes)
    assert any("connection" in n for n in notes)
    text = outcome.drafts[0].path.read_text(encoding="utf-8")
    assert "# Not carried over exactly" in text and "`tools` was not carried over" in text
