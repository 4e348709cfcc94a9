"""`promptreg init`: the scaffold, and refusing to overwrite anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.core.config import load_config
from tests.cli.support import INIT_FILES, REPO, cli, modeline_target, snapshot


def test_init_creates_the_scaffold_and_it_lints_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init")

    assert run.status == 0
    assert sorted(snapshot(tmp_path)) == sorted(INIT_FILES)
    for name in INIT_FILES:
        assert f"created {name}\n" in run.out
    for schema in ("prompt.schema.json", "promptreg.schema.json"):
        copied = tmp_path / ".promptreg" / "schemas" / schema
        assert copied.read_bytes() == (REPO / "schemas" / schema).read_bytes()
    assert load_config(tmp_path / "promptreg.yaml").owners == ("my-team",)

    lint = cli(capsys, "lint")
    assert lint.status == 0
    assert "All checks passed (1 file)." in lint.out


def test_init_example_modeline_points_at_the_copied_schema(initialised: Path) -> None:
    example = initialised / "registry" / "examples" / "summarize-notes.prompt.yaml"

    assert modeline_target(example) == initialised / ".promptreg/schemas/prompt.schema.json"


def test_second_init_refuses_and_changes_nothing(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(initialised)

    run = cli(capsys, "init")

    assert run.status == 2
    assert "refusing to overwrite" in run.err
    for name in INIT_FILES:
        if name != ".pre-commit-config.yaml":  # an existing one is kept, never refused
            assert name in run.err
    assert run.out == ""
    assert snapshot(initialised) == before


def test_init_writes_nothing_when_any_one_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "promptreg.yaml").write_text("owners: [a]\n", encoding="utf-8")
    before = snapshot(tmp_path)

    run = cli(capsys, "init")

    assert run.status == 2
    assert "refusing to overwrite existing files: promptreg.yaml\n" in run.err
    assert snapshot(tmp_path) == before


def test_init_keeps_an_existing_pre_commit_config_and_prints_the_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text("repos: []\n", encoding="utf-8")

    run = cli(capsys, "init")

    assert run.status == 0
    assert config.read_text(encoding="utf-8") == "repos: []\n"
    assert "left alone; add this under repos:" in run.out
    assert "- id: promptreg-lint" in run.out
    assert (tmp_path / "promptreg.yaml").is_file()


def test_init_with_owner_and_registry_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init", "--owner", "legal-ops", "--registry", "prompts")

    assert run.status == 0
    settings = load_config(tmp_path / "promptreg.yaml")
    assert settings.owners == ("legal-ops",)
    assert settings.registry_dir == tmp_path / "prompts"
    example = tmp_path / "prompts" / "examples" / "summarize-notes.prompt.yaml"
    assert "owner: legal-ops\n" in example.read_text(encoding="utf-8")
    assert "id: promptreg-lint" in (tmp_path / ".pre-commit-config.yaml").read_text(
        encoding="utf-8"
    )
    assert cli(capsys, "lint").status == 0


def test_init_rejects_a_bad_owner_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init", "--owner", "Legal Ops")

    assert run.status == 2
    assert "'Legal Ops'" in run.err
    assert list(tmp_path.iterdir()) == []
