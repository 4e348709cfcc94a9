"""fmt: canonical key order and layout, every comment kept, idempotent, never damaging."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.yamlio import parse
from promptreg.edit.fmt import FormatError, format_file, format_text

REPO = Path(__file__).resolve().parents[2]
REGISTRY_FILES = sorted((REPO / "registry").rglob("*.prompt.yaml"))

CONFIG = """\
registry: registry
owners: [support-platform]
models:
  gpt-4o-mini: {encoding: o200k_base, context_window: 128000}
"""
SCRAMBLED = """\
# yaml-language-server: $schema=../../.promptreg/schemas/prompt.schema.json
x-team: onboarding   # kept last
title: Say hello
# The id is what application code asks for.
id: demo/x
status: draft   # draft until reviewed
version: 1.0.0
model:
    temperature: 0.2
    name: gpt-4o-mini
messages:
-   content: |
      Say hello to {{ name }}.
      Keep it short.
    role: user
owner: support-platform
description: >-
  A greeting, used by the onboarding flow
  when a new user signs up.
tier: 1
tags:
  - demo    # first tag
  # the second tag is for search
  - greeting
variables:
  name:
    max_tokens: 20
    description: "The user's first name."
    type: string
approvals:
  - date: 2026-11-20
    reviewer: dana@example.com
changelog:
  - {summary: First version., date: 2026-11-20, version: 1.0.0}
"""
CANONICAL = """\
# yaml-language-server: $schema=../../.promptreg/schemas/prompt.schema.json
# The id is what application code asks for.
id: demo/x
version: 1.0.0
title: Say hello
description: >-
  A greeting, used by the onboarding flow
  when a new user signs up.
owner: support-platform
tier: 1
status: draft   # draft until reviewed
tags:
  - demo    # first tag
  # the second tag is for search
  - greeting
model:
  name: gpt-4o-mini
  temperature: 0.2
variables:
  name:
    type: string
    description: "The user's first name."
    max_tokens: 20
messages:
  - role: user
    content: |
      Say hello to {{ name }}.
      Keep it short.
approvals:
  - reviewer: dana@example.com
    date: 2026-11-20
changelog:
  - {version: 1.0.0, date: 2026-11-20, summary: First version.}
