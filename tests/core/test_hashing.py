"""The content hash an approval signs: what it covers, what it ignores, and its recipe."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.hashing import canonical_json, content_hash
from promptreg.core.yamlio import parse

FORMAT_DOC = Path(__file__).resolve().parents[2] / "docs" / "format.md"

# The worked example of docs/format.md, section "Content hash", character for character.
WORKED_EXAMPLE_YAML = """\
id: demo/echo
version: 1.0.0
model: {name: gpt-4o-mini, temperature: 0}
messages:
  - {role: user, content: "Say {{ word }}."}
variables:
  word: {type: string, description: A word.}
"""
WORKED_EXAMPLE_JSON = (
    '{"id":"demo/echo","messages":[{"content":"Say {{ word }}.","role":"user"}],'
    '"model":{"name":"gpt-4o-mini","temperature":0},'
    '"variables":{"word":{"description":"A word.","type":"string"}},"version":"1.0.0"}'
)
WORKED_EXAMPLE_HASH = "sha256:e2da41cc879c2176c93381d0d61038447030ed15406de7a47cedacd9aa210768"

FULL_PROMPT = """\
id: demo/echo
version: 1.0.0
title: Echo a word
description: Repeats a word back.
owner: support-platform
tier: 2
status: approved
tags: [demo, echo]
model:
  name: gpt-4o-mini
  temperature: 0.2
  max_output_tokens: 400
variables:
  word: {type: string, description: A word., max_tokens: 10}
messages:
  - role: system
    content: You repeat words.
  - role: user
    content: "Say {{ word }}."
output:
  format: text
handoff: {ai: Repeats the word., human: Reads it., checkpoint: before-use}
limitations: Only one word.
logging: metadata
evals:
  - name: says hello
    vars: {word: hello}
    assert: [{type: contains, value: hello}]
approvals:
  - reviewer: dana@example.com
    group: team-leads
    date: 2026-09-16
    content_hash: sha256:0000000000000000000000000000000000000000000000000000000000000000
changelog:
  - {version: 1.0.0, date: 2026-09-14, summary: First version.}
lint:
  ignore: [{rule: Q003, reason: A one-word answer.}]
