"""Fixtures every test folder shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo, Who, make_git_repo


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """promptreg's own git calls read no user or system configuration."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


@pytest.fixture
def git_repo(tmp_path: Path, isolated_home: Path) -> Callable[..., GitRepo]:
    """A factory: `git_repo()` is an initialised repository with promptreg.yaml in it;
    `git_repo(registry=True)` also holds the embedded registry (uncommitted)."""

    def make(name: str = "repo", *, identity: Who | None = None, **options: bool) -> GitRepo:
        kwargs = {"identity": identity} if identity else {}
        return make_git_repo(tmp_path / name, isolated_home, **options, **kwargs)

    return make
