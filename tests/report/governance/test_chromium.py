"""The report as a browser shows it: headless Chromium renders the page offline, takes a
screenshot and dumps the DOM, which must show the counts and the stale approval.

CI installs Debian's `chromium` package (.ci/run); without it this test fails, it does
not skip.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.report.governance import build_report, write_report
from tests.gitrepo import GitRepo
from tests.report.governance.helpers import (
    STALE_ID,
    embedded_counts,
    registry_with_stale_approval,
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is needed for this test: apt-get install -y chromium")
    return found


class _Dom(html.parser.HTMLParser):
    """Text of elements by id and by data-count, and the approval-state cells."""

    def __init__(self) -> None:
        super().__init__()
        self.by_key: dict[str, str] = {}
        self.states: list[tuple[str, str, str]] = []
        self._open: list[tuple[str, dict[str, str | None]]] = []
        self._row: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self._row = found.get("data-prompt")
        self._open.append((tag, found))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._open:
            return
        _, found = self._open[-1]
        for key in ("id", "data-count"):
            if found.get(key):
                self.by_key[str(found[key])] = self.by_key.get(str(found[key]), "") + data
        classes = (found.get("class") or "").split()
        if "approval-state" in classes and self._row:
            self.states.append((self._row, " ".join(classes), data))


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile.mkdir()
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_chromium_shows_counts_and_the_stale_approval(
    git_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    browser = chromium()
    repo = registry_with_stale_approval(git_repo)
    report = build_report(repo.settings, today=dt.date(2026, 3, 1))
    page, _ = write_report(report, tmp_path / "out")
    url = page.resolve().as_uri()

    shot = tmp_path / "report.png"
    done = _run(
        browser, tmp_path / "profile-shot", "--window-size=1280,2000", f"--screenshot={shot}", url
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000

    dumped = _run(browser, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)
    total, tiers, statuses = embedded_counts()
    served = sum(1 for p in report.prompts if p.served)
    assert 0 < served < total  # the draft, the review and the stale approval are not served
    assert dom.by_key["total"] == str(total)
    assert dom.by_key["served-total"] == str(served)
    assert [dom.by_key[f"tier-{t}"] for t in "123"] == [str(tiers[t]) for t in "123"]
    assert dom.by_key["status-approved"] == str(statuses["approved"])
    assert (STALE_ID, "approval-state stale", "stale") in dom.states
    assert all(state == "valid" for row, _, state in dom.states if row != STALE_ID)
    assert "<script" not in dumped.stdout
    assert "chart-tiers" in dom.by_key or 'id="chart-tiers"' in dumped.stdout
