"""Class: the eval caches' SQLite files, committed as links.

A pull request can commit `.promptreg/cache/evals.sqlite` (or its `-wal`, `-shm`
journals, or the cache folder itself) as a symbolic link. SQLite follows links and
creates the file at the target, so a run would write outside the working tree. The
caches refuse to open through a link and the run goes on without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.evals.cache import CACHE_NAME, ResponseCache
from promptreg.evals.parsed import ParseCache


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "work" / ".promptreg" / "cache"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("name", [CACHE_NAME, f"{CACHE_NAME}-wal", f"{CACHE_NAME}-shm"])
def test_a_linked_database_or_journal_is_not_written_through(
    cache_dir: Path, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "outside" / "planted"
    target.parent.mkdir()
    (cache_dir / name).symlink_to(target)  # dangling: SQLite would create it

    responses = ResponseCache(cache_dir)
    assert not responses.enabled
    assert responses.problem is not None and "symbolic link" in responses.problem
    responses.close()
    ParseCache(cache_dir).close()
    assert not target.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == []


def test_a_linked_cache_folder_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    promptreg_dir = tmp_path / "work" / ".promptreg"
    promptreg_dir.mkdir(parents=True)
    (promptreg_dir / "cache").symlink_to(outside, target_is_directory=True)

    responses = ResponseCache(promptreg_dir / "cache")
    assert not responses.enabled
    responses.close()
    ParseCache(promptreg_dir / "cache").close()
    assert list(outside.iterdir()) == []


def test_an_ordinary_folder_still_gets_its_cache(cache_dir: Path) -> None:
    responses = ResponseCache(cache_dir)
    assert responses.enabled, responses.problem
    responses.close()
    assert (cache_dir / CACHE_NAME).is_file()
    assert (cache_dir / ".gitignore").is_file()
