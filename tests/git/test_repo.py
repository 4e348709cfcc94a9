"""The Repository a caller owns: found once, a snapshot until refreshed, safe to share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import promptreg.git.gitio
from promptreg.git.gitio import GitError
from promptreg.git.log import Commit
from promptreg.git.repo import Repository
from tests.gitrepo import GitRepo

FILE = "registry/demo/a.prompt.yaml"


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    repo = git_repo()
    repo.write(FILE, "id: demo/a\n")
    repo.commit("first")
    return repo


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = promptreg.git.gitio.git

    def counting(args: Any, cwd: Path, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(promptreg.git.gitio, "git", counting)
    return calls


def test_found_from_any_path_inside_and_not_outside(repo: GitRepo, tmp_path: Path) -> None:
    found = Repository.find(repo.root / FILE)
    assert found.root == repo.root.resolve()
    assert found.relative(repo.root / FILE) == FILE
    assert found.relative(tmp_path / "elsewhere") is None
    outside = tmp_path / "plain"
    outside.mkdir()
    assert Repository.at(outside) is None
    with pytest.raises(GitError, match="not inside a git repository") as caught:
        Repository.find(outside)
    assert caught.value.hint


def test_no_git_process_where_no_git_entry_stands_above(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside every repository the answer comes without starting git; inside one (a
    `.git` folder, or a `.git` file as a linked work tree has) git is still asked."""
    started: list[object] = []
    real = promptreg.git.gitio.subprocess.run

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(promptreg.git.gitio.subprocess, "run", recording)
    outside = tmp_path / "plain" / "deeper"
    outside.mkdir(parents=True)
    assert Repository.at(outside) is None
    assert started == []
    assert Repository.at(repo.root / "registry") is not None
    assert len(started) == 1
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".git").write_text(f"gitdir: {repo.root / '.git'}\n")
    assert Repository.at(linked) is not None  # git decides what a `.git` file points at
    assert len(started) == 2


def test_what_it_reads_is_read_once(repo: GitRepo, git_calls: list[list[str]]) -> None:
    found = Repository.find(repo.root)
    git_calls.clear()
    assert found.head == repo.git("rev-parse", "HEAD")
    assert found.shallow is False
    log = found.log(FILE, "versions")
    assert found.head and found.shallow is False and found.log(FILE, "versions") is log
    assert len(git_calls) == 3  # HEAD, shallowness, the log: each asked once


def test_a_snapshot_until_refreshed_and_a_new_one_sees_everything(repo: GitRepo) -> None:
    found = Repository.find(repo.root)
    head, log = found.head, found.log(FILE, "versions")
    repo.write(FILE, "id: demo/a\nversion: 1.0.0\n")
    second = repo.commit("second")
    assert (found.head, found.log(FILE, "versions")) == (head, log)
    assert Repository.find(repo.root).head == second
    found.refresh()
    assert found.head == second
    assert [c.id for c in found.log(FILE, "versions")] == [second, head]


def test_before_the_first_commit(git_repo: Callable[..., GitRepo]) -> None:
    found = Repository.find(git_repo().root)
    assert found.head == ""
    assert found.log(FILE, "provenance") == ()


def test_memo_keeps_the_first_answer_per_key(repo: GitRepo) -> None:
    found = Repository.find(repo.root)
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [len(made)]

    first = found.memo(("test", 1), make)
    assert found.memo(("test", 1), make) is first
    assert found.memo(("test", 2), make) == [2]
    found.refresh()
    assert found.memo(("test", 1), make) == [3]


def test_threads_sharing_one_repository_get_one_answer(repo: GitRepo) -> None:
    found = Repository.find(repo.root)
    results: list[tuple[str, tuple[Commit, ...], bool]] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        results.append((found.head, found.log(FILE, "versions"), found.shallow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(result == results[0] for result in results)
    assert all(result[1] is found.log(FILE, "versions") for result in results)


def test_a_failing_log_is_an_error_naming_git(repo: GitRepo) -> None:
    found = Repository.find(repo.root)
    (repo.root / ".git" / "HEAD").write_text("ref: refs/heads/\n", encoding="utf-8")
    with pytest.raises(GitError, match="git log failed"):
        found.log(FILE, "versions")


def test_identity_is_the_repositorys_user_email(repo: GitRepo) -> None:
    found = Repository.find(repo.root)
    assert found.identity() == ""
    repo.git("config", "user.email", "mei@example.com")
    assert found.identity() == "mei@example.com"
