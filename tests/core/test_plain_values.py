"""The value-only YAML walk (`parse(..., positions=False)`) answers what the full walk
answers: the same values, of the same types, in the same order, and the same problems,
on the embedded registry, every rule fixture, hostile texts and mutated files."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.loader import load_prompt
from promptreg.core.yamlio import MAX_DEPTH, _plain_values, _walk, parse

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    file
    for file in (*(REPO / "registry").rglob("*.prompt.yaml"), *(REPO / "tests").rglob("*.yaml*"))
    if file.is_file() and not file.is_symlink()
)

HOSTILE = {
    "anchor on a scalar": "a: &x 1\nb: 2\n",
    "alias": "a: &x 1\nb: *x\n",
    "anchor on a mapping": "a: &x {b: 1}\n",
    "anchor on a list": "a: &x [1]\n",
    "tag on a scalar": "a: !!str 1\n",
    "tag on a mapping": "a: !thing {b: 1}\n",
    "tag on a list": "a: !!seq [1]\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate nested key": "a:\n  b: 1\n  b: {c: 2}\n",
    "duplicate key holding a list": "a: [1]\na: [2]\n",
    "flow mapping as a key": "{a: 1}: x\n",
    "list as a key": "? [a, b]\n: c\n",
    "nested complex key": "top:\n  ? {a: 1}\n  : b\n",
    "too deep": "a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n",
    "deep but allowed": "a: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2) + "\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "an empty second document": "a: 1\n---\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "control character": "a: \x07\n",
    "empty": "",
    "only a marker": "---\n",
    "comments only": "# nothing\n",
    "a scalar": "hello\n",
    "a quoted scalar": "'1'\n",
    "a list": "- 1\n- two\n- {three: 3}\n",
    "keys that resolve to other types": "1: a\ntrue: b\n~: c\nnull: d\n0x1f: e\n",
    "an empty key": ": x\n",
    "plain values": "a: yes\nb: no\nc: 0o17\nd: 0x1F\ne: 1e3\nf: .inf\ng: ~\nh: 2026-01-01\n",
    "large integers": f"a: {2**63}\nb: {-(2**63)}\nc: 123456789012345678901\n",
    "quoted values": "a: '1'\nb: \"true\"\nc: |\n  block\nd: >\n  folded\n",
    "nested lists of mappings": "a:\n  - b: [1, {c: [2, 3]}]\n    d: {}\n  - []\n",
    "end marker then text": "a: 1\n...\n",
}


def _typed(value: Any) -> Any:
    """`value` with every type spelled out, so True and 1, or 1 and 1.0, differ."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, value)


def _agree(text: str) -> bool:
    """Assert both walks agree on `text`; whether the value-only walk answered itself."""
    path = Path("p.prompt.yaml")
    full = _walk(text, path, positions=False)
    quick = parse(text, path, positions=False)
    assert _typed(quick.value) == _typed(full.value)
    assert quick.problems == full.problems
    assert quick.text == full.text
    return not full.problems


def test_the_embedded_registry_and_every_fixture_read_the_same() -> None:
    answered = 0
    for file in FILES:
        data = file.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # refused before any walk (F006)
        answered += _agree(text)
        quick, full = load_prompt(file, data, positions=False), load_prompt(file, data)
        assert quick.spec == full.spec, file
        assert [p.code for p in quick.problems] == [p.code for p in full.problems], file
    assert len(FILES) > 300
    assert answered > 250  # most files are sound: the value-only walk answered them


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_texts_read_the_same(name: str) -> None:
    _agree(HOSTILE[name])


def test_the_value_only_walk_hands_every_unusual_text_to_the_full_walk() -> None:
    """Each of these has a problem the full walk words: the quick walk must not answer."""
    unusual = (
        "anchor on a scalar",
        "alias",
        "tag on a list",
        "duplicate nested key",
        "list as a key",
        "too deep",
        "two documents",
        "syntax error",
        "control character",
    )
    for name in unusual:
        assert _plain_values(HOSTILE[name]) is _plain_values("a: &x 1\n"), name
    assert _plain_values(HOSTILE["deep but allowed"]) is not _plain_values("a: &x 1\n")


def test_mutated_registry_files_read_the_same() -> None:
    """Lines dropped, repeated, re-indented or given YAML's special characters: broken
    files of every kind, drawn from a fixed seed."""
    chance = random.Random(20261204)  # noqa: S311 (test data, not a secret)
    specials = ("&a ", "*a", "!!str ", "? ", "- ", "{", "[", "'", '"', "  ", ": ", "---\n")
    sources = sorted((REPO / "registry").rglob("*.prompt.yaml"))
    for source in sources:
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        for _ in range(25):
            mutated = list(lines)
            at = chance.randrange(len(mutated))
            how = chance.randrange(4)
            if how == 0:
                del mutated[at]
            elif how == 1:
                mutated.insert(at, mutated[at])
            elif how == 2:
                mutated[at] = " " + mutated[at]
            else:
                column = chance.randrange(len(mutated[at]) + 1)
                line = mutated[at]
                mutated[at] = line[:column] + chance.choice(specials) + line[column:]
            _agree("".join(mutated))
