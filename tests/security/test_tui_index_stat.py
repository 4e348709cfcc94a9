"""Class: an edited prompt file that keeps its old stat in the TUI's index.

The browser's index takes a file's row from its cache when the file's stat (mtime,
ctime, size, inode) is what it was, without reading it. Someone who edits a file in
place to the same length (the inode stays) and puts the old modification time back
with `touch -d` keeps three of the four; the change time moves on every write and
cannot be set back, so the row must show what the file says now. Here ctime is shown
to be compared on its own: a `chmod`, which changes nothing but ctime, is enough to
make the index read the file again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import promptreg.tui.index
from promptreg.core.cachefile import read_entries
from promptreg.core.config import load_config
from promptreg.tui.index import PromptIndex, Row
from tests.tui.conftest import write_demo

OLD = time.time() - 3600.0


def _fill(root: Path) -> dict[str, Row]:
    index = PromptIndex(load_config(root / "promptreg.yaml"))
    found: dict[str, Row] = {}
    index.fill(index.rows(), lambda batch: found.update((r.id, r) for r in batch))
    return found


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prompt files the index reads from now on."""
    read: list[str] = []
    real: Callable[[Path], bytes] = Path.read_bytes

    def counting(self: Path) -> bytes:
        if self.name.endswith(".prompt.yaml"):
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return read


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A short trust window, waited out: setting the mtime back moves the change time to
    # now, and the index trusts a stat only once both are older than the window.
    monkeypatch.setattr(promptreg.tui.index, "STAT_TRUST_NS", 100_000_000)
    made = write_demo(tmp_path / "demo", names=("one",))
    os.utime(made / "registry" / "demo" / "one.prompt.yaml", (OLD, OLD))
    time.sleep(0.15)
    return made


def test_an_in_place_edit_with_the_old_mtime_put_back_by_touch_is_seen(root: Path) -> None:
    path = root / "registry" / "demo" / "one.prompt.yaml"
    assert _fill(root)["demo/one"].title == "Demo prompt one"
    before = path.stat()
    data = path.read_bytes()
    edited = data.replace(b"title: Demo prompt one", b"title: Demo prompt TWO")
    assert edited != data and len(edited) == len(data)
    time.sleep(0.05)  # past the coarsest tick of the change time
    with path.open("r+b") as handle:  # in place: the same inode
        handle.write(edited)
    touch = shutil.which("touch")
    assert touch is not None
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(before.st_mtime_ns // 10**9))
    subprocess.run([touch, "-m", "-d", stamp, str(path)], check=True)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # to the nanosecond
    after = path.stat()
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (
        before.st_mtime_ns,
        before.st_size,
        before.st_ino,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
    assert _fill(root)["demo/one"].title == "Demo prompt TWO"


def test_the_change_time_alone_makes_the_file_read_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = root / "registry" / "demo" / "one.prompt.yaml"
    _fill(root)
    fingerprint = hashlib.sha256((root / "promptreg.yaml").read_bytes()).hexdigest()
    stored = read_entries(root / ".promptreg" / "cache" / "tui-index.json", 2, fingerprint)
    info = path.stat()
    assert stored["stats"][str(path)][:4] == [
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_size,
        info.st_ino,
    ]
    reads = _reads(monkeypatch)
    _fill(root)
    assert reads == []  # an unchanged stat: the row comes from the cache
    time.sleep(0.05)
    path.chmod(path.stat().st_mode ^ 0o004)  # nothing changes but ctime
    assert path.stat().st_ctime_ns != info.st_ctime_ns
    assert path.stat().st_mtime_ns == info.st_mtime_ns
    _fill(root)
    assert reads == ["one.prompt.yaml"]
