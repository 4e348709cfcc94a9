"""`promptreg lint` on what a newcomer points it at first, and how it names files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import GOOD_PROMPT, cli, findings, write_prompt

# --- paths that name no prompt file are usage errors (exit 2) --------------------------


def test_folder_without_prompt_files(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    (project / "legacy").mkdir()
    (project / "legacy" / "notes.txt").write_text("nothing to lint\n")

    run = cli(capsys, "lint", "legacy")

    assert run.status == 2
    assert "All checks passed" not in run.out
    assert "no prompt files (*.prompt.yaml) in legacy" in run.err
    assert "promptreg new" in run.err


def test_folder_of_convertible_files_suggests_import(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    (project / "legacy" / "sub").mkdir(parents=True)
    (project / "legacy" / "sub" / "triage.prompty").write_text("---\nname: x\n---\nhi\n")

    run = cli(capsys, "lint", "legacy")

    assert run.status == 2
    assert "`promptreg import legacy/sub/triage.prompty` converts" in run.err


def test_missing_path(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)

    run = cli(capsys, "lint", "registry/nope")

    assert run.status == 2
    assert "registry/nope: no such file or directory" in run.err
    assert "F012" not in run.out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("triage.prompty", "---\nname: Triage\n---\nsystem:\nYou triage.\n"),
        ("prompts.py", 'PROMPT = "You triage tickets."\n'),
    ],
)
def test_file_of_another_format_is_refused_with_the_import_command(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
) -> None:
    monkeypatch.chdir(project)
    (project / name).write_text(text)

    run = cli(capsys, "lint", name)

    assert run.status == 2
    assert f"{name} is not a prompt file" in run.err
    assert f"`promptreg import {name}` converts" in run.err
    assert not findings(run.out)


def test_file_with_no_importer_gets_the_naming_rule(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    (project / "notes.txt").write_text("x\n")

    run = cli(capsys, "lint", "notes.txt")

    assert run.status == 2
    assert "notes.txt is not a prompt file" in run.err
    assert "<name>.prompt.yaml" in run.err


def test_configuration_file_is_still_linted(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    assert cli(capsys, "lint", "promptreg.yaml").status == 0


# --- paths in text and JSON are relative to the working directory ------------------------


def _broken(project: Path) -> Path:
    text = GOOD_PROMPT.replace("demo/NAME", "demo/echo").replace(
        "owner: support-platform", "owner: suport-platform"
    )
    return write_prompt(project, "demo/echo", text)


@pytest.mark.parametrize(
    ("where", "args", "expected"),
    [
        (".", [], "registry/demo/echo.prompt.yaml"),  # the default registry
        (".", ["registry"], "registry/demo/echo.prompt.yaml"),
        ("registry/demo", [], "echo.prompt.yaml"),  # promptreg.yaml found above
        ("..", ["--config", "project/promptreg.yaml"], "project/registry/demo/echo.prompt.yaml"),
        (
            "registry/demo",
            ["--config", "../../promptreg.yaml", "../../registry"],
            "echo.prompt.yaml",
        ),
    ],
)
def test_paths_are_relative_in_text_and_json(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    args: list[str],
    expected: str,
) -> None:
    _broken(project)
    monkeypatch.chdir(project / where)

    text = cli(capsys, "lint", *args)
    data = json.loads(cli(capsys, "lint", "--format", "json", *args).out)

    assert [f["path"] for f in findings(text.out)] == [expected]
    assert [f["path"] for f in data["findings"]] == [expected]


def test_paths_outside_the_working_directory_climb_with_dots(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken(project)
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")

    run = cli(capsys, "lint", "--config", "../promptreg.yaml")

    assert [f["path"] for f in findings(run.out)] == ["../registry/demo/echo.prompt.yaml"]
