"""`promptreg lint`: the embedded registry, and findings' place, code, format and selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import (
    BREAKAGES,
    GOOD_PROMPT,
    REPO_IDS,
    REPO_REGISTRY,
    Breakage,
    cli,
    findings,
    locate,
    write_prompt,
)

# --- lint on the embedded registry -------------------------------------------------------


def test_lint_embedded_registry_passes(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "lint")

    assert run.status == 0
    assert run.out == f"All checks passed ({len(REPO_IDS)} files).\n"
    assert run.err == ""


def test_lint_embedded_registry_as_json(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "lint", "--format", "json")

    assert run.status == 0
    report = json.loads(run.out)
    assert report["version"] == 1
    assert report["files_checked"] == len(REPO_IDS) >= 15
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert report["findings"] == []


def test_lint_finds_the_config_from_a_subdirectory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_REGISTRY / "support")

    run = cli(capsys, "lint")

    assert run.status == 0
    assert f"({len(REPO_IDS)} files)" in run.out


# --- lint findings: place, code, format, selection ------------------------------------


def test_the_unbroken_prompt_lints_clean(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_prompt(project, "demo/good", GOOD_PROMPT.replace("demo/NAME", "demo/good"))
    monkeypatch.chdir(project)

    run = cli(capsys, "lint")

    assert run.status == 0, run.out
    assert run.out == "All checks passed (1 file).\n"


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.code for b in BREAKAGES])
def test_lint_reports_the_exact_place(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breakage: Breakage,
) -> None:
    path = write_prompt(project, f"demo/{breakage.name}", breakage.text()).relative_to(project)
    monkeypatch.chdir(project)
    line, column = breakage.expected_position()

    text = cli(capsys, "lint")

    assert text.status == 1
    [finding] = findings(text.out)
    assert (finding["path"], finding["line"], finding["column"]) == (str(path), line, column)
    assert (finding["code"], finding["severity"]) == (breakage.code, "error")
    assert f"{path}:{line}:{column}: {breakage.code} [error] " in text.out
    assert breakage.message in text.out
    assert text.out.endswith("Found 1 finding (1 error) in 1 file.\n")

    as_json = cli(capsys, "lint", "--format", "json")

    assert as_json.status == 1
    report = json.loads(as_json.out)
    assert report["files_checked"] == 1
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0}
    [entry] = report["findings"]
    assert (entry["path"], entry["line"], entry["column"]) == (path.as_posix(), line, column)
    assert (entry["code"], entry["severity"]) == (breakage.code, "error")
    assert breakage.message in entry["message"]


def test_lint_t001_line_in_a_folded_block_scalar(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD_PROMPT.replace("demo/NAME", "demo/folded").replace(
        "    content: |\n      You repeat words.\n      Repeat the word exactly once.\n",
        "    content: >\n      You repeat words\n      politely.\n\n"
        "      Repeat the word {{ word ) }} once.\n",
    )
    path = write_prompt(project, "demo/folded", text).relative_to(project)
    monkeypatch.chdir(project)
    line, _ = locate(text, "{{ word ) }}")

    run = cli(capsys, "lint")

    assert run.status == 1
    assert f"{path}:{line}:1: T001 [error] " in run.out


def test_text_and_json_report_the_same_findings(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    text = cli(capsys, "lint")
    as_json = cli(capsys, "lint", "--format", "json")

    assert text.status == as_json.status == 1
    from_text = [(f["path"], f["line"], f["column"], f["code"]) for f in findings(text.out)]
    report = json.loads(as_json.out)
    from_json = [(f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]]
    assert from_text == from_json
    assert sorted(code for *_, code in from_text) == sorted(b.code for b in BREAKAGES)
    assert report["files_checked"] == len(BREAKAGES)
    n = len(BREAKAGES)
    assert text.out.endswith(f"Found {n} findings ({n} errors) in {n} files.\n")


@pytest.mark.parametrize("selector", ["S004", "unknown-owner"])
def test_lint_select_limits_the_rules(
    broken_project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    selector: str,
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--select", selector)

    assert run.status == 1
    assert [f["code"] for f in findings(run.out)] == ["S004"]


def test_lint_ignore_drops_a_family(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--ignore", "S")

    assert run.status == 1
    assert sorted(f["code"] for f in findings(run.out)) == ["F001", "T001", "T002"]


def test_lint_exit_zero_still_reports(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--exit-zero")

    assert run.status == 0
    assert len(findings(run.out)) == len(BREAKAGES)


def test_lint_unknown_selector_is_a_usage_error(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--select", "Z9")

    assert run.status == 2
    assert "'Z9'" in run.err
    assert "matches no rule" in run.err
    assert run.out == ""