x-team: onboarding   # kept last
"""
ALIAS = """\
id: demo/alias
model: &model {name: gpt-4o-mini}
x-copy: *model
"""


def data(text: str) -> str:
    """The loaded values, comparable: key order ignored, 1 and 1.0 and true kept apart."""
    document = parse(text, Path("x.prompt.yaml"))
    assert document.problems == ()
    return json.dumps(document.value, sort_keys=True)


def comment_lines(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.splitlines() if "#" in line)


# --- format_text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", REGISTRY_FILES, ids=[p.relative_to(REPO).as_posix() for p in REGISTRY_FILES]
)
def test_embedded_registry_formats_idempotently_keeping_data_and_comments(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert format_text(once) == once
    assert data(once) == data(text)
    assert comment_lines(once) == comment_lines(text)
    # The embedded registry already has the canonical layout: at most keys move.
    assert sorted(once.splitlines()) == sorted(text.splitlines())


def test_scrambled_file_gets_canonical_order_and_layout() -> None:
    assert format_text(SCRAMBLED) == CANONICAL
    assert format_text(CANONICAL) == CANONICAL
    assert data(CANONICAL) == data(SCRAMBLED)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "title: T\n# about the id\nid: a  # trailing\n",
            "# about the id\nid: a  # trailing\ntitle: T\n",
            id="comment above a key and its trailing comment move with it",
        ),
        pytest.param(
            "# yaml-language-server: $schema=x.json\ntitle: T\nid: a\n",
            "# yaml-language-server: $schema=x.json\nid: a\ntitle: T\n",
            id="the modeline stays on line 1",
        ),
        pytest.param(
            "id: a\ntags:\n  - a  # one\n  # before b\n  - b\n# at the end\n",
            "id: a\ntags:\n  - a  # one\n  # before b\n  - b\n# at the end\n",
            id="comments in a sequence and at the end",
        ),
        pytest.param(
            "model:\n  temperature: 0  # deterministic\n  # the cheap one\n  name: m\nid: a\n",
            "id: a\nmodel:\n  # the cheap one\n  name: m\n  temperature: 0  # deterministic\n",
            id="nested keys keep their comments",
        ),
        pytest.param(
            "messages:\n  - content: hi\n    # who speaks\n    role: user\n",
            "messages:\n  # who speaks\n  - role: user\n    content: hi\n",
            id="a comment that would land after a dash goes above the item",
        ),
        pytest.param(
            "description: |\n  keep\n    this   \n# about id\nid: a\n",
            "# about id\nid: a\ndescription: |\n  keep\n    this   \n",
            id="literal block scalar kept, trailing spaces in it too",
        ),
        pytest.param(
            "id: a\nlimitations: >\n  folded\n  text\n\ntitle: |-\n  x\n",
            "id: a\n\ntitle: |-\n  x\nlimitations: >\n  folded\n  text\n",
            id="folded and stripped block scalars kept, a blank line moves with its key",
        ),
        pytest.param(
            "id: a\nchangelog:\n  - version: 1.0.0\n    summary: s\n    date: 2026-11-20\n",
            "id: a\nchangelog:\n  - version: 1.0.0\n    date: 2026-11-20\n    summary: s\n",
            id="dates stay as written",
        ),
        pytest.param(
            "id: a\nmodel:\n    name: m\nmessages:\n-   role: user\n    content: 'hi'\n",
            "id: a\nmodel:\n  name: m\nmessages:\n  - role: user\n    content: 'hi'\n",
            id="indentation and quotes",
        ),
        pytest.param(
            "x-b: 1\nzzz: 2\nid: a   \nx-a: 3\n\n\n",
            "id: a\nzzz: 2\nx-b: 1\nx-a: 3\n",
            id="unknown keys after known ones, x- keys last, no trailing space or lines",
        ),
        pytest.param(
            "# yaml-language-server: $schema=x.json\n\n# Evals\nevals: []\n\nid: a\n"
            "model:\n  temperature: 0\n\n  name: x\n",
            "# yaml-language-server: $schema=x.json\n\nid: a\n"
            "model:\n  name: x\n  temperature: 0\n\n# Evals\nevals: []\n",
            id="the paragraph above the first key moves with it, the header stays",
        ),
        pytest.param("id: a", "id: a\n", id="a final newline"),
    ],
)
def test_format_text(source: str, expected: str) -> None:
    assert format_text(source) == expected
    assert format_text(expected) == expected


def test_crlf_files_keep_crlf() -> None:
    crlf = SCRAMBLED.replace("\n", "\r\n")
    assert format_text(crlf) == CANONICAL.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(ALIAS, "F003 YAML anchor", id="alias"),
        pytest.param("id: a\nid: b\n", "F002 duplicate key", id="duplicate key"),
        pytest.param("- a\n", "not a mapping", id="not a mapping"),
        pytest.param(
            "id: a\nmodel: {name: m,  # inside\n  temperature: 0}\n",
            "would drop or alter a comment",
            id="comment inside a flow mapping",
        ),
        pytest.param("id: a\ntitle: b\t\n", "cannot read this", id="tab after a value"),
    ],
)
def test_format_text_refuses_what_it_cannot_keep(source: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        format_text(source)


# --- format_file and the command -----------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "promptreg.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "registry" / "demo").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def prompt(project: Path, name: str, text: str) -> Path:
    path = project / "registry" / "demo" / f"{name}.prompt.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_format_file_writes_atomically_only_when_asked(project: Path) -> None:
    path = prompt(project, "x", SCRAMBLED)
    checked = format_file(path, check=True, diff=True)
    assert (checked.changed, checked.error) == (True, None)
    assert checked.diff.startswith(f"--- {path.as_posix()}\n+++ {path.as_posix()}\n")
    assert path.read_text(encoding="utf-8") == SCRAMBLED

    written = format_file(path, check=False, diff=False)
    assert (written.changed, written.diff, written.error) == (True, "", None)
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert [p.name for p in path.parent.iterdir()] == ["x.prompt.yaml"]  # no temp file left

    inode = path.stat().st_ino
    assert not format_file(path, check=False, diff=False).changed
    assert path.stat().st_ino == inode  # a formatted file is not rewritten


def test_check_lists_files_that_would_change(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scrambled = prompt(project, "x", SCRAMBLED)
    prompt(project, "y", CANONICAL)
    assert main(["fmt", "--check"]) == 1
    out, err = capsys.readouterr()
    assert out == f"would reformat {scrambled}\n"
    assert "1 file would be reformatted, 1 file already formatted" in err
    assert scrambled.read_text(encoding="utf-8") == SCRAMBLED


def test_check_passes_when_everything_is_formatted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt(project, "y", CANONICAL)
    assert main(["fmt", "--check", "--config", str(project / "promptreg.yaml")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 file already formatted" in err


def test_diff_prints_unified_diffs_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = prompt(project, "x", SCRAMBLED)
    assert main(["fmt", "--diff", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"--- {path.as_posix()}\n+++ {path.as_posix()}\n@@ ")
    assert "\n-title: Say hello\n" in out
    assert "\n+  name: gpt-4o-mini\n" in out
    assert path.read_text(encoding="utf-8") == SCRAMBLED


def test_fmt_reformats_in_place(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = prompt(project, "x", SCRAMBLED)
    assert main(["fmt", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"reformatted {path}\n"
    assert "1 file reformatted" in err
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert main(["fmt", "--check", str(path)]) == 0


def test_fmt_refuses_a_file_with_an_alias_and_formats_the_others(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alias = prompt(project, "alias", ALIAS)
    scrambled = prompt(project, "x", SCRAMBLED)
    assert main(["fmt"]) == 2
    out, err = capsys.readouterr()
    assert f"{alias}:2:8: F003 YAML anchor '&model' is not allowed" in err
    assert "1 file could not be formatted" in err
    assert out == f"reformatted {scrambled}\n"
    assert alias.read_text(encoding="utf-8") == ALIAS
    assert scrambled.read_text(encoding="utf-8") == CANONICAL


def test_fmt_reports_a_missing_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "registry/demo/missing.prompt.yaml"]) == 2
    assert "missing.prompt.yaml: cannot read" in capsys.readouterr().err


def test_fmt_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    assert "promptreg fmt --check" in out
