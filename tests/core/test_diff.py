"""The diff between two prompt specs: plain data first, then its text rendering.

These need no git: two versions are two texts. Diffs of versions found in git history
are tested in test_history.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptreg.cli.diff import render_text
from promptreg.core.diff import PromptDiff, diff_specs
from promptreg.core.loader import load_prompt
from promptreg.core.model import PromptSpec

BASE = """\
id: demo/echo
version: 1.0.0
title: Echo
description: Repeats a note.
owner: support-platform
tier: 1
status: draft
tags: [demo]
model:
  name: gpt-4o-mini
  temperature: 0.2
variables:
  note:
    type: string
    description: The note.
    max_tokens: 100
messages:
  - role: system
    content: |
      You repeat notes.
      Say "not stated" when the note is empty.
  - role: user
    content: |
      <note>{{ note }}</note>
output:
  format: json
  schema:
    type: object
    properties:
      text: {type: string}
      words: {type: integer}
    required: [text, words]
evals:
  - name: one
    vars: {note: hi}
    assert:
      - {type: contains, value: hi}
"""


def spec(text: str) -> PromptSpec:
    result = load_prompt(Path("demo/echo.prompt.yaml"), text.encode())
    assert result.spec is not None, result.problems
    return result.spec


def change(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def diff(*edits: tuple[str, str]) -> PromptDiff:
    return diff_specs(spec(BASE), spec(change(BASE, *edits)))


def levels(result: PromptDiff) -> set[tuple[str, str]]:
    return {(c.level, c.description) for c in result.changes}


def test_identical_specs() -> None:
    result = diff()
    assert result.identical
    assert not result.content_changed
    assert result.changes == ()
    assert result.suggested_level is None
    assert result.bump_sufficient
    assert json.loads(json.dumps(result.to_json()))["identical"] is True


def test_metadata_fields() -> None:
    result = diff(
        ("title: Echo", "title: Echo back"),
        ("tags: [demo]", "tags: [demo, echo]"),
        ("status: draft", "status: review"),
        ("temperature: 0.2", "temperature: 0.4\n  seed: 7"),
        ("tier: 1", "tier: 1\nlimitations: Long notes are cut."),
    )
    by_path = {f.path: f for f in result.metadata}
    assert set(by_path) == {
        ("title",),
        ("tags",),
        ("status",),
        ("model", "temperature"),
        ("model", "seed"),
        ("limitations",),
    }
    assert (by_path[("title",)].before, by_path[("title",)].after) == ("Echo", "Echo back")
    assert by_path[("tags",)].after == ["demo", "echo"]
    assert by_path[("model", "seed")].kind == "added"
    assert by_path[("limitations",)].kind == "added"
    assert by_path[("status",)].kind == "changed"
    assert levels(result) == {("patch", "model settings changed")}
    assert result.bump is None
    assert not result.bump_sufficient


def test_variables_added_removed_and_changed_keys() -> None:
    result = diff(
        ("    description: The note.\n    max_tokens: 100", "    description: A note.\n"),
        (
            "messages:",
            "  lang:\n    type: string\n    description: Language.\n    required: false\n"
            "    default: en\nmessages:",
        ),
        ("version: 1.0.0", "version: 1.1.0"),
    )
    by_name = {v.name: v for v in result.variables}
    assert by_name["note"].kind == "changed"
    assert set(by_name["note"].keys) == {"description", "max_tokens"}
    assert by_name["note"].before is not None
    assert by_name["note"].before["max_tokens"] == 100
    assert by_name["lang"].kind == "added"
    assert by_name["lang"].after is not None
    assert by_name["lang"].after["default"] == "en"
    assert ("minor", "optional variable 'lang' was added") in levels(result)
    assert result.suggested_level == "minor"
    assert result.bump == "minor"
    assert result.bump_sufficient


def test_removing_a_variable_is_breaking_and_a_minor_bump_is_not_enough() -> None:
    old = spec(BASE)
    new = spec(
        change(
            BASE,
            ("variables:\n  note:\n    type: string\n    description: The note.\n", ""),
            ("    max_tokens: 100\n", ""),
            ("<note>{{ note }}</note>", "<note>nothing</note>"),
            ("version: 1.0.0", "version: 1.1.0"),
        )
    )
    result = diff_specs(old, new)
    assert [(v.name, v.kind) for v in result.variables] == [("note", "removed")]
    assert ("major", "variable 'note' was removed") in levels(result)
    assert result.suggested_level == "major"
    assert result.bump == "minor"
    assert not result.bump_sufficient


def test_message_edit_is_a_unified_diff() -> None:
    result = diff(("You repeat notes.", "You repeat notes exactly."))
    [message] = result.messages
    assert message.kind == "changed"
    assert (message.index_before, message.index_after) == (0, 0)
    assert message.unified == (
        "--- a/messages[0] (system)",
        "+++ b/messages[0] (system)",
        "@@ -1,2 +1,2 @@",
        "-You repeat notes.",
        "+You repeat notes exactly.",
        ' Say "not stated" when the note is empty.',
    )
    assert levels(result) == {("patch", "message text changed")}


def test_inserted_message_does_not_mark_later_ones_changed() -> None:
    result = diff(
        ("  - role: user\n", "  - role: assistant\n    content: Ready.\n  - role: user\n"),
    )
    [message] = result.messages
    assert message.kind == "added"
    assert (message.index_before, message.index_after) == (None, 1)
    assert message.unified[:2] == ("--- /dev/null", "+++ b/messages[1] (assistant)")
    assert message.unified[-1] == "+Ready."


def test_role_change_without_text_change() -> None:
    result = diff(("  - role: system\n", "  - role: developer\n"))
    [message] = result.messages
    assert (message.role_before, message.role_after) == ("system", "developer")
    assert message.unified == ()


def test_output_schema_field_removed() -> None:
    result = diff(
        ("      words: {type: integer}\n", ""),
        ("required: [text, words]", "required: [text]"),
    )
    assert result.output is not None
    assert result.output.schema_before is not None
    assert "words" in result.output.schema_before["properties"]
    assert result.output.schema_after is not None
    assert "words" not in result.output.schema_after["properties"]
    assert ("major", "output field 'words' was removed") in {
        (c.level, c.description) for c in result.output.changes
    }
    assert result.suggested_level == "major"


def test_output_format_change() -> None:
    old = spec(BASE)
    text = (
        BASE[: BASE.index("output:")] + "output:\n  format: text\n" + BASE[BASE.index("evals:") :]
    )
    result = diff_specs(old, spec(text))
    assert result.output is not None
    assert (result.output.format_before, result.output.format_after) == ("json", "text")
    assert result.output.schema_after is None
    assert ("major", "output format changed json → text") in levels(result)


def test_counts_of_evals_and_approvals() -> None:
    result = diff(
        (
            "evals:\n",
            "evals:\n  - name: two\n    vars: {note: yo}\n    assert:\n"
            "      - {type: contains, value: yo}\n",
        ),
    )
    assert result.evals == (1, 2)
    assert result.approvals == (0, 0)
    assert not result.content_changed
    assert not result.identical


def test_json_is_plain_data() -> None:
    result = diff(
        ("You repeat notes.", "You repeat notes exactly."),
        ("title: Echo", "title: Echo back"),
        ("      words: {type: integer}\n", ""),
        ("required: [text, words]", "required: [text]"),
    )
    payload = json.loads(json.dumps(result.to_json()))
    assert payload["version"] == {"before": "1.0.0", "after": "1.0.0"}
    assert payload["metadata"] == [
        {"path": ["title"], "kind": "changed", "before": "Echo", "after": "Echo back"}
    ]
    assert payload["messages"][0]["unified"][0] == "--- a/messages[0] (system)"
    assert payload["output"]["schema"]["before"]["required"] == ["text", "words"]
    assert payload["suggested_level"] == "major"
    assert {"level": "major", "description": "output field 'words' was removed"} in [
        {k: c[k] for k in ("level", "description")} for c in payload["changes"]
    ]


@pytest.mark.parametrize("color", [False, True])
def test_text_rendering(color: bool) -> None:
    result = diff(
        ("You repeat notes.", "You repeat notes exactly."),
        ("title: Echo", "title: Echo back"),
        ("version: 1.0.0", "version: 1.0.1"),
    )
    text = render_text(result, "1.0.0 (abc)", "1.0.1 (working tree)", color=color)
    lines = text.splitlines()
    assert lines[0] == "demo/echo: 1.0.0 (abc) → 1.0.1 (working tree)"
    assert '  title: "Echo" → "Echo back"' in lines
    assert "version: 1.0.0 → 1.0.1, a patch bump; the changes need a patch bump" in lines
    assert ("\x1b[31m-You repeat notes.\x1b[0m" in lines) is color
    assert ("-You repeat notes." in lines) is not color


def test_text_rendering_of_identical_specs() -> None:
    assert render_text(diff(), "a", "b").splitlines() == ["demo/echo: a → b", "no differences"]
