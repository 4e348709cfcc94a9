"""The governance report's facts, its Markdown and its escaping of hostile input."""

from __future__ import annotations

import datetime as dt
import html.parser
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from promptreg.report.governance import build_report, render_html, render_markdown
from tests.gitrepo import MEI, GitRepo
from tests.report.governance.helpers import (
    HOSTILE_ID,
    HOSTILE_TITLE,
    STALE_ID,
    embedded_counts,
    make_title_hostile,
    registry_with_stale_approval,
)

TODAY = dt.date(2026, 3, 1)


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_facts_come_from_the_rules_that_enforce_them(git_repo: Callable[..., GitRepo]) -> None:
    repo = registry_with_stale_approval(git_repo)
    report = build_report(repo.settings, today=TODAY)
    _, tiers, statuses = embedded_counts()
    assert report.counts["tier"] == tiers
    assert report.counts["status"] == statuses
    by_id = {p.id: p for p in report.prompts}
    stale = by_id[STALE_ID]
    assert not stale.served and "stale" in (stale.refusal or "")
    assert [a.state for a in stale.approvals] == ["stale"]
    assert by_id["research/literature-digest"].refusal == "its status is 'draft', not 'approved'"
    tier3 = [p for p in report.prompts if p.tier == 3]
    # Committed by Dana, not by the reviewers: git does not back these approvals.
    assert {a.verified for p in tier3 for a in p.approvals} == {"not verified"}
    assert {a.verified for p in report.prompts if p.tier == 2 for a in p.approvals} == {
        "not checked"
    }
    assert all(p.evals.state == "no results" for p in report.prompts)
    assert by_id["legal/dsar-triage"].evals.max_age_days == 30
    assert report.findings_by_family.get("G", 0) > 0  # the stale approval, among others
    assert report.history and {c.prompt_id for c in report.history} == {p.id for p in tier3}
    assert all(c.author == "Dana Author <dana@example.com>" for c in report.history)


def test_base_shows_what_the_change_does_to_governance(git_repo: Callable[..., GitRepo]) -> None:
    repo = registry_with_stale_approval(git_repo)
    repo.commit("edit the ticket summary")
    base = repo.git("rev-parse", "HEAD~1")
    path = repo.path("hr/meeting-action-items")
    path.write_text(
        path.read_text(encoding="utf-8").replace("tier: 1", "tier: 2"), encoding="utf-8"
    )
    repo.commit("raise a tier", who=MEI)
    report = build_report(repo.settings, base=base, today=TODAY)
    deltas = {d.prompt_id: d.changes for d in report.deltas}
    assert deltas[STALE_ID] == (f"no longer served: {report_refusal(report, STALE_ID)}",)
    assert "tier 1 -> 2" in deltas["hr/meeting-action-items"]
    assert len(deltas) == 2
    assert "Governance changes since" in render_markdown(report)


def report_refusal(report: object, prompt_id: str) -> str:
    return next(p.refusal for p in report.prompts if p.id == prompt_id)  # type: ignore[attr-defined]


def test_hostile_titles_are_shown_as_text_and_never_run(git_repo: Callable[..., GitRepo]) -> None:
    repo = registry_with_stale_approval(git_repo)
    make_title_hostile(repo)
    report = build_report(repo.settings, today=TODAY)
    assert next(p.title for p in report.prompts if p.id == HOSTILE_ID) == HOSTILE_TITLE
    page = render_html(report)
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "\x07" not in page
    assert "<script>alert('owned')</script> & \ufffdbell" in "".join(parser.text)
    markdown = render_markdown(report)
    row = next(line for line in markdown.splitlines() if HOSTILE_ID in line)
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert row.count(" | ") == 6  # the pipe in the title cannot add a column
    assert "\x07" not in markdown


def test_the_command_writes_both_files_for_the_embedded_registry(tmp_path: Path) -> None:
    repo_root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-m", "promptreg", "report", "-o", str(tmp_path / "out")],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "governance.html").read_text(encoding="utf-8")
    text = (tmp_path / "out" / "governance.md").read_text(encoding="utf-8")
    total, _, _ = embedded_counts()
    assert f'<span id="total">{total}</span>' in page and f"{total} prompts" in text
    for forbidden in ("<script", "http://", "https://", "<link", "@import", "url("):
        assert forbidden not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
