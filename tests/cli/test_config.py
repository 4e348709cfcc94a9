"""Configuration errors: no promptreg.yaml, invalid values at their place, --config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import REPO, REPO_IDS, SUMMARIZE, cli, locate


@pytest.mark.parametrize(
    "args",
    [
        ["lint"],
        ["list"],
        ["show", SUMMARIZE],
        ["render", SUMMARIZE],
        ["new", "ops/triage", "--tier", "1"],
    ],
    ids=lambda args: args[0],
)
def test_no_config_anywhere_is_a_config_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    here = tmp_path.resolve()
    assert not any((d / "promptreg.yaml").exists() for d in (here, *here.parents))
    monkeypatch.chdir(here)

    run = cli(capsys, *args)

    assert run.status == 2
    assert "no promptreg.yaml found" in run.err
    assert "promptreg init" in run.err
    assert run.out == ""
    assert list(here.iterdir()) == []


def test_invalid_config_value_is_reported_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "promptreg.yaml"
    config.write_text("registry: registry\nowners: 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "lint")

    assert run.status == 2
    assert f"{config.resolve()}:2:9: invalid configuration" in run.err
    assert "owners" in run.err


def test_tier_group_missing_from_reviewers_is_reported_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO / "promptreg.yaml").read_text(encoding="utf-8")
    assert "groups: [compliance]" in text
    text = text.replace("groups: [compliance]", "groups: [auditors]")
    config = tmp_path / "promptreg.yaml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line, column = locate(text, "[auditors]")

    run = cli(capsys, "list")

    assert run.status == 2
    assert f"{config.resolve()}:{line}:{column}: " in run.err
    assert "'auditors'" in run.err
    assert "reviewers" in run.err


def test_config_option_works_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    config = str(REPO / "promptreg.yaml")

    lint = cli(capsys, "lint", "--config", config)
    listing = cli(capsys, "list", "--config", config, "--format", "json")

    assert lint.status == 0
    assert f"All checks passed ({len(REPO_IDS)} files)." in lint.out
    assert listing.status == 0
    assert [entry["id"] for entry in json.loads(listing.out)] == REPO_IDS


def test_config_option_naming_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "lint", "--config", str(tmp_path / "elsewhere.yaml"))

    assert run.status == 2
    assert "elsewhere.yaml does not exist" in run.err
