"""`promptreg approve`: who may approve, what it writes, and every refusal, on real git.

Dana (team-leads) writes prompts; Mei and Jo (compliance) review them. The reviewer is
the repository's `git config user.email`, set per test; commits are made by the shared
tests/gitrepo.py helper with fixed identities, HOME in the temporary directory and the
system config ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.loader import load_prompt
from tests.gitrepo import JO, GitRepo, Who

REPO = Path(__file__).resolve().parents[2]
TIER3 = "legal/contract-clause-risk"
TIER2 = "support/summarize-ticket"
TODAY = dt.date.today().isoformat()

DANA: Who = ("Dana Author", "dana@example.com")
MEI: Who = ("Mei Reviewer", "mei@example.com")
RAVI: Who = ("Ravi Lead", "ravi@example.com")


def for_review(prompt_id: str) -> str:
    """A registry prompt as a reviewer finds it, with comments in awkward places."""
    text = (REPO / "registry" / f"{prompt_id}.prompt.yaml").read_text(encoding="utf-8")
    text = text.replace("status: approved", "status: review   # set to approved once signed off")
    text = re.sub(
        r"(?m)^approvals:\n(?:  .*\n)*",
        "# Reviewers: run `promptreg approve`, then commit.\n"
        "approvals: []   # filled in by promptreg approve\n",
        text,
    )
    return text + "# end of file\n"


def message_edit(text: str) -> str:
    changed = re.sub(r"(?m)^(      .*?)\.$", r"\1 (edited).", text, count=1)
    assert changed != text
    return changed


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """Dana has committed a tier 3 and a tier 2 prompt for review."""
    repo = git_repo(identity=DANA)
    for prompt_id in (TIER3, TIER2):
        repo.write(f"registry/{prompt_id}.prompt.yaml", for_review(prompt_id))
    repo.commit("Add prompts for review")
    return repo


def approve(
    repo: GitRepo, who: Who | str, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    email = who if isinstance(who, str) else who[1]
    repo.git("config", "user.email", email)
    capsys.readouterr()
    prompt_id = args[0] if args and "/" in args[0] else TIER3
    rest = args[1:] if args and "/" in args[0] else args
    status = main(["approve", prompt_id, *rest, "--config", str(repo.config)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


# --- the written entry ---------------------------------------------------------------------------


def test_records_the_approval_and_keeps_every_comment(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo.path(TIER3)
    before = path.read_text(encoding="utf-8")
    spec = load_prompt(path).spec
    assert spec is not None
    status, out, err = approve(repo, MEI, capsys)
    assert status == 0, err
    after = path.read_text(encoding="utf-8")
    diff = [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"
    ]
    assert diff == [
        "- approvals: []   # filled in by promptreg approve",
        "+ approvals:      # filled in by promptreg approve",
        "+   - reviewer: mei@example.com",
        "+     group: compliance",
        f"+     date: {TODAY}",
        f"+     content_hash: {spec.content_hash}",
    ]
    assert "nothing was committed" in out
    assert "commit it yourself, as mei@example.com" in out
    assert f"commit -m 'Approve {TIER3} {spec.version}' -- registry/{TIER3}.prompt.yaml" in out
    assert "valid approvals for this content: 1 of 2" in out
    assert repo.git("status", "--porcelain") == f"M registry/{TIER3}.prompt.yaml"


def test_second_reviewer_completes_the_tier(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    status, out, _ = approve(repo, JO, capsys)
    assert status == 0
    assert "valid approvals for this content: 2 of 2" in out
    assert "enough approvals: set `status: approved`" in out
    spec = load_prompt(repo.path(TIER3)).spec
    assert spec is not None
    assert spec.status == "approved"  # the last approval needed makes it approved
    assert "# set to approved once signed off" in repo.path(TIER3).read_text()  # kept
    assert [(a.reviewer, a.group) for a in spec.approvals] == [
        ("mei@example.com", "compliance"),
        ("jo@example.com", "compliance"),
    ]


def test_identity_case_follows_promptreg_yaml(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, "Mei@Example.COM", capsys)[0] == 0
    spec = load_prompt(repo.path(TIER3)).spec
    assert spec is not None and spec.approvals[0].reviewer == "mei@example.com"


def test_reapproval_after_a_change_replaces_the_stale_entry(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    path = repo.path(TIER3)
    path.write_text(message_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    repo.commit("Edit after approval", DANA)
    status, out, _ = approve(repo, MEI, capsys)
    assert status == 0 and "replacing your approval of earlier content" in out
    spec = load_prompt(path).spec
    assert spec is not None
    assert len(spec.approvals) == 1 and spec.approvals[0].content_hash == spec.content_hash


def test_signed_commits_are_asked_for_when_required(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
    repo.allow_signers(DANA[1])
    repo.commit("Require signatures", DANA)
    repo.sign_history(DANA)  # with require_signed, the content's writer is its signer
    status, out, _ = approve(repo, MEI, capsys)
    assert status == 0
    assert "signed with your SSH key" in out and "commit -S -m" in out


# --- refusals ------------------------------------------------------------------------------------


def refused(repo: GitRepo, status: int, err: str, *needles: str) -> None:
    assert status == 2
    for needle in needles:
        assert needle in err, err
    assert repo.git("status", "--porcelain") == ""  # nothing was written


def test_refuses_a_prompt_with_lint_errors(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo.path(TIER3)
    broken = path.read_text(encoding="utf-8").replace(
        "      <clause>\n", "      {{ undeclared_thing }}\n      <clause>\n"
    )
    path.write_text(broken, encoding="utf-8")
    repo.commit("Use a variable that is not declared", DANA)
    status, _, err = approve(repo, MEI, capsys)
    assert status == 2
    assert "lint error" in err and "T002" in err and "cannot be approved" in err
    assert path.read_text(encoding="utf-8") == broken


def test_governance_findings_the_approval_resolves_do_not_block(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # status: approved with no approvals is G006, an error: approving is how to fix it.
    path = repo.path(TIER3)
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: review ", "status: approved "),
        encoding="utf-8",
    )
    repo.commit("Approved too early", DANA)
    status, _, err = approve(repo, MEI, capsys)
    assert status == 0, err


def test_refuses_a_reviewer_outside_the_required_groups(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = approve(repo, RAVI, capsys)
    refused(repo, status, err, "tier 3 needs approvals from compliance", "team-leads")
    status, _, err = approve(repo, RAVI, capsys, "--group", "compliance")
    refused(repo, status, err, "ravi@example.com is not a member of group 'compliance'")
    status, _, err = approve(repo, "stranger@example.com", capsys)
    refused(repo, status, err, "not listed under reviewers:")
    status, _, err = approve(repo, MEI, capsys, "--group", "auditors")
    refused(repo, status, err, "group 'auditors' is not defined")


def test_group_choice_among_the_reviewers_groups(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.edit_config(
        "    - sofia@example.com\n", "    - sofia@example.com\n    - mei@example.com\n"
    )
    repo.edit_config("groups: [compliance]", "groups: [compliance, team-leads]")
    repo.commit("Mei leads a team too; tier 3 accepts either group", DANA)
    status, _, err = approve(repo, MEI, capsys)
    assert status == 2 and "more than one group" in err and "--group" in err
    status, out, err = approve(repo, MEI, capsys, "--group", "team-leads")
    assert status == 0, err
    assert "mei@example.com (team-leads)" in out


def test_refuses_the_author_of_the_last_content_change(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo.path(TIER3)
    path.write_text(message_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    change = repo.commit("Mei edits the prompt", MEI)
    before = path.read_bytes()
    status, _, err = approve(repo, MEI, capsys)
    assert status == 2
    assert "four eyes" in err and change[:10] in err
    assert path.read_bytes() == before
    # A later metadata-only commit by Jo does not make Jo the content's author ...
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: First-pass", "title: A first-pass"),
        encoding="utf-8",
    )
    repo.commit("Retitle", JO)
    assert approve(repo, MEI, capsys)[0] == 2
    assert approve(repo, JO, capsys)[0] == 0  # ... and Jo may approve Mei's change


def test_refuses_the_author_of_an_uncommitted_content_change(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo.path(TIER3)
    edited = message_edit(path.read_text(encoding="utf-8"))
    path.write_text(edited, encoding="utf-8")
    status, _, err = approve(repo, MEI, capsys)
    assert status == 2
    assert "uncommitted changes in the working tree" in err and "four eyes" in err
    assert path.read_text(encoding="utf-8") == edited


def test_refuses_a_second_approval_by_the_same_person(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert approve(repo, MEI, capsys)[0] == 0
    repo.commit("Approve", MEI)
    before = repo.path(TIER3).read_bytes()
    status, _, err = approve(repo, MEI, capsys)
    assert status == 2 and "already approved this content" in err
    assert repo.path(TIER3).read_bytes() == before


def test_needs_a_git_identity_and_a_repository(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    capsys.readouterr()
    status = main(["approve", TIER3, "--config", str(repo.config)])
    err = capsys.readouterr().err
    assert status == 2 and "git config user.email" in err
    plain = tmp_path / "plain"
    shutil.copytree(repo.root, plain, ignore=shutil.ignore_patterns(".git"))
    status = main(["approve", TIER3, "--config", str(plain / "promptreg.yaml")])
    err = capsys.readouterr().err
    assert status == 2 and "not inside a git repository" in err
