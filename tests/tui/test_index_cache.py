"""The index's cache: a file whose stat is unchanged is not read again; a file written
moments ago, or changed under the same modification time, is."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import promptreg.tui.index
from promptreg.core.config import load_config
from promptreg.tui.index import PromptIndex, Row
from tests.tui.conftest import write_demo

_OPENED: list[str] | None = None
"""Paths opened while a test watches (None: nobody watches)."""


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], str | Path):
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)  # an audit hook cannot be removed; it records only when asked


@pytest.fixture
def opened() -> Iterator[list[str]]:
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


SHORT_TRUST_NS = 200_000_000
"""The trust window these tests run under (patched in), so that aging a file is a short
wait: setting its times moves its change time to now, which nobody can set back."""


@pytest.fixture(autouse=True)
def short_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(promptreg.tui.index, "STAT_TRUST_NS", SHORT_TRUST_NS)


def _aged(root: Path, seconds: float = 60.0) -> None:
    """Every prompt file last modified `seconds` ago, and its last change (the change
    time that setting the modification time moves to now) older than the window."""
    then = time.time() - seconds
    for path in (root / "registry").rglob("*.prompt.yaml"):
        os.utime(path, (then, then))
    time.sleep(SHORT_TRUST_NS / 1e9 + 0.05)


def _fill(root: Path) -> dict[str, Row]:
    index = PromptIndex(load_config(root / "promptreg.yaml"))
    found: dict[str, Row] = {}
    index.fill(index.rows(), lambda batch: found.update((r.id, r) for r in batch))
    return found


def _prompt_reads(paths: list[str]) -> list[str]:
    return [p for p in paths if p.endswith(".prompt.yaml")]


def test_an_unchanged_file_is_not_read_at_the_next_start(tmp_path: Path, opened: list[str]) -> None:
    root = write_demo(tmp_path / "demo", names=("one", "two", "three"))
    _aged(root)
    first = _fill(root)
    assert len(set(_prompt_reads(opened))) == 3  # the cold fill reads each file
    opened.clear()
    again = _fill(root)
    assert _prompt_reads(opened) == []
    assert again == first
    assert all(row.loaded and row.valid for row in again.values())


def test_a_file_written_moments_ago_is_read_again(tmp_path: Path, opened: list[str]) -> None:
    root = write_demo(tmp_path / "demo", names=("one", "two"))
    _aged(root)
    fresh = root / "registry" / "demo" / "two.prompt.yaml"
    fresh.write_text(fresh.read_text(encoding="utf-8"), encoding="utf-8")  # modified now
    assert time.time_ns() - fresh.stat().st_mtime_ns < SHORT_TRUST_NS
    _fill(root)
    opened.clear()
    _fill(root)
    assert set(_prompt_reads(opened)) == {str(fresh)}  # its stat was not trusted yet


def test_a_change_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    root = write_demo(tmp_path / "demo", names=("one",))
    _aged(root)
    path = root / "registry" / "demo" / "one.prompt.yaml"
    before = _fill(root)["demo/one"]
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("title: Demo prompt one", "title: Demo prompt ONE")
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # the old mtime put back
    assert path.stat().st_size == info.st_size
    assert path.stat().st_mtime_ns == info.st_mtime_ns
    after = _fill(root)["demo/one"]  # the change time moved: read again
    assert before.title == "Demo prompt one"
    assert after.title == "Demo prompt ONE"


def test_a_deleted_file_leaves_the_cache(tmp_path: Path, opened: list[str]) -> None:
    root = write_demo(tmp_path / "demo", names=("one", "two"))
    _aged(root)
    _fill(root)
    (root / "registry" / "demo" / "two.prompt.yaml").unlink()
    assert set(_fill(root)) == {"demo/one"}
    opened.clear()
    assert set(_fill(root)) == {"demo/one"}
    assert _prompt_reads(opened) == []


def test_a_rewrite_with_its_mtime_set_back_is_not_trusted_until_its_change_time_ages(
    tmp_path: Path, opened: list[str]
) -> None:
    """The mtime says an hour ago, but the file was written just now: trusting its stat
    would let a second rewrite within the same change-time tick go unseen."""
    root = write_demo(tmp_path / "demo", names=("one",))
    path = root / "registry" / "demo" / "one.prompt.yaml"
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))  # mtime old, ctime now
    _fill(root)
    opened.clear()
    _fill(root)
    assert _prompt_reads(opened) == [str(path)]  # not trusted: read again
    time.sleep(SHORT_TRUST_NS / 1e9 + 0.05)
    _fill(root)  # now old by both times: its stat is recorded
    opened.clear()
    _fill(root)
    assert _prompt_reads(opened) == []
