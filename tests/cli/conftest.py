"""Fixtures of the command-line tests: temporary projects, the repository, a crash dir."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.cli.support import BREAKAGES, REPO, cli, write_prompt


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory with the repository's promptreg.yaml and an empty registry."""
    root = tmp_path / "project"
    (root / "registry").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    return root


@pytest.fixture
def broken_project(project: Path) -> Path:
    """`project` with one file per breakage."""
    for breakage in BREAKAGES:
        write_prompt(project, f"demo/{breakage.name}", breakage.text())
    return project


@pytest.fixture(autouse=True)
def crash_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the CLI would write a crash log: a private directory, not the shared /tmp."""
    directory = tmp_path_factory.mktemp("crash")
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def initialised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    root = tmp_path / "fresh"
    root.mkdir()
    monkeypatch.chdir(root)
    assert cli(capsys, "init").status == 0
    return root
