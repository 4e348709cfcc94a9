"""Class: hostile values in audit records.

The application passes what its users sent, and a variable of type array or object
takes any list or mapping: items whose `__str__` raises or lies, keys that are not
strings (or are personal data), integers longer than Python prints, NaN, lists nested
thousands deep or holding themselves. The render worked, so its record must be written
all the same: one line of strict JSON (no `NaN`), redacted, and no exception may come
out of `render()`, by either route a record takes (straight to our handlers, or through
`logging` because another handler listens).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from promptreg import Registry
from promptreg.sdk.audit import LOGGER_NAME, audit_context, log_audit_to

EMAIL = "jane.doe@gmail.com"

CONFIG = """\
registry: registry
owners: [support-platform]
tiers:
  1: {approvals: 0}
models:
  gpt-4o-mini: {encoding: o200k_base, context_window: 128000}
"""

PROMPT = """\
id: demo/{level}
version: 1.0.0
title: Demo prompt
description: A prompt whose record holds {level} values.
owner: support-platform
tier: 1
status: approved
model: {{name: gpt-4o-mini, temperature: 0, max_output_tokens: 50}}
variables:
  text: {{type: string, description: The text.}}
  n: {{type: integer, description: A count.}}
  items: {{type: array, description: Items.}}
  data: {{type: object, description: Data.}}
messages:
  - {{role: system, content: "Answer in one word."}}
  - role: user
    content: >-
      <t>{{{{ text }}}}</t>{{% if n > 0 %}}+{{% endif %}}
      {{{{ items|length }}}} {{{{ data|length }}}}