x-cost-centre: 4711
"""


def _load(text: str) -> dict[str, Any]:
    document = parse(text, Path("demo.prompt.yaml"))
    assert document.problems == ()
    assert isinstance(document.value, dict)
    return document.value


def _content_hash_section() -> str:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    start = text.index("\n## Content hash\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def test_worked_example_canonical_json() -> None:
    assert canonical_json(_load(WORKED_EXAMPLE_YAML)) == WORKED_EXAMPLE_JSON


def test_worked_example_hash() -> None:
    data = _load(WORKED_EXAMPLE_YAML)
    assert content_hash(data) == WORKED_EXAMPLE_HASH
    expected = hashlib.sha256(WORKED_EXAMPLE_JSON.encode("utf-8")).hexdigest()
    assert f"sha256:{expected}" == WORKED_EXAMPLE_HASH


def test_doc_shows_the_worked_example_used_here() -> None:
    section = _content_hash_section()
    assert f"```yaml\n{WORKED_EXAMPLE_YAML}```" in section
    assert f"```json\n{WORKED_EXAMPLE_JSON}\n```" in section


def test_doc_states_the_worked_example_hash() -> None:
    stated = re.findall(r"`(sha256:[0-9a-f]+)`", _content_hash_section())
    assert len(stated) == 1, stated
    assert stated[0] == content_hash(_load(WORKED_EXAMPLE_YAML))


def test_canonical_json_form() -> None:
    value = {"b": [1, 0.2, None, True], "a": {"z": "x", "y": 400}}
    assert canonical_json(value) == '{"a":{"y":400,"z":"x"},"b":[1,0.2,null,true]}'


def test_yaml_numbers_are_hashed_as_loaded() -> None:
    model = _load("model: {name: m, temperature: 0.2, max_output_tokens: 400}\n")["model"]
    assert canonical_json(model) == '{"max_output_tokens":400,"name":"m","temperature":0.2}'


def test_missing_key_is_left_out() -> None:
    data = _load(FULL_PROMPT)
    without_output = {k: v for k, v in data.items() if k != "output"}
    assert content_hash(without_output) != content_hash(data)
    subset = {k: without_output[k] for k in ("id", "version", "model", "variables", "messages")}
    expected = hashlib.sha256(canonical_json(subset).encode("utf-8")).hexdigest()
    assert content_hash(without_output) == f"sha256:{expected}"
    assert '"output"' not in canonical_json(subset)


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        del data[key]

    return change


METADATA_CHANGES = [
    pytest.param(_set(("title",), "Echo a word back"), id="title"),
    pytest.param(_set(("description",), "Repeats a word back, politely."), id="description"),
    pytest.param(_set(("owner",), "legal-ops"), id="owner"),
    pytest.param(_set(("tier",), 3), id="tier"),
    pytest.param(_set(("status",), "deprecated"), id="status"),
    pytest.param(_set(("tags",), ["demo", "echo", "new-tag"]), id="tags"),
    pytest.param(_drop("tags"), id="tags-removed"),
    pytest.param(_set(("handoff", "checkpoint"), "before-send"), id="handoff"),
    pytest.param(_set(("limitations",), "Only one word, in English."), id="limitations"),
    pytest.param(_set(("logging",), "full"), id="logging"),
    pytest.param(_set(("evals", 0, "name"), "says hi"), id="evals"),
    pytest.param(_set(("approvals", 0, "content_hash"), "sha256:" + "1" * 64), id="approvals"),
    pytest.param(_drop("approvals"), id="approvals-removed"),
    pytest.param(_set(("changelog", 0, "summary"), "First."), id="changelog"),
    pytest.param(_drop("lint"), id="lint"),
    pytest.param(_set(("x-cost-centre",), 4712), id="extension-key"),
]

CONTENT_CHANGES = [
    pytest.param(_set(("messages", 1, "content"), "Say {{ word }}!"), id="message-content"),
    pytest.param(_set(("messages", 0, "role"), "developer"), id="message-role"),
    pytest.param(_set(("version",), "1.0.1"), id="version"),
    pytest.param(_set(("id",), "demo/echo-two"), id="id"),
    pytest.param(_set(("model", "temperature"), 0.3), id="model-temperature"),
    pytest.param(_set(("model", "name"), "gpt-4o"), id="model-name"),
    pytest.param(_set(("output", "format"), "json"), id="output-format"),
    pytest.param(_drop("output"), id="output-removed"),
    pytest.param(_set(("variables", "word", "max_tokens"), 20), id="variable"),
]


@pytest.mark.parametrize("change", METADATA_CHANGES)
def test_metadata_change_keeps_the_hash(change: Callable[[dict[str, Any]], None]) -> None:
    original = _load(FULL_PROMPT)
    edited = copy.deepcopy(original)
    change(edited)
    assert edited != original
    assert content_hash(edited) == content_hash(original)


@pytest.mark.parametrize("change", CONTENT_CHANGES)
def test_content_change_changes_the_hash(change: Callable[[dict[str, Any]], None]) -> None:
    original = _load(FULL_PROMPT)
    edited = copy.deepcopy(original)
    change(edited)
    assert edited != original
    assert content_hash(edited) != content_hash(original)


def test_key_order_and_yaml_style_do_not_matter() -> None:
    reordered = """\
variables:
  word:
    description: A word.
    type: string
messages:
  - content: "Say {{ word }}."
    role: user
model:
  temperature: 0
  name: gpt-4o-mini
version: 1.0.0
id: demo/echo
"""
    data = _load(reordered)
    assert list(data) != list(_load(WORKED_EXAMPLE_YAML))
    assert canonical_json(data) == WORKED_EXAMPLE_JSON
    assert content_hash(data) == WORKED_EXAMPLE_HASH


def test_message_order_matters() -> None:
    data = _load(FULL_PROMPT)
    swapped = copy.deepcopy(data)
    swapped["messages"].reverse()
    assert content_hash(swapped) != content_hash(data)


def test_non_ascii_is_written_and_hashed_as_utf8() -> None:
    text = "Grüße aus 東京 😀"
    data = {"id": "demo/echo", "messages": [{"role": "user", "content": text}]}
    canonical = canonical_json(data)
    assert text in canonical
    assert "\\u" not in canonical
    assert canonical == (
        '{"id":"demo/echo","messages":[{"content":"Grüße aus 東京 😀","role":"user"}]}'
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert content_hash(data) == f"sha256:{digest}"
    escaped = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert "\\u00fc" in escaped
    assert content_hash(data) != f"sha256:{hashlib.sha256(escaped.encode()).hexdigest()}"


def test_non_ascii_from_yaml() -> None:
    data = _load(WORKED_EXAMPLE_YAML.replace("Say {{ word }}.", "Sag {{ word }}, bitte schön."))
    assert "schön" in canonical_json(data)
    assert content_hash(data) != WORKED_EXAMPLE_HASH
