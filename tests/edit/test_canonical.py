"""The canonical-form checker: it may say "not proved" for any file, but it must never
say canonical for a file fmt would change (or refuse). Every case is checked against
fmt itself, so a case that stops meaning what it says fails too."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptreg.core.yamlio import parse
from promptreg.edit.canonical import is_canonical, is_canonical_text
from promptreg.edit.fmt import FormatError, format_text
from tests.edit.perturb import TRICKY_SCALARS, perturb
from tests.edit.test_fmt import ALIAS, CANONICAL, SCRAMBLED

REPO = Path(__file__).resolve().parents[2]
REGISTRY_FILES = sorted((REPO / "registry").rglob("*.prompt.yaml"))
BASES = [path.read_text(encoding="utf-8") for path in REGISTRY_FILES] + [CANONICAL]

PROVED = [
    pytest.param(CANONICAL, id="fmt's canonical fixture"),
    pytest.param(CANONICAL.replace("\n", "\r\n"), id="the same with CRLF"),
    pytest.param("# about the id\nid: a  # trailing\ntitle: T\n", id="comments above and after"),
    pytest.param(
        "id: a\ntags:\n  - a  # one\n  # before b\n  - b\n# at the end\n",
        id="comments in a sequence and at the end",
    ),
    pytest.param(
        "id: a\nmodel:\n  # the cheap one\n  name: m\n  temperature: 0  # deterministic\n",
        id="a comment above a nested first key",
    ),
    pytest.param("messages:\n  # who speaks\n  - role: user\n    content: hi\n", id="above a dash"),
    pytest.param(
        "# yaml-language-server: $schema=x.json\n\n# Evals\nid: a\n\nevals: []\n",
        id="header, paragraph and blank lines between keys",
    ),
    pytest.param(
        "id: a\ntitle: >-\n  folded\n  text\ndescription: |\n  keep\n    this   \n\n  and this\n",
        id="block scalars, trailing spaces inside a literal one",
    ),
    pytest.param(
        "id: a\nlimitations:\n  - >-\n    one\n    two\n  - 'it''s'\n  - \"q é\"\n",
        id="block and quoted items",
    ),
    pytest.param(
        "id: a\nx-k: {a: [1, 2.5, true], b: {}}\nx-n:\nx-d: 2026-11-20\nx-v: 1.2.3\n",
        id="flow collections, null, dates and versions",
    ),
]

NOT_CANONICAL = [
    pytest.param(SCRAMBLED, id="fmt's scrambled fixture"),
    pytest.param("title: T\nid: a\n", id="key order"),
    pytest.param("id: a\nmodel:\n  temperature: 0\n  name: m\n", id="nested key order"),
    pytest.param("id: a\nchangelog:\n  - {date: 2026-01-01, version: 1.0.0}\n", id="flow order"),
    pytest.param("id: a\nmodel:\n    name: m\n", id="mapping indented by 4"),
    pytest.param("id: a\ntags:\n- a\n", id="items not indented"),
    pytest.param("id: a\ntags:\n  -   a\n", id="spaces after a dash"),
    pytest.param("id:  a\n", id="spaces after a colon"),
    pytest.param("id: a   \n", id="trailing white space"),
    pytest.param("id: a\n\n", id="blank line at the end"),
    pytest.param("id: a", id="no final newline"),
    pytest.param("id: a\nx-k: ~\n", id="tilde for null"),
    pytest.param("id: a\nx-k: null\n", id="null spelled out"),
    pytest.param("id: a\nx-k: True\n", id="capitalised boolean"),
    pytest.param("id: a\nx-k: [a,b]\n", id="tight flow list"),
    pytest.param("id: a\nx-k: { a: 1 }\n", id="padded flow mapping"),
    pytest.param("id: a\ntitle: two\n  lines\n", id="multi-line plain scalar"),
    pytest.param("id: a\ndescription: |\n    deep\n", id="block scalar indented by 4"),
    pytest.param("id: a\r\ntitle: T\n", id="mixed line endings"),
    pytest.param("id: a\ntitle: T\r\n", id="mixed line endings, LF first"),
]

REFUSED = [
    pytest.param(ALIAS, id="alias"),
    pytest.param("id: a\nid: b\n", id="duplicate key"),
    pytest.param("id: a\ntitle: b\t\n", id="tab after a value"),
    pytest.param("- a\n", id="not a mapping"),
]


def fmt_leaves(text: str) -> bool:
    try:
        return format_text(text) == text
    except FormatError:
        return False


@pytest.mark.parametrize("path", REGISTRY_FILES, ids=[p.name for p in REGISTRY_FILES])
def test_the_embedded_registry_is_proved_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert is_canonical_text(text)
    assert fmt_leaves(text)


@pytest.mark.parametrize("text", PROVED)
def test_canonical_layouts_are_proved(text: str) -> None:
    assert fmt_leaves(text)
    assert is_canonical_text(text)


@pytest.mark.parametrize("text", NOT_CANONICAL)
def test_files_fmt_would_change_are_not_proved(text: str) -> None:
    assert format_text(text) != text
    assert not is_canonical_text(text)


@pytest.mark.parametrize("text", REFUSED)
def test_files_fmt_refuses_are_not_proved(text: str) -> None:
    with pytest.raises(FormatError):
        format_text(text)
    assert not is_canonical_text(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASES), st.randoms(use_true_random=False), st.integers(1, 3))
def test_a_perturbed_file_is_proved_only_when_fmt_leaves_it(
    base: str, rng: random.Random, edits: int
) -> None:
    text = perturb(base, rng, edits)
    if is_canonical_text(text):
        assert fmt_leaves(text), text


KEYS = ("id", "version", "title", "owner", "tier", "tags", "x-a", "x-b", "zzz")


@st.composite
def small_files(draw: st.DrawFn) -> str:
    """Files of a few keys in any order, with any of the tricky values, nested or not."""
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5, unique=True))
    lines = []
    for key in keys:
        shape = draw(st.sampled_from(("scalar", "map", "list", "block")))
        value = draw(st.sampled_from(TRICKY_SCALARS))
        indent = " " * draw(st.sampled_from((2, 2, 2, 4)))
        if shape == "scalar":
            lines.append(f"{key}: {value}")
        elif shape == "map":
            lines += [f"{key}:", f"{indent}name: {value}", f"{indent}temperature: 0"]
        elif shape == "list":
            lines += [f"{key}:", f"{indent}- {value}", f"{indent}- {{type: x, value: {value}}}"]
        else:
            lines += [f"{key}: {draw(st.sampled_from(('|', '|-', '>', '>-')))}", f"{indent}{value}"]
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(("", "# note", "  # deeper"))))
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_files())
def test_a_generated_file_is_proved_only_when_fmt_leaves_it(text: str) -> None:
    if is_canonical_text(text):
        assert fmt_leaves(text), text


def test_formatting_a_canonical_file_loads_no_round_trip_reader(tmp_path: Path) -> None:
    canonical = tmp_path / "canonical.prompt.yaml"
    canonical.write_text(CANONICAL, encoding="utf-8")
    scrambled = tmp_path / "scrambled.prompt.yaml"
    scrambled.write_text(SCRAMBLED, encoding="utf-8")
    probe = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        "status = main(['fmt', sys.argv[1]])\n"
        "print(status, 'ruamel.yaml' in sys.modules)\n"
    )

    def run(path: Path) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        return done.stdout.splitlines()[-1]

    assert run(canonical) == "0 False"
    assert canonical.read_text(encoding="utf-8") == CANONICAL
    assert run(scrambled) == "0 True"  # the probe would see the import
    assert scrambled.read_text(encoding="utf-8") == CANONICAL


def test_a_document_read_without_positions_is_not_proved() -> None:
    assert is_canonical(parse(CANONICAL, Path("x.prompt.yaml")))
    assert not is_canonical(parse(CANONICAL, Path("x.prompt.yaml"), positions=False))
