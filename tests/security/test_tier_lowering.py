"""Class 6: lowering a prompt's tier, logging level or handoff checkpoint needs the
sign-off of the base tier, given after the change.

`main` holds a tier-3 prompt approved by two compliance reviewers (each committing
their own approval); a branch lowers it; CI runs `lint --base main`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from promptreg.cli.main import main
from tests.gitrepo import DANA, JO, MEI, REPO, GitRepo, Who

PROMPT_ID = "legal/contract-clause-risk"
RELATIVE = f"registry/{PROMPT_ID}.prompt.yaml"


def _run(capsys: pytest.CaptureFixture[str], repo: GitRepo, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main([*args, "--config", str(repo.config)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return status, out.out + out.err


def _approve(repo: GitRepo, who: Who, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("config", "user.email", who[1])
    status, out = _run(capsys, repo, "approve", PROMPT_ID)
    assert status == 0, out
    repo.commit(f"Approve {PROMPT_ID}", who)


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]) -> GitRepo:
    repo = git_repo(identity=DANA)
    text = (
        (REPO / RELATIVE).read_text(encoding="utf-8").replace("status: approved", "status: review")
    )
    repo.write(RELATIVE, re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text))
    repo.commit("Add the prompt for review", DANA)
    _approve(repo, MEI, capsys)
    _approve(repo, JO, capsys)
    repo.git("checkout", "-q", "-b", "change")
    return repo


def _edit(repo: GitRepo, old: str, new: str) -> None:
    path = repo.path(PROMPT_ID)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _lint(repo: GitRepo, capsys: pytest.CaptureFixture[str], *select: str) -> tuple[int, str]:
    codes = ",".join(select or ("G",))
    return _run(
        capsys, repo, "lint", "--base", "main", "--select", codes, str(repo.path(PROMPT_ID))
    )


def test_tier_lowered_with_approvals_removed_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, "tier: 3\n", "tier: 1\n")
    text = repo.path(PROMPT_ID).read_text()
    repo.path(PROMPT_ID).write_text(
        re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)
    )
    repo.commit("tier 1 is enough", DANA)

    status, out = _lint(repo, capsys)

    assert status == 1, out
    line = repo.path(PROMPT_ID).read_text().splitlines().index("tier: 1") + 1
    assert f"{RELATIVE}:{line}:7: G021 [error] this change lowers the tier from 3 to 1" in out
    assert "2 new approvals from compliance" in out


def test_logging_and_checkpoint_lowered_with_the_tier_are_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, "tier: 3\n", "tier: 2\n")
    _edit(repo, "logging: full\n", "logging: metadata\n")  # tier 2's minimum: G008 is silent
    _edit(repo, "checkpoint: before-use", "checkpoint: after-the-fact")
    repo.commit("less logging", DANA)

    status, out = _lint(repo, capsys)

    assert status == 1, out
    assert "G008" not in out
    assert out.count(" G021 [error]") == 3, out
    assert "logging from 'full' to 'metadata'" in out
    assert "handoff checkpoint from 'before-use' to 'after-the-fact'" in out


def test_old_approvals_do_not_sign_off_the_lowering(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, "tier: 3\n", "tier: 2\n")  # the tier is not part of the content hash
    repo.commit("tier 2", DANA)

    status, out = _lint(repo, capsys, "G021")

    assert status == 1 and "it has 0" in out, out


def test_lowering_approved_by_the_base_tier_reviewers_passes(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, "tier: 3\n", "tier: 2\n")
    status, out = _run(capsys, repo, "bump", PROMPT_ID, "patch", "-m", "Tier 2, agreed.")
    assert status == 0, out
    repo.commit("tier 2", DANA)
    assert _lint(repo, capsys, "G021")[0] == 1
    _approve(repo, MEI, capsys)
    assert _lint(repo, capsys, "G021")[0] == 1  # one of the two the base tier needs
    _approve(repo, JO, capsys)

    status, out = _lint(repo, capsys, "G021")

    assert status == 0, out


def test_an_approval_typed_in_for_the_lowering_is_not_enough(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The base tier verifies approvals in git, so G021 does too: entries Dana commits
    in the reviewers' names do not sign off the lowering."""
    _edit(repo, "tier: 3\n", "tier: 2\n")
    assert _run(capsys, repo, "bump", PROMPT_ID, "patch", "-m", "Tier 2.")[0] == 0
    repo.commit("tier 2", DANA)
    from promptreg.core.loader import load_prompt
    from promptreg.core.model import Approval
    from promptreg.edit.rewrite import approval_text

    for reviewer in ("mei@example.com", "jo@example.com"):
        path = repo.path(PROMPT_ID)
        spec = load_prompt(path).spec
        assert spec is not None
        typed = Approval(reviewer, "compliance", "2026-11-21", spec.content_hash)
        path.write_text(
            approval_text(path.read_text(), typed, replace_index=0 if "mei" in reviewer else 1)
        )
    repo.commit("approvals", DANA)

    status, out = _lint(repo, capsys, "G021")

    assert status == 1 and "G021" in out, out
