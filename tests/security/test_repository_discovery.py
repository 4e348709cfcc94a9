"""Class: the repository found is the one git would find, and only that one.

Discovery skips git when no `.git` entry stands above the start folder (the folder of
promptreg.yaml, or the working directory). Git looks above the folder's real path, so
a registry reached through a link (`--config /srv/link/promptreg.yaml`) is in the
repository of the link's target: judged by the link's own parents, the repository
was missed and `history` said "not inside a git repository". The other direction holds:
GIT_DIR and GIT_WORK_TREE in the environment (a hook's) never pick the repository, and
a `.git` planted in the registry (git refuses to commit one; a bare-looking folder is
refused) does not move it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.git import gitio
from promptreg.git.repo import Repository
from tests.gitrepo import GitRepo

PROMPT_ID = "support/summarize-ticket"
HISTORY = (
    sys.executable,
    "-m",
    "promptreg",
    "history",
    PROMPT_ID,
    "--format",
    "json",
    "--no-cache",
)


def _history(config: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    scrubbed = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        [*HISTORY, "--config", str(config)],
        cwd=cwd,
        env={**scrubbed, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def committed(git_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = git_repo(registry=True)
    repo.commit("registry")
    return repo


def test_a_registry_reached_through_a_link_is_in_its_targets_repository(
    committed: GitRepo, tmp_path: Path
) -> None:
    """The registry of a team lives in a folder of a larger repository, and is reached
    through a link outside it: no `.git` stands above the link, one stands above its
    target."""
    team = committed.root / "team"
    team.mkdir()
    shutil.copy(committed.root / "promptreg.yaml", team / "promptreg.yaml")
    shutil.copytree(committed.root / "registry", team / "registry")
    committed.commit("the team's registry")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    link = outside / "team-link"
    link.symlink_to(team, target_is_directory=True)
    assert not any(os.path.lexists(p / ".git") for p in (link, *link.parents))

    assert gitio.repo_root(link) == committed.root.resolve()
    found = Repository.at(link / "registry")
    assert found is not None and found.root == committed.root.resolve()
    shown = _history(link / "promptreg.yaml", outside)
    assert shown.returncode == 0, shown.stderr
    revisions = json.loads(shown.stdout)["revisions"]  # read through the link
    assert revisions[0]["commit"] == committed.git("rev-parse", "HEAD").strip()


def test_git_variables_in_the_environment_choose_no_repository(
    committed: GitRepo,
    git_repo: Callable[..., GitRepo],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = git_repo("other")
    outside = tmp_path / "no-repository"
    outside.mkdir()
    for name, value in {
        "GIT_DIR": str(other.root / ".git"),
        "GIT_WORK_TREE": str(other.root),
        "GIT_CEILING_DIRECTORIES": str(committed.root.parent),
    }.items():
        monkeypatch.setenv(name, value)
    assert gitio.repo_root(committed.root / "registry") == committed.root.resolve()
    with pytest.raises(gitio.GitError, match="not inside a git repository"):
        gitio.repo_root(outside)  # as git with a scrubbed environment: nothing there


def test_a_git_entry_planted_in_the_registry_moves_nothing(
    committed: GitRepo, git_repo: Callable[..., GitRepo]
) -> None:
    other = git_repo("planted-target")
    namespace = committed.root / "registry" / "support"
    # git itself refuses to commit a path named .git, in any folder
    refused = subprocess.run(
        ["git", "-C", str(other.root), "add", "x/.git"], capture_output=True, check=False
    )
    (namespace / ".git").write_text(f"gitdir: {other.root / '.git'}\n", encoding="utf-8")
    found = Repository.at(committed.root)
    assert found is not None and found.root == committed.root.resolve()
    shown = _history(committed.root / "promptreg.yaml", committed.root)
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)["revisions"]) == 1
    assert refused.returncode != 0
