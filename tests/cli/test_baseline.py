"""`lint --write-baseline FILE` and `lint --baseline FILE`: adopting on legacy prompts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import GOOD_PROMPT, cli, findings, write_prompt

BASELINE = "promptreg-baseline.json"
BAD_OWNER = ("owner: support-platform", "owner: suport-platform")  # S004
BAD_MODEL = ("  name: gpt-4o-mini", "  name: gpt-5-ultra")  # S005


def _prompt(project: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = GOOD_PROMPT.replace("demo/NAME", f"demo/{name}")
    for old, new in edits:
        text = text.replace(old, new, 1)
    return write_prompt(project, f"demo/{name}", text)


@pytest.fixture
def legacy(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two prompts with a finding each, before adoption."""
    monkeypatch.chdir(project)
    _prompt(project, "one", BAD_OWNER)
    _prompt(project, "two", BAD_MODEL)
    return project


def test_write_then_lint_against_the_baseline_is_clean(
    legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = cli(capsys, "lint", "--write-baseline", BASELINE)

    assert written.status == 0
    assert "wrote 2 findings" in written.err
    data = json.loads((legacy / BASELINE).read_text())
    assert data["version"] == 1
    assert [(e["path"], e["code"]) for e in data["findings"]] == [
        ("registry/demo/one.prompt.yaml", "S004"),
        ("registry/demo/two.prompt.yaml", "S005"),
    ]

    run = cli(capsys, "lint", "--baseline", BASELINE)

    assert run.status == 0, run.out
    assert findings(run.out) == []
    assert "2 known finding(s)" in run.err


def test_only_new_findings_are_reported(legacy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "lint", "--write-baseline", BASELINE)
    _prompt(legacy, "one", BAD_OWNER, BAD_MODEL)  # a second finding in a known file
    _prompt(legacy, "three", BAD_OWNER)  # a new file

    run = cli(capsys, "lint", "--baseline", BASELINE)

    assert run.status == 1
    assert sorted((f["path"], f["code"]) for f in findings(run.out)) == [
        ("registry/demo/one.prompt.yaml", "S005"),
        ("registry/demo/three.prompt.yaml", "S004"),
    ]


def test_a_known_finding_that_moves_stays_known(
    legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "lint", "--write-baseline", BASELINE)
    _prompt(legacy, "one", BAD_OWNER, ("title: Echo a word\n", "title: Echo a word\n\n\n"))

    assert cli(capsys, "lint", "--baseline", BASELINE).status == 0


def test_fixed_findings_are_reported_as_stale_entries(
    legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "lint", "--write-baseline", BASELINE)
    _prompt(legacy, "one")  # fixed

    run = cli(capsys, "lint", "--baseline", BASELINE)

    assert run.status == 0
    assert f"1 entry of {BASELINE} matches no finding any more" in run.err
    assert "registry/demo/one.prompt.yaml: S004 owner 'suport-platform'" in run.err


def test_entries_of_files_not_linted_are_not_stale(
    legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "lint", "--write-baseline", BASELINE)

    run = cli(capsys, "lint", "--baseline", BASELINE, "registry/demo/two.prompt.yaml")

    assert run.status == 0
    assert "no finding any more" not in run.err  # one.prompt.yaml was not linted


def test_the_same_finding_twice_is_counted(tmp_path: Path) -> None:
    from promptreg.core.location import Span
    from promptreg.lint.finding import Finding
    from promptreg.lint.known import filter_known, read_baseline, write_baseline

    path = tmp_path / "registry" / "a.prompt.yaml"
    twice = [Finding(path, Span.at(line, 1), "T005", "unfenced", "x") for line in (3, 9)]
    write_baseline(tmp_path / BASELINE, twice[:1], tmp_path)
    known = read_baseline(tmp_path / BASELINE)

    result = filter_known(twice, known, [path], tmp_path)

    assert (len(result.findings), result.known, result.stale) == (1, 1, ())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such baseline file"),
        ("{not json", "not a readable baseline file"),
        ('{"version": 9, "findings": []}', "not a promptreg baseline"),
        ('{"version": 1, "findings": [{"path": 1}]}', "findings[0] needs path"),
    ],
)
def test_a_bad_baseline_file_is_a_usage_error(
    legacy: Path, capsys: pytest.CaptureFixture[str], text: str | None, message: str
) -> None:
    if text is not None:
        (legacy / BASELINE).write_text(text)

    run = cli(capsys, "lint", "--baseline", BASELINE)

    assert run.status == 2
    assert f"{BASELINE}: {message}" in run.err
