"""Fixes: text edits applied from the end, re-linted in memory, written once and atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.core.location import Position, Span
from promptreg.lint.finding import Applicability, Edit, Finding, Fix
from promptreg.lint.fix import (
    OverlappingEditsError,
    apply_edits,
    fix_file,
    fix_paths,
    select_fixes,
)
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection

CONFIG = """\
registry: registry
owners: [support-platform]
models:
  gpt-4o-mini: {encoding: o200k_base, context_window: 128000}
"""
MODELINE = "# yaml-language-server: $schema=../../.promptreg/schemas/prompt.schema.json"
# Two findings with safe fixes: no modeline on line 1 (S006), an id that does not match
# the path registry/demo/x.prompt.yaml (S002).
NEEDS_FIXES = """\
# Owned by support-platform.  Ask before changing.
id: demo/y   # the id people ask for
version: 1.0.0
title: Say hello
description: >-
  A greeting, used by the onboarding flow.
owner: support-platform
tier: 1
status: draft

model: {name: gpt-4o-mini, temperature: 0}   # cheapest model
messages:
  # the one message
  - role: user
    content: |
      Say hello.
"""
# The families these tests are about, so a new rule elsewhere cannot change their outcome.
SELECTION = Selection.build(["F", "S"], [], [])
FIXED = MODELINE + "\n" + NEEDS_FIXES.replace("id: demo/y", "id: demo/x")


def edit(line: int, column: int, end_line: int, end_column: int, text: str) -> Edit:
    return Edit(Position(line, column), Position(end_line, end_column), text)


def finding(
    edits: tuple[Edit, ...], applicability: Applicability = "safe", code: str = "S999"
) -> Finding:
    span = Span(edits[0].start, edits[0].end)
    fix = Fix("a test fix", edits, applicability)
    return Finding(Path("x.prompt.yaml"), span, code, "a test finding", "test", "error", fix)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    (tmp_path / "promptreg.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "registry" / "demo").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def linter(registry: Path) -> Linter:
    return Linter(load_config(registry / "promptreg.yaml"), SELECTION)


def write(registry: Path, name: str, text: str, newline: str = "\n") -> Path:
    path = registry / "registry" / "demo" / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


# --- apply_edits ---------------------------------------------------------------------

APPLY_CASES = [
    ("insert at the start", "a\nb\n", [edit(1, 1, 1, 1, "x")], "xa\nb\n"),
    ("insert at the end of a line", "a\nb\n", [edit(1, 2, 1, 2, "x")], "ax\nb\n"),
    ("insert after the last line", "a\n", [edit(2, 1, 2, 1, "b\n")], "a\nb\n"),
    ("insert a line", "a\nc\n", [edit(2, 1, 2, 1, "b\n")], "a\nb\nc\n"),
    ("delete", "abc\n", [edit(1, 2, 1, 3, "")], "ac\n"),
    ("delete a whole line", "a\nb\nc\n", [edit(2, 1, 3, 1, "")], "a\nc\n"),
    ("replace", "id: demo/y\n", [edit(1, 5, 1, 11, "demo/x")], "id: demo/x\n"),
    ("replace across lines", "a\nb\nc\n", [edit(1, 2, 3, 1, "-")], "a-c\n"),
    ("replace with more lines", "ab\n", [edit(1, 2, 1, 3, "1\n2\n3")], "a1\n2\n3\n"),
    (
        "several edits, given in any order",
        "abcdef",
        [edit(1, 5, 1, 6, "E"), edit(1, 1, 1, 2, "A")],
        "AbcdEf",
    ),
    (
        "edits on several lines",
        "a\nb\nc",
        [edit(3, 1, 3, 2, "C"), edit(1, 1, 1, 2, "A")],
        "A\nb\nC",
    ),
    ("adjacent edits", "abc", [edit(1, 1, 1, 2, "X"), edit(1, 2, 1, 3, "Y")], "XYc"),
    ("insert before a replacement", "abc", [edit(1, 2, 1, 3, "B"), edit(1, 2, 1, 2, "+")], "a+Bc"),
    ("columns count characters", "é: ü\n", [edit(1, 4, 1, 5, "x")], "é: x\n"),
    ("CRLF stays as it is", "a\r\nb\r\n", [edit(2, 1, 2, 2, "B")], "a\r\nB\r\n"),
    ("no edits", "a\n", [], "a\n"),
]


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [case[1:] for case in APPLY_CASES],
    ids=[case[0] for case in APPLY_CASES],
)
def test_apply_edits(text: str, edits: list[Edit], expected: str) -> None:
    assert apply_edits(text, edits) == expected


OVERLAP_CASES = [
    ("overlapping ranges", [edit(1, 1, 1, 3, "x"), edit(1, 2, 1, 4, "y")]),
    ("one inside another", [edit(1, 1, 2, 1, "x"), edit(1, 2, 1, 3, "y")]),
    ("the same range twice", [edit(1, 2, 1, 3, "x"), edit(1, 2, 1, 3, "x")]),
    ("two insertions at one point", [edit(1, 2, 1, 2, "x"), edit(1, 2, 1, 2, "y")]),
    ("insertion inside a replacement", [edit(1, 1, 1, 4, "x"), edit(1, 2, 1, 2, "y")]),
    (
        "overlap behind a long edit",
        [edit(1, 1, 3, 1, "x"), edit(1, 2, 1, 2, ""), edit(2, 1, 2, 2, "")],
    ),
]


@pytest.mark.parametrize(
    "edits", [case[1] for case in OVERLAP_CASES], ids=[case[0] for case in OVERLAP_CASES]
)
def test_apply_edits_refuses_overlapping_edits(edits: list[Edit]) -> None:
    with pytest.raises(OverlappingEditsError, match="overlapping edits: 1:"):
        apply_edits("abcd\nefgh\nijkl\n", edits)


@pytest.mark.parametrize(
    "bad",
    [edit(5, 1, 5, 1, "x"), edit(1, 6, 1, 6, "x"), edit(1, 0, 1, 1, "x"), edit(1, 3, 1, 2, "x")],
    ids=["past the last line", "past the end of a line", "column 0", "end before start"],
)
def test_apply_edits_refuses_positions_outside_the_text(bad: Edit) -> None:
    with pytest.raises(ValueError, match="edit"):
        apply_edits("abcd\nefgh\n", [bad])


# --- choosing the fixes of a round ---------------------------------------------------


def test_select_fixes_applies_safe_fixes_and_unsafe_ones_only_when_asked() -> None:
    safe = finding((edit(1, 1, 1, 2, "a"),))
    unsafe = finding((edit(2, 1, 2, 2, "b"),), "unsafe")
    no_fix = Finding(Path("x"), Span.at(3), "S001", "m", "n")
    assert [f for f, _ in select_fixes([safe, unsafe, no_fix], unsafe=False)] == [safe]
    assert [f for f, _ in select_fixes([safe, unsafe, no_fix], unsafe=True)] == [safe, unsafe]


def test_select_fixes_skips_a_fix_that_touches_text_already_claimed() -> None:
    first = finding((edit(1, 1, 1, 5, "a"), edit(3, 1, 3, 1, "x")))
    overlapping = finding((edit(1, 3, 1, 4, "b"),))
    same_insertion = finding((edit(3, 1, 3, 1, "x"),))
    elsewhere = finding((edit(2, 1, 2, 2, "c"),))
    chosen = select_fixes([first, overlapping, same_insertion, elsewhere], unsafe=False)
    assert [f for f, _ in chosen] == [first, elsewhere]


# --- fix_file end to end, with the real rules ----------------------------------------


def test_fix_file_fixes_s002_and_s006_and_keeps_every_other_byte(
    registry: Path, linter: Linter
) -> None:
    path = write(registry, "x.prompt.yaml", NEEDS_FIXES)
    assert [f.code for f in linter.lint_file(path)] == ["S006", "S002"]

    safe = fix_file(linter, path, unsafe=False)  # the id is hashed: S002's fix is unsafe
    assert (safe.fixed, [f.code for f in safe.remaining]) == ({"S006": 1}, ["S002"])
    assert path.read_text(encoding="utf-8") == MODELINE + "\n" + NEEDS_FIXES

    outcome = fix_file(linter, path, unsafe=True)

    assert outcome.error is None
    assert outcome.changed
    assert outcome.fixed == {"S002": 1}
    assert outcome.remaining == ()
    assert path.read_text(encoding="utf-8") == FIXED
    assert linter.lint_file(path) == []
    assert [p.name for p in path.parent.iterdir()] == ["x.prompt.yaml"]  # no temp file left


def test_fix_file_keeps_crlf_line_endings(registry: Path, linter: Linter) -> None:
    path = write(registry, "x.prompt.yaml", NEEDS_FIXES, newline="\r\n")
    outcome = fix_file(linter, path, unsafe=True)
    assert outcome.fixed == {"S002": 1, "S006": 1}
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode("utf-8")


def test_fix_file_does_not_touch_a_clean_file(registry: Path, linter: Linter) -> None:
    path = write(registry, "x.prompt.yaml", FIXED)
    before = path.stat()
    outcome = fix_file(linter, path, unsafe=True)
    assert (outcome.changed, outcome.fixed, outcome.remaining, outcome.error) == (
        False,
        {},
        (),
        None,
    )
    assert path.stat().st_ino == before.st_ino  # not even rewritten with the same bytes
    assert path.stat().st_mtime_ns == before.st_mtime_ns


class BreakingLinter(Linter):
    """The real rules, plus a throwaway rule whose 'fix' writes an unclosed bracket."""

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        findings = super().lint_file(path, data)
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        for number, line in enumerate(text.split("\n"), 1):
            if line.startswith("title: "):
                span = Span(Position(number, 8), Position(number, 8))
                fix = Fix("break it", (Edit(span.start, span.end, "[unclosed "),))
                findings.append(Finding(path, span, "Q997", "breaks", "breaks", "info", fix))
        return sorted(findings)


def test_a_fix_that_would_break_the_yaml_is_refused(registry: Path) -> None:
    linter = BreakingLinter(load_config(registry / "promptreg.yaml"), SELECTION)
    path = write(registry, "x.prompt.yaml", NEEDS_FIXES)
    before = path.stat()
    original = path.read_bytes()

    outcome = fix_file(linter, path, unsafe=True)

    assert not outcome.changed
    assert outcome.fixed == {}
    assert outcome.error is not None
    assert "would make the file unreadable (F001" in outcome.error
    assert "the file is unchanged" in outcome.error
    assert path.read_bytes() == original
    assert path.stat().st_ino == before.st_ino
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.prompt.yaml"]


def test_s002_offers_no_fix_when_the_path_makes_no_valid_id(registry: Path, linter: Linter) -> None:
    path = write(registry, "a: b.prompt.yaml", NEEDS_FIXES)
    (s002,) = [f for f in linter.lint_file(path) if f.code == "S002"]
    assert s002.fix is None


def test_fix_paths_fixes_every_prompt_under_a_directory(registry: Path, linter: Linter) -> None:
    broken = write(registry, "x.prompt.yaml", NEEDS_FIXES)
    clean = write(registry, "z.prompt.yaml", FIXED.replace("demo/x", "demo/z"))
    outcomes = fix_paths(linter, [registry / "registry"], unsafe=True)
    assert [(o.path, o.changed) for o in outcomes] == [(broken, True), (clean, False)]
    assert broken.read_text(encoding="utf-8") == FIXED


class DraftLinter(Linter):
    """The real rules, plus a throwaway rule whose fix is unsafe: draft -> review."""

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        findings = super().lint_file(path, data)
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        for number, line in enumerate(text.split("\n"), 1):
            if line == "status: draft":
                span = Span(Position(number, 9), Position(number, 14))
                fix = Fix("ask for review", (Edit(span.start, span.end, "review"),), "unsafe")
                findings.append(Finding(path, span, "Q999", "a draft", "draft", "info", fix))
        return sorted(findings)


def test_unsafe_fixes_wait_for_unsafe_true(registry: Path) -> None:
    linter = DraftLinter(load_config(registry / "promptreg.yaml"), SELECTION)
    path = write(registry, "x.prompt.yaml", NEEDS_FIXES)

    safe_only = fix_file(linter, path, unsafe=False)
    assert safe_only.fixed == {"S006": 1}
    assert [f.code for f in safe_only.remaining] == ["S002", "Q999"]
    assert path.read_text(encoding="utf-8") == MODELINE + "\n" + NEEDS_FIXES

    with_unsafe = fix_file(linter, path, unsafe=True)
    assert with_unsafe.fixed == {"S002": 1, "Q999": 1}
    assert with_unsafe.remaining == ()
    assert path.read_text(encoding="utf-8") == FIXED.replace("draft", "review")


class RestlessLinter(Linter):
    """A rule whose fix never settles: it always wants one more line at the end."""

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        end = Position(text.count("\n") + 1, 1)
        fix = Fix("append a comment", (Edit(end, end, "# more\n"),))
        return [Finding(path, Span(end, end), "Q998", "more", "more", "info", fix)]


def test_fixes_that_do_not_settle_stop_after_max_rounds(registry: Path) -> None:
    linter = RestlessLinter(load_config(registry / "promptreg.yaml"), SELECTION)
    path = write(registry, "x.prompt.yaml", FIXED)
    outcome = fix_file(linter, path, unsafe=False, max_rounds=3)
    assert outcome.fixed == {"Q998": 3}
    assert outcome.error is not None
    assert "did not settle after 3 rounds" in outcome.error
    assert path.read_text(encoding="utf-8") == FIXED + "# more\n" * 3
