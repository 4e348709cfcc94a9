"""Class 3: the rules are read from the base, not from the pull request being judged.

Each test builds the attack in a real repository: `main` holds the policy and the
reviewers' keys, a branch is the pull request, and `lint --base main` / `check --base
main` is what CI runs on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval
from promptreg.edit.rewrite import approval_text
from tests.gitrepo import DANA, JO, MEI, REPO, GitRepo, Who, require_ssh_keygen

PROMPT_ID = "legal/contract-clause-risk"
RELATIVE = f"registry/{PROMPT_ID}.prompt.yaml"
AMARA: Who = ("Amara Reviewer", "amara@example.com")


def _unapproved() -> str:
    text = (REPO / RELATIVE).read_text(encoding="utf-8")
    text = text.replace("status: approved", "status: review")
    return re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)


def _base(git_repo: Callable[..., GitRepo], *, signed: bool) -> GitRepo:
    """main: the policy, the reviewers' keys, a tier-3 prompt in review; then a branch."""
    repo = git_repo(identity=DANA)
    if signed:
        require_ssh_keygen()
        repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
        repo.allow_signers("mei@example.com", "jo@example.com")
    repo.write(RELATIVE, _unapproved())
    repo.commit("policy and a prompt for review", DANA)
    repo.git("checkout", "-q", "-b", "change")
    return repo


def _type_approval(repo: GitRepo, reviewer: str) -> None:
    path = repo.path(PROMPT_ID)
    spec = load_prompt(path).spec
    assert spec is not None
    approval = Approval(reviewer, "compliance", "2026-11-20", spec.content_hash)
    path.write_text(approval_text(path.read_text(encoding="utf-8"), approval), encoding="utf-8")


def _run(capsys: pytest.CaptureFixture[str], repo: GitRepo, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main([*args, "--config", str(repo.config)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return status, out.out + out.err


def _codes(output: str) -> set[str]:
    return set(re.findall(r": ([A-Z]\d{3}) \[", output))


def test_signing_keys_added_by_the_pull_request_are_not_trusted(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _base(git_repo, signed=True)
    # The attacker lists their own key under both compliance reviewers' addresses ...
    attacker = repo.public_key("attacker@example.com")
    lines = [f'{email} namespaces="git" {attacker}\n' for email in (MEI[1], JO[1])]
    repo.write(".promptreg/allowed_signers", "".join(lines))
    repo.commit("rotate keys", DANA)
    # ... and signs approvals "by" them with it.
    key = repo.key_for("attacker@example.com")
    for who in (MEI, JO):
        _type_approval(repo, who[1])
        repo.commit("Approve", who, key=key)

    status, out = _run(
        capsys, repo, "lint", "--base", "main", "--select", "G013,G019", str(repo.path(PROMPT_ID))
    )

    assert status == 1, out
    assert out.count(" G013 [error]") == 2, out  # verified against the base's keys
    assert ".promptreg/allowed_signers:1:1: G019 [error]" in out


def test_a_policy_relaxed_in_the_pull_request_does_not_judge_it(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _base(git_repo, signed=False)
    repo.edit_config("    approvals: 2\n", "    approvals: 0\n")  # tier 3 needs nobody
    repo.edit_config("  ignore: []\n", "  ignore: []\n  per_file_ignores: {'registry/**': [G]}\n")
    path = repo.path(PROMPT_ID)
    path.write_text(path.read_text().replace("status: review", "status: approved"))
    repo.commit("approve it ourselves", DANA)

    status, out = _run(capsys, repo, "lint", "--base", "main", str(path))

    assert status == 1, out
    assert f"{RELATIVE}:" in out and " G006 [error]" in out  # the base's tier 3 needs two
    assert "promptreg.yaml:1:1: G019 [error]" in out
    assert "compliance" in out and "amara@example.com" in out  # who must approve

    status, out = _run(capsys, repo, "check", "--base", "main")
    assert status == 1 and "G019" in _codes(out), out


def test_a_policy_change_is_approved_by_commits_of_the_base_groups(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _base(git_repo, signed=False)
    repo.edit_config(
        "    - amara@example.com\n", "    - amara@example.com\n    - lee@example.com\n"
    )
    repo.commit("add Lee to compliance", DANA)
    _, out = _run(capsys, repo, "lint", "--base", "main", "--select", "G019", str(repo.config))
    digest = re.search(r"Promptreg-Policy: (sha256:[0-9a-f]{64})", out)
    assert digest, out

    def approve(who: Who, trailer: str) -> None:
        repo.git("commit", "-q", "--allow-empty", "-m", "Approve", "--trailer", trailer, who=who)

    approve(("Lee", "lee@example.com"), f"Promptreg-Policy: {digest[1]}")  # not at the base
    approve(DANA, f"Promptreg-Policy: {digest[1]}")  # the author, and not in compliance
    approve(MEI, "Promptreg-Policy: sha256:" + "0" * 64)  # another policy
    approve(JO, f"Promptreg-Policy: {digest[1]}")
    status, out = _run(capsys, repo, "lint", "--base", "main", "--select", "G019", str(repo.config))
    assert status == 1, out
    assert "it has 1; counted: jo@example.com" in out
    assert "lee@example.com: not in compliance at the base" in out

    approve(AMARA, f"Promptreg-Policy: {digest[1]}")
    status, out = _run(capsys, repo, "lint", "--base", "main", "--select", "G019", str(repo.config))
    assert status == 0, out


def test_the_pre_commit_base_reports_no_policy_change_yet(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    """With --base HEAD nothing is committed, so nobody can have approved it: G019 waits
    for CI, while the change's policy still shows what it breaks."""
    repo = _base(git_repo, signed=False)
    repo.edit_config("    approvals: 2\n", "    approvals: 3\n")

    status, out = _run(capsys, repo, "lint", "--base", "HEAD", str(repo.config))

    assert "G019" not in out
    assert status == 0, out


def test_codeowners_owns_the_policy_files(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _base(git_repo, signed=True)
    status, _ = _run(capsys, repo, "codeowners")
    assert status == 0
    owned = dict(
        line.split(" ", 1)
        for line in Path(repo.root / "CODEOWNERS").read_text().splitlines()
        if line.startswith("/")
    )
    compliance = "amara@example.com jo@example.com mei@example.com"
    assert owned["/promptreg.yaml"] == compliance
    assert owned["/.promptreg/allowed_signers"] == compliance