logging: {level}
"""


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")

    def __repr__(self) -> str:
        return "Unprintable()"


class Lying:
    """An object whose __str__ returns no string: str() raises TypeError."""

    def __str__(self) -> Any:
        return 42


def _nested(depth: int) -> list[Any]:
    top: list[Any] = []
    here = top
    for _ in range(depth):
        deeper: list[Any] = []
        here.append(deeper)
        here = deeper
    return top


def _cyclic() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def _shared(levels: int) -> list[Any]:
    """A list reaching one empty list by 2**levels paths: small in memory, huge walked."""
    value: list[Any] = []
    for _ in range(levels):
        value = [value, value]
    return value


HOSTILE: dict[str, dict[str, Any]] = {
    "control characters": {"text": "a\nb\r\x00\x1b[2J\x85", "items": ["\n"], "data": {"\n": "\r"}},
    "a raising __str__ in an array": {"items": [Unprintable()]},
    "a raising __str__ as a key": {"data": {Unprintable(): 1}},
    "a lying __str__": {"items": [Lying()], "data": {Lying(): Lying()}},
    "an integer too long to print": {"n": 10**5000},
    "an integer too long to print, in an array": {"items": [-(10**5000)]},
    "NaN and infinities in an array": {"items": [float("nan"), float("inf"), -float("inf")]},
    "a list nested 5,000 deep": {"items": _nested(5000)},
    "a list holding itself": {"items": _cyclic()},
    "a shared list of 2**64 paths": {"items": _shared(64)},
    "non-string keys": {"data": {1: "a", (1, 2): "b", None: "c", 2.5: "d"}},
    "personal data in keys": {"data": {EMAIL: 1}, "items": [{EMAIL: EMAIL}]},
    "a huge string": {"data": {"long": "x" * 2_000_000 + " " + EMAIL}},
}


def _strict(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    root = tmp_path / "registry-repo"
    (root / "registry" / "demo").mkdir(parents=True)
    (root / "promptreg.yaml").write_text(CONFIG, encoding="utf-8")
    for level in ("metadata", "full"):
        text = PROMPT.format(level=level)
        (root / "registry" / "demo" / f"{level}.prompt.yaml").write_text(text, encoding="utf-8")
    return Registry.open(root)


@pytest.fixture(params=["direct", "through logging"])
def audit_lines(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    path = tmp_path / "audit.jsonl"
    handler = log_audit_to(path)
    other = logging.NullHandler()
    if request.param == "direct":
        logger.propagate = False
    else:
        logging.getLogger().addHandler(other)
    try:
        yield lambda: path.read_text(encoding="utf-8")
    finally:
        logger.propagate = True
        logging.getLogger().removeHandler(other)
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(level)


@pytest.mark.parametrize("level", ["metadata", "full"])
@pytest.mark.parametrize("hostile", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_value_is_one_strict_json_line_and_no_exception(
    registry: Registry, audit_lines: Callable[[], str], level: str, hostile: str
) -> None:
    values: dict[str, Any] = {"text": "t", "n": 1, "items": [], "data": {}, **HOSTILE[hostile]}
    prompt = registry.get(f"demo/{level}", allow_unapproved=True)
    prompt.render(**values)  # raises nothing: the call worked, so must its record
    text = audit_lines()
    assert text.endswith("\n") and text.count("\n") == 1, text[:300]
    record = _strict(text)
    assert record["prompt_id"] == f"demo/{level}"
    assert set(record["variables"]) == {"text", "n", "items", "data"}
    assert all(type(size) is int for size in record["variables"].values())
    if level == "metadata":
        assert "values" not in record
    else:
        assert set(record["values"]) == {"text", "n", "items", "data"}
    assert EMAIL not in text


def test_sizes_stay_true_for_values_that_cannot_be_printed(
    registry: Registry, audit_lines: Callable[[], str]
) -> None:
    prompt = registry.get("demo/metadata", allow_unapproved=True)
    prompt.render(text="t", n=10**5000, items=[Unprintable()] * 3, data={})
    sizes = _strict(audit_lines())["variables"]
    assert sizes["items"] == 3 and abs(sizes["n"] - 5001) <= 1


def test_full_values_keep_what_can_be_kept(
    registry: Registry, audit_lines: Callable[[], str]
) -> None:
    prompt = registry.get("demo/full", allow_unapproved=True)
    prompt.render(
        text="t",
        n=7,
        items=[1, 2.5, None, True, float("nan"), Unprintable()],
        data={EMAIL: "x", 3: "y"},
    )
    values = _strict(audit_lines())["values"]
    assert values["n"] == 7
    assert values["items"][:4] == [1, 2.5, None, True]
    assert values["items"][4] == "nan"
    assert values["items"][5] == "[Unprintable without text]"
    assert values["data"] == {"[redacted email]": "x", "3": "y"}


def test_a_context_value_that_is_no_string_is_kept_as_text(
    registry: Registry, audit_lines: Callable[[], str]
) -> None:
    prompt = registry.get("demo/metadata", allow_unapproved=True)
    hostile: Any = {"request_id": Unprintable(), "attempt": 3, "line": "a\nb"}
    with audit_context(**hostile):
        prompt.render(text="t", n=1, items=[], data={})
    text = audit_lines()
    assert text.count("\n") == 1
    assert _strict(text)["context"] == {
        "request_id": "[Unprintable without text]",
        "attempt": "3",
        "line": "a\nb",
    }


@pytest.mark.parametrize("level", ["metadata", "full"])
def test_unicode_line_separators_in_values_never_split_the_record(
    registry: Registry, audit_lines: Callable[[], str], level: str
) -> None:
    """U+2028, U+2029 and NEL are legal unescaped in JSON strings, but `splitlines` ends a
    line at each: a reader of the file would see a record cut in pieces."""
    breaks = "a\u2028b\u2029c\x85d"
    prompt = registry.get(f"demo/{level}", allow_unapproved=True)
    prompt.render(text=breaks, n=1, items=[breaks], data={breaks: breaks})
    prompt.render(text="t", n=1, items=[], data={})
    text = audit_lines()
    assert len(text.splitlines()) == 2
    assert not any(c in text for c in "\u2028\u2029\x85")
    first = _strict(text.splitlines()[0])
    if level == "full":
        assert first["values"]["text"] == breaks
        assert first["values"]["items"] == [breaks]
        assert first["values"]["data"] == {breaks: breaks}
