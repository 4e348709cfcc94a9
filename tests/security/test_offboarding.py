"""Workflow gap: offboarding a reviewer must not silently break production.

Removing an address from `reviewers:` voids every approval it gave. The commit that does
it is now linted against the whole registry (the hook passes only promptreg.yaml), so
it shows every prompt that would stop being served; listing the person under
`former_reviewers:` keeps the approvals they gave as a member, and they give no new
ones. docs/governance.md, "Offboarding a reviewer".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.errors import PromptregError
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval
from promptreg.edit.rewrite import approval_text
from promptreg.sdk.registry import Registry
from tests.gitrepo import DANA, REPO, GitRepo
from tests.test_hooks import TIER2, Consumer, _hook_line
from tests.test_hooks import consumer as consumer  # the fixtures, re-exported
from tests.test_hooks import hook_repo as hook_repo

DANA_LINE = "    - dana@example.com\n"
FORMER = "former_reviewers:\n  team-leads: [dana@example.com]\n\ntiers:\n"


def test_removing_a_reviewer_shows_what_breaks_and_former_keeps_it_served(
    consumer: Consumer,
) -> None:
    # This consumer's history does not back its tier-3 approvals; leave them out of it.
    consumer.edit("promptreg.yaml", "    verify_approvals: true\n", "")
    consumer.git("commit", "-qam", "setup", "--no-verify")
    consumer.edit("promptreg.yaml", DANA_LINE, "")

    removed = consumer.commit("Dana leaves the team leads")

    assert removed.status == 1, removed.output
    assert "Failed" in _hook_line(removed.output, "promptreg lint")
    assert re.search(
        rf"{re.escape(TIER2)}:\d+:\d+: G003 \[error\] dana@example.com is not a member of "
        r"group 'team-leads' \(under the promptreg.yaml of this change\)$",
        removed.output,
        re.MULTILINE,
    ), removed.output

    consumer.edit("promptreg.yaml", "tiers:\n", FORMER)
    kept = consumer.commit("Dana leaves the team leads")

    assert kept.status == 0, kept.output
    served = Registry.open(consumer.path).get("support/summarize-ticket")
    assert served.spec.approvals[0].reviewer == "dana@example.com"


@pytest.fixture
def offboarded(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """main: the embedded summariser approved by Dana, who has since left the team leads."""
    repo = git_repo(identity=DANA)
    repo.write(TIER2, (REPO / TIER2).read_text(encoding="utf-8"))
    repo.edit_config(DANA_LINE, "")
    repo.edit_config("tiers:\n", FORMER)
    repo.commit("Dana has left the team leads", DANA)
    repo.git("checkout", "-q", "-b", "change")
    return repo


def _run(capsys: pytest.CaptureFixture[str], repo: GitRepo, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main([*args, "--config", str(repo.config)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return status, out.out + out.err


def test_a_former_reviewer_gives_no_new_approvals(
    offboarded: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = offboarded
    path = repo.root / TIER2
    assert Registry.open(repo.root).get("support/summarize-ticket")  # approved while a member

    # An approval typed in under her name after she left does not count.
    text = path.read_text(encoding="utf-8").replace("version: 1.3.0", "version: 1.3.1")
    path.write_text(text.replace("status: approved", "status: review"), encoding="utf-8")
    spec = load_prompt(path).spec
    assert spec is not None
    typed = Approval("dana@example.com", "team-leads", "2026-12-01", spec.content_hash)
    path.write_text(approval_text(path.read_text(), typed, replace_index=0), encoding="utf-8")
    repo.commit("bump and re-approve", ("Ravi", "ravi@example.com"))

    status, out = _run(capsys, repo, "lint", "--base", "main", "--select", "G003", str(path))

    assert status == 1, out
    assert "dana@example.com left group 'team-leads'" in out


def test_approve_refuses_a_former_reviewer(
    offboarded: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = offboarded
    path = repo.root / TIER2
    text = path.read_text(encoding="utf-8").replace("version: 1.3.0", "version: 1.3.1")
    path.write_text(text.replace("status: approved", "status: review"), encoding="utf-8")
    repo.commit("bump", ("Ravi", "ravi@example.com"))
    repo.git("config", "user.email", "dana@example.com")

    status, out = _run(capsys, repo, "approve", "support/summarize-ticket")

    assert status == 2, out
    assert "dana@example.com cannot approve" in out


def test_deleting_an_address_outright_revokes_its_approvals(
    offboarded: GitRepo,
) -> None:
    repo = offboarded
    repo.edit_config("former_reviewers:\n  team-leads: [dana@example.com]\n", "")
    with pytest.raises(PromptregError, match=r"dana@example\.com is not a member"):
        Registry.open(Path(repo.root)).get("support/summarize-ticket")
