"""`promptreg build` on real git repositories: what it bundles, and what it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from promptreg import PromptNotFoundError, Registry
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval
from promptreg.edit.rewrite import approval_text
from tests.gitrepo import GitRepo
from tests.sdk.conftest import DANA, REPO, TIER1, TIER3, build, tier1_text


def test_build_bundles_approved_prompts_with_the_commits_behind_their_approvals(
    tier3_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err, output = build(tier3_repo, capsys)
    assert status == 0, err
    document = json.loads(output.read_bytes())
    schema = json.loads((REPO / "schemas" / "bundle.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["source"]["commit"] == tier3_repo.git("rev-parse", "HEAD")
    assert document["source"]["branch"] == "main"
    by_id = {entry["id"]: entry for entry in document["prompts"]}
    assert set(by_id) == {TIER1, TIER3}
    legal = by_id[TIER3]
    assert legal["tier"] == 3 and legal["logging"] == "full"
    log = tier3_repo.git("log", "--format=%H %ae")
    adders = {email: commit for commit, email in (line.split() for line in log.splitlines())}
    assert [(a["reviewer"], a["commit"], a["verified"]) for a in legal["approvals"]] == [
        ("mei@example.com", adders["mei@example.com"], True),
        ("jo@example.com", adders["jo@example.com"], True),
    ]
    prompt = Registry.open(output).get(TIER3)
    assert prompt.content_hash == legal["content_hash"]


def test_the_same_commit_gives_the_same_bytes(
    tier3_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    first = build(tier3_repo, capsys, name="one.json")[2].read_bytes()
    second = build(tier3_repo, capsys, name="two.json")[2].read_bytes()
    assert first == second


def test_build_refuses_an_approval_committed_by_another_identity(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tier1_repo
    from tests.sdk.conftest import tier3_for_review

    repo.write(f"registry/{TIER3}.prompt.yaml", tier3_for_review())
    repo.commit("Add for review", DANA)
    path = repo.path(TIER3)
    text = path.read_text(encoding="utf-8").replace("status: review", "status: approved")
    path.write_text(text, encoding="utf-8")
    spec = load_prompt(path).spec
    assert spec is not None
    for reviewer in ("mei@example.com", "jo@example.com"):  # typed in by Dana
        approval = Approval(reviewer, "compliance", "2026-11-20", spec.content_hash)
        path.write_text(approval_text(path.read_text(encoding="utf-8"), approval), "utf-8")
    repo.commit("Approve it myself", DANA)

    status, err, output = build(repo, capsys)
    assert status == 1
    assert f"refused: {TIER3}: G011" in err
    assert "not by mei@example.com" in err
    assert not output.exists()


def test_build_refuses_a_symlinked_prompt(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tier1_repo.root / "registry" / "engineering" / "alias.prompt.yaml"
    link.symlink_to("commit-message-draft.prompt.yaml")
    tier1_repo.commit("Add an alias", DANA)
    status, err, _ = build(tier1_repo, capsys)
    assert status == 1
    assert "refused: registry/engineering/alias.prompt.yaml: is a symbolic link" in err


def test_build_refuses_a_duplicate_id(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(tier1_repo.path(TIER1), tier1_repo.path("engineering/commit-message-copy"))
    tier1_repo.commit("Copy the prompt", DANA)
    status, err, _ = build(tier1_repo, capsys)
    assert status == 1
    assert "R001" in err and "engineering/commit-message-copy" in err


def _merge_a_side_branch_with_an_approved_version(repo: GitRepo) -> str:
    """1.1.0 (approved) then 1.2.0 on a side branch, merged into main with a merge
    commit: 1.1.0 is reachable from HEAD only through the merge's second parent. Returns
    the side branch's 1.1.0 commit."""
    repo.git("checkout", "-q", "-b", "side")
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.1.0"))
    side = repo.commit("1.1.0, approved on the side branch only", DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.2.0"))
    repo.commit("1.2.0", DANA)
    repo.git("checkout", "-q", "main")
    repo.commits += 1
    repo.git("merge", "-q", "--no-ff", "-m", "Merge side", "side", who=DANA)
    return side


def test_build_refuses_a_version_approved_only_on_a_merged_side_branch(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    side = _merge_a_side_branch_with_an_approved_version(tier1_repo)

    status, err, output = build(tier1_repo, capsys)
    assert status == 1, err
    (line,) = [line for line in err.splitlines() if line.startswith("refused: ")]
    assert line.startswith(f"refused: {TIER1} 1.1.0: approved only on a merged side branch")
    assert f"(commit {side[:10]})" in line
    assert "land the approval on the first-parent line" in line
    assert "left out:" not in err
    assert "build refused: 1 problem; nothing was written" in err
    assert not output.exists()


def test_landing_the_approval_on_the_first_parent_line_lets_the_build_pass(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fix the refusal names: the approved 1.1.0 committed on main itself, then 1.2.0
    again, so every version the history holds went through the branch's checks."""
    repo = tier1_repo
    _merge_a_side_branch_with_an_approved_version(repo)
    assert build(repo, capsys)[0] == 1
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.1.0"))
    repo.commit("1.1.0, approved on main", DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.2.0"))
    repo.commit("1.2.0 again", DANA)

    status, err, output = build(repo, capsys)
    assert status == 0, err
    registry = Registry.open(output)
    assert registry.bundle is not None
    assert registry.bundle.versions(TIER1) == ["1.2.0", "1.1.0", "1.0.0"]
    assert registry.get(TIER1, version="1.1.0").version == "1.1.0"


def test_a_squash_merged_approval_branch_builds(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Squashed, the side branch's 1.1.0 is not in the history HEAD reaches: nothing is
    refused, and only the versions the branch itself had are served."""
    repo = tier1_repo
    repo.git("checkout", "-q", "-b", "side")
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.1.0"))
    repo.commit("1.1.0, approved on the side branch only", DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.2.0"))
    repo.commit("1.2.0", DANA)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--squash", "side")
    repo.commit("1.2.0, squashed", DANA)

    status, err, output = build(repo, capsys)
    assert status == 0, err
    registry = Registry.open(output)
    assert registry.bundle is not None
    assert registry.bundle.versions(TIER1) == ["1.2.0", "1.0.0"]
    with pytest.raises(PromptNotFoundError, match=r"no approved version matching '1\.1\.0'"):
        registry.get(TIER1, version="1.1.0")


def test_older_approved_versions_on_the_branch_are_bundled_drafts_are_not(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tier1_repo
    for version, status in (("1.1.0", "approved"), ("1.2.0", "approved"), ("2.0.0", "draft")):
        repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text(version, status=status))
        repo.commit(version, DANA)
    status, err, output = build(repo, capsys)
    assert status == 0, err
    registry = Registry.open(output)
    assert registry.bundle is not None
    assert registry.bundle.versions(TIER1) == ["1.2.0", "1.1.0", "1.0.0"]
    assert registry.get(TIER1).version == "1.2.0"


def test_build_refuses_uncommitted_changes(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    tier1_repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.1"))
    status, err, output = build(tier1_repo, capsys)
    assert status == 2
    assert "uncommitted changes" in err and TIER1 in err
    assert not output.exists()


def test_build_outside_a_repository_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "promptreg.yaml", tmp_path / "promptreg.yaml")
    capsys.readouterr()
    from promptreg.cli.main import main

    assert (
        main(
            ["build", "-o", str(tmp_path / "b.json"), "--config", str(tmp_path / "promptreg.yaml")]
        )
        == 2
    )
    assert "not inside a git repository" in capsys.readouterr().err


def test_an_older_version_with_a_forged_approval_is_left_out(
    tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pinned versions are served only if verified: 2.1.0 was approved by approvals its
    author typed in and committed, and stays out of the bundle after 2.2.0 is approved
    properly."""
    from tests.sdk.conftest import JO, MEI, approve, tier3_for_review

    repo = tier1_repo
    path = repo.path(TIER3)
    repo.write(f"registry/{TIER3}.prompt.yaml", tier3_for_review().replace("2.2.0", "2.1.0"))
    repo.commit("2.1.0 for review", DANA)
    text = path.read_text(encoding="utf-8").replace("status: review", "status: approved")
    path.write_text(text, encoding="utf-8")
    spec = load_prompt(path).spec
    assert spec is not None and spec.version == "2.1.0"
    for reviewer in ("mei@example.com", "jo@example.com"):
        approval = Approval(reviewer, "compliance", "2026-11-20", spec.content_hash)
        path.write_text(approval_text(path.read_text(encoding="utf-8"), approval), "utf-8")
    repo.commit("2.1.0, approved by its author", DANA)
    repo.write(
        f"registry/{TIER3}.prompt.yaml",
        tier3_for_review().replace("status: review", "status: approved"),
    )
    repo.commit("2.2.0", DANA)
    approve(repo, MEI)
    approve(repo, JO)

    status, err, output = build(repo, capsys)
    assert status == 0, err
    assert f"left out: {TIER3} 2.1.0: G011" in err
    bundle = Registry.open(output).bundle
    assert bundle is not None and bundle.versions(TIER3) == ["2.2.0"]
