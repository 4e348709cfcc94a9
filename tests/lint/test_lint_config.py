"""Selection, per-file ignores, severities, the failing severity and suppressions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.errors import UsageError
from promptreg.lint import catalogue
from promptreg.lint.select import Selection

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"

SELECTION_TABLE = [
    # select, ignore, extend_select, code, enabled?
    (["ALL"], [], [], "T003", True),
    (["ALL"], ["T"], [], "T003", False),
    (["ALL"], ["T003"], [], "T003", False),
    (["ALL"], ["T003"], [], "T002", True),
    (["T"], [], [], "S001", False),
    (["T"], ["T0"], [], "T003", False),
    (["T"], ["T0"], ["T003"], "T003", True),
    (["T"], ["T0"], ["T003"], "T002", False),
    (["T00"], ["T"], [], "T001", True),
    (["S"], [], [], "S004", True),
    (["S004"], [], [], "S005", False),
    (["unknown-owner"], [], [], "S004", True),
    (["ALL"], ["unknown-owner"], [], "S004", False),
    (["ALL"], ["unknown-owner"], [], "S005", True),
    (["X1"], [], [], "X101", True),
    (["X1"], [], [], "X001", False),
    (["Q"], ["Q01"], [], "Q010", False),
    (["Q"], ["Q01"], [], "Q009", True),
    (["G", "V"], ["G00"], ["G001"], "G001", True),
    (["G", "V"], ["G00"], ["G001"], "G002", False),
]


@pytest.mark.parametrize(("select", "ignore", "extend", "code", "enabled"), SELECTION_TABLE)
def test_selection_most_specific_selector_wins(
    select: list[str], ignore: list[str], extend: list[str], code: str, enabled: bool
) -> None:
    assert (code in Selection.build(select, ignore, extend)) is enabled


def test_unknown_selector_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="matches no rule"):
        Selection.build(["Z9"])


def test_retired_codes_redirect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(catalogue.REDIRECTS, "S099", "S004")
    monkeypatch.setitem(catalogue.REDIRECTS, "owner-not-listed", "S004")
    assert catalogue.lookup("S099").code == "S004"
    assert catalogue.lookup("owner-not-listed").name == "unknown-owner"
    assert "S004" in Selection.build(["S099"])


BAD_OWNER = (FIXTURES / "S004" / "bad.prompt.yaml").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(FIXTURES / "promptreg.yaml", tmp_path / "promptreg.yaml")
    (tmp_path / "prompts" / "team").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _configure(project: Path, lint_block: str) -> None:
    config = project / "promptreg.yaml"
    text = config.read_text(encoding="utf-8").replace("lint:\n", f"lint:\n{lint_block}", 1)
    config.write_text(text, encoding="utf-8")


def _lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["lint", "--no-cache", "--select", "S004", *args])
    return status, capsys.readouterr().out


def test_per_file_ignores_match_globs_relative_to_the_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "prompts" / "team" / "a.prompt.yaml").write_text(BAD_OWNER, encoding="utf-8")
    (project / "b.prompt.yaml").write_text(BAD_OWNER, encoding="utf-8")
    _configure(project, '  per_file_ignores:\n    "prompts/*": [S004]\n')
    status, out = _lint(capsys, "prompts", "b.prompt.yaml")
    assert status == 1
    assert "b.prompt.yaml" in out and "a.prompt.yaml" not in out


def test_severity_override_and_failing_severity(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "a.prompt.yaml").write_text(BAD_OWNER, encoding="utf-8")
    _configure(project, "  severity: {S004: warning}\n")
    status, out = _lint(capsys, "a.prompt.yaml")
    assert status == 0
    assert "S004 [warning]" in out
    _configure(project, "  fail_on: warning\n")
    status, _ = _lint(capsys, "a.prompt.yaml")
    assert status == 1


def test_inline_and_file_level_suppressions(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inline = BAD_OWNER.replace(
        "owner: suport-platform", "owner: suport-platform  # promptreg: ignore[S004] renamed"
    )
    assert inline != BAD_OWNER
    (project / "a.prompt.yaml").write_text(inline, encoding="utf-8")
    status, out = _lint(capsys, "a.prompt.yaml")
    assert (status, out.strip().splitlines()[-1]) == (0, "All checks passed (1 file).")

    by_name = BAD_OWNER + "lint:\n  ignore:\n    - {rule: unknown-owner, reason: renamed}\n"
    (project / "a.prompt.yaml").write_text(by_name, encoding="utf-8")
    status, out = _lint(capsys, "a.prompt.yaml")
    assert status == 0

    status = main(["lint", "--no-cache", "--select", "S004,G010", "a.prompt.yaml"])
    out = capsys.readouterr().out
    assert status == 0  # used, so G010 stays quiet
    (project / "a.prompt.yaml").write_text(
        by_name.replace("suport-platform", "support-platform"), encoding="utf-8"
    )
    status = main(["lint", "--no-cache", "--select", "S004,G010", "a.prompt.yaml"])
    out = capsys.readouterr().out
    assert "G010" in out and "suppresses no S004 finding" in out
