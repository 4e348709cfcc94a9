"""Langfuse and OpenAI prompt-object exports: text and chat, config, versions, variables."""

from __future__ import annotations

import json
from pathlib import Path

from promptreg.core.tree import spec_by_id
from tests.importers.helpers import blocking, sandbox

LANGFUSE = [
    {
        "name": "movie-critic",
        "version": 1,
        "type": "text",
        "labels": [],
        "prompt": "As a {{criticLevel}} critic, rate {{movie}}.",
        "config": {},
    },
    {
        "name": "movie-critic",
        "version": 2,
        "type": "text",
        "labels": ["production", "latest"],
        "prompt": "As a {{criticLevel}} movie critic, do you like {{movie}}? {not a var}",
        "config": {"model": "gpt-4o", "temperature": 0.5, "frequency_penalty": 1},
        "tags": ["reviews"],
        "commitMessage": "Say movie critic",
    },
    {
        "name": "support-chat",
        "version": 4,
        "type": "chat",
        "labels": ["production"],
        "prompt": [
            {"role": "system", "content": "You help with {{product}}."},
            {"type": "placeholder", "name": "history"},
            {"role": "user", "content": "{{question}}"},
        ],
        "config": {},
    },
]
OPENAI = {
    "id": "pmpt_68a1b2c3",
    "object": "prompt",
    "name": "Weather brief",
    "version": "3",
    "instructions": "You brief travellers on the weather in {{city}}.",
    "messages": [{"role": "user", "content": [{"type": "input_text", "text": "Trip on {{date}}"}]}],
    "variables": {"city": "Paris", "date": {"type": "string", "description": "Travel day"}},
    "model": "gpt-4.1",
    "temperature": 0.3,
    "versions": [
        {"version": "1", "created_at": "2025-06-01"},
        {"version": "3", "created_at": "2025-09-01", "description": "Shorter"},
    ],
}


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / "src" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_langfuse_export_takes_the_production_version_with_its_history(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(_write(tmp_path, "langfuse.json", LANGFUSE))
    assert outcome.ok, outcome.failures
    critic = spec_by_id(box.settings, "imported/movie-critic")
    assert set(critic.variables) == {"critic_level", "movie"}
    rendered = box.render("imported/movie-critic", {"critic_level": "harsh", "movie": "Heat"})
    assert rendered == [("user", "As a harsh movie critic, do you like Heat? {not a var}")]
    assert critic.model.temperature == 0.5 and critic.tags == ("reviews",)
    assert (
        "Langfuse version 2 [production, latest]: Say movie critic" in critic.changelog[0].summary
    )
    assert blocking(box.codes("imported/movie-critic")) == []
    chat = box.render("imported/support-chat", {"product": "ovens", "question": "Hot?"})
    assert chat == [("system", "You help with ovens."), ("user", "Hot?")]
    notes = " ".join(n.message for d in outcome.drafts for n in d.notes)
    assert "placeholders were left out" in notes and "frequency_penalty" in notes


def test_openai_prompt_object_keeps_instructions_variables_and_versions(tmp_path: Path) -> None:
    box = sandbox(tmp_path)
    outcome = box.run(_write(tmp_path, "weather.json", OPENAI))
    assert outcome.ok, outcome.failures
    assert outcome.drafts[0].format == "openai"
    spec = spec_by_id(box.settings, "imported/weather-brief")
    assert spec.variables["city"].default == "Paris"
    assert spec.variables["date"].description == "Travel day"
    assert box.render("imported/weather-brief", {"date": "Monday"}) == [
        ("developer", "You brief travellers on the weather in Paris."),
        ("user", "Trip on Monday"),
    ]
    assert spec.model.name == "gpt-4.1" and spec.model.temperature == 0.3
    summary = spec.changelog[0].summary
    assert (
        "OpenAI prompt version 1 (2025-06-01)" in summary
        and "version 3 (2025-09-01): Shorter" in summary
    )


def test_markdown_is_one_system_message_word_for_word(tmp_path: Path) -> None:
    text = "# Release notes writer\n\nWrite notes. Keep {{ braces }} and {% tags %} as text.\n"
    source = tmp_path / "src" / "writer.md"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    box = sandbox(tmp_path)
    outcome = box.run(source)
    assert outcome.ok
    spec = spec_by_id(box.settings, "imported/writer")
    assert spec.title == "Release notes writer"
    assert box.render("imported/writer", {}) == [("system", text)]
    assert blocking(box.codes("imported/writer")) == []
