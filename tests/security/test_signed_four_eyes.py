"""Class 7: with require_signed, who wrote the content is taken from signatures too.

The attack: Mei, a reviewer, edits a tier 3 prompt and commits the edit with Dana's
name and e-mail as author (anyone can type any author), then approves it in a commit
signed with her own key, as require_signed asks. The approval commit is hers and
signed; the content commit claims to be Dana's, so four eyes used to pass.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from promptreg.cli.main import main
from promptreg.lint.session import LintSession
from tests.gitrepo import JO, MEI, GitRepo
from tests.governance.test_provenance import (
    DANA,
    PROMPT_ID,
    RELATIVE,
    edited,
    type_approval,
    unapproved,
)

G_RULES = ["G011", "G012", "G013", "G014"]


@pytest.fixture
def signed_repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """require_signed, everyone's key listed; Dana's prompt committed (signed) for review."""
    repo = git_repo(identity=DANA)
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
    repo.allow_signers(DANA[1], MEI[1], JO[1])
    repo.write(RELATIVE, unapproved(RELATIVE))
    repo.commit("Add the prompt for review", DANA, key=repo.key_for(DANA[1]))
    return repo


def _mei_edits_as_dana(repo: GitRepo, *, signed: bool) -> None:
    repo.write(RELATIVE, edited(repo.path(PROMPT_ID).read_text("utf-8")))
    repo.git("config", "user.email", MEI[1])
    key = repo.key_for(MEI[1]) if signed else None
    repo.commit("Tidy the wording", DANA, key=key)  # author and committer: "Dana"


def _approve(repo: GitRepo, who: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> int:
    repo.git("config", "user.email", who[1])
    status = main(["approve", PROMPT_ID, "--config", str(repo.config)])
    assert "Traceback" not in capsys.readouterr().err
    return status


def _g_findings(repo: GitRepo) -> list[tuple[str, str]]:
    with LintSession.open(repo.settings, select=G_RULES, cache=False) as session:
        result = session.lint_paths([repo.path(PROMPT_ID)])
    return [(f.code, f.message) for f in result.findings]


@pytest.mark.parametrize("signed", [True, False], ids=["signed-by-mei", "unsigned"])
def test_the_writer_is_the_signer_not_the_typed_author(signed_repo: GitRepo, signed: bool) -> None:
    repo = signed_repo
    _mei_edits_as_dana(repo, signed=signed)
    # The approvals are written as `promptreg approve` writes them, each committed signed.
    for reviewer in (JO, MEI):
        type_approval(repo, reviewer[1])
        repo.commit("Approve", reviewer, key=repo.key_for(reviewer[1]))
    found = _g_findings(repo)
    if signed:  # Mei's key made the content: her approval is a self-approval, Jo's stands
        assert [code for code, _ in found] == ["G014"], found
        assert found[0][1].startswith("mei@example.com approved content they wrote themselves")
        assert "signed with mei@example.com's key" in found[0][1]
    else:  # nobody's key made it: no approval can show four eyes
        assert [code for code, _ in found] == ["G014", "G014"], found
        assert all("no good signature" in message for _, message in found)


@pytest.mark.parametrize("signed", [True, False], ids=["signed-by-mei", "unsigned"])
def test_approve_refuses_the_signer_of_the_content(
    signed_repo: GitRepo, capsys: pytest.CaptureFixture[str], signed: bool
) -> None:
    repo = signed_repo
    _mei_edits_as_dana(repo, signed=signed)
    before = repo.path(PROMPT_ID).read_bytes()
    assert _approve(repo, MEI, capsys) == 2
    assert repo.path(PROMPT_ID).read_bytes() == before


def test_honest_signed_work_passes(
    signed_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = signed_repo
    for reviewer in (MEI, JO):
        assert _approve(repo, reviewer, capsys) == 0
        repo.commit("Approve", reviewer, key=repo.key_for(reviewer[1]))
    assert _g_findings(repo) == []
