"""Class: cache files that are truncated, empty, hostile or not files at all.

The lint caches (the result shards under `.promptreg/cache/lint/`, templates.json,
tokens.json and lint-memo.json) are written without fsync, so a crash can leave one
empty or cut short, and a pull request can commit any of them, as a file or as a link
(git commits links). Whatever stands there must read as a miss: the run reports what a
run without the cache reports (here the K001 finding the contract prompt has), never
a traceback, and never waits. A link to `/dev/zero` was read to its end (MemoryError)
and a FIFO waited forever; both are misses now.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gitrepo import REPO, GitRepo

CONTRACT = "registry/legal/contract-summary.prompt.yaml"
"""A prompt whose token budget is exceeded (K001) only when its messages are counted."""
LINT = ("lint", CONTRACT, "--format", "json")
FILES = ("lint/*.json", "templates.json", "tokens.json", "lint-memo.json")


def _promptreg(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), NO_COLOR="1")
    process = subprocess.run(
        [sys.executable, "-m", "promptreg", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # a run that waits on a FIFO fails here
        check=False,
    )
    assert "Traceback" not in process.stderr, process.stderr
    assert "internal error" not in process.stderr, process.stderr
    return process


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    made = git_repo("registry-repo", registry=True)
    shutil.copy(
        REPO / "tests" / "fixtures" / "rules" / "K001" / "bad.prompt.yaml", made.root / CONTRACT
    )
    made.commit("registry")
    return made


def _cache_files(root: Path, pattern: str) -> list[Path]:
    found = sorted((root / ".promptreg" / "cache").glob(pattern))
    assert found, f"no {pattern} was written"
    return found


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _seal_only(path: Path) -> None:
    path.write_bytes(path.read_bytes().partition(b"\n")[0] + b"\n")


def _garbage(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00" * 100 + b"\n{]")


def _zero_link(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE = {
    "empty": _empty,
    "truncated": _truncated,
    "the seal line only": _seal_only,
    "not UTF-8": _garbage,
    "a link to /dev/zero": _zero_link,
    "a FIFO": _fifo,
    "a folder": _folder,
}


@pytest.mark.parametrize("pattern", FILES)
@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_cache_file_is_a_miss(
    repo: GitRepo, tmp_path: Path, pattern: str, damage: str
) -> None:
    home = tmp_path / "home"
    uncached = _promptreg(repo.root, home, *LINT, "--no-cache")
    assert uncached.returncode == 1 and '"K001"' in uncached.stdout
    _promptreg(repo.root, home, *LINT)  # writes every cache
    for path in _cache_files(repo.root, pattern):
        DAMAGE[damage](path)
    damaged = _promptreg(repo.root, home, *LINT)
    assert (damaged.returncode, damaged.stdout) == (uncached.returncode, uncached.stdout)
    again = _promptreg(repo.root, home, *LINT)  # and the cache written again is right
    assert (again.returncode, again.stdout) == (uncached.returncode, uncached.stdout)


def test_committed_links_to_dev_zero_are_misses_in_a_fresh_clone(
    repo: GitRepo, tmp_path: Path
) -> None:
    cache = repo.root / ".promptreg" / "cache"
    (cache / "lint").mkdir(parents=True)
    for name in ("templates.json", "tokens.json", "lint-memo.json", "history.json"):
        (cache / name).symlink_to("/dev/zero")
    for number in range(64):
        (cache / "lint" / f"{number:02d}.json").symlink_to("/dev/zero")
    repo.git("add", "-f", ".promptreg/cache")
    repo.git("commit", "-q", "-m", "caches")
    victim = tmp_path / "victim"
    repo.git("clone", "-q", str(repo.root), str(victim))
    assert (victim / ".promptreg" / "cache" / "tokens.json").is_symlink()
    home = tmp_path / "alice"
    uncached = _promptreg(victim, home, *LINT, "--no-cache")
    cloned = _promptreg(victim, home, *LINT)
    assert (cloned.returncode, cloned.stdout) == (uncached.returncode, uncached.stdout)
    assert cloned.returncode == 1 and '"K001"' in cloned.stdout
    history = _promptreg(victim, home, "history", "support/summarize-ticket", "--format", "json")
    assert history.returncode == 0, history.stderr
    written = [path for path in (victim / ".promptreg" / "cache").rglob("*") if path.is_file()]
    assert written and not any(path.is_symlink() for path in written)
    # Each replaced link is a file of its own mode, not the world-writable one of /dev/zero.
    assert {oct(path.stat().st_mode & 0o777) for path in written} <= {"0o644", "0o600"}


def test_a_shard_under_another_shards_name_is_a_miss(repo: GitRepo, tmp_path: Path) -> None:
    """Sealed on this machine, but for its own name: copied over another shard (which
    would then answer for files of that shard) it fails the seal."""
    home = tmp_path / "home"
    uncached = _promptreg(repo.root, home, *LINT, "--no-cache")
    _promptreg(repo.root, home, "lint", "--format", "json")  # every file, every shard
    shards = _cache_files(repo.root, "lint/*.json")
    assert len(shards) > 1
    for index, shard in enumerate(shards):
        shutil.copy(shards[(index + 1) % len(shards)], shard.with_suffix(".tmp"))
    for shard in shards:
        shard.with_suffix(".tmp").replace(shard)
    (repo.root / ".promptreg" / "cache" / "lint-memo.json").unlink()
    moved = _promptreg(repo.root, home, *LINT)
    assert (moved.returncode, moved.stdout) == (uncached.returncode, uncached.stdout)


@pytest.mark.parametrize("linked", [".promptreg/cache", ".promptreg/cache/lint"])
def test_a_committed_cache_folder_link_writes_nothing_outside_the_tree(
    repo: GitRepo, tmp_path: Path, linked: str
) -> None:
    """`.promptreg/cache` (or its `lint` folder) committed as a link to a folder outside
    the working tree: files there of a cache's name are neither replaced nor added."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tokens.json").write_text("the owner's file\n", encoding="utf-8")
    (outside / "00.json").write_text("the owner's file\n", encoding="utf-8")
    link = repo.root / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(outside, link.parent), target_is_directory=True)
    repo.git("add", "-f", ".promptreg")
    repo.git("commit", "-q", "-m", "a cache folder")
    before = {path.name: path.read_bytes() for path in outside.iterdir()}
    home = tmp_path / "home"
    uncached = _promptreg(repo.root, home, *LINT, "--no-cache")
    for _ in range(2):
        cached = _promptreg(repo.root, home, *LINT)
        assert (cached.returncode, cached.stdout) == (uncached.returncode, uncached.stdout)
    assert {path.name: path.read_bytes() for path in outside.iterdir()} == before
