"""`promptreg check`: registry-wide findings, on real files in real git repositories."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from promptreg.cli.main import main
from tests.gitrepo import REPO, GitRepo

PROMPTS = len(list((REPO / "registry").rglob("*.prompt.yaml")))
TIER1 = "registry/engineering/incident-timeline.prompt.yaml"
TIER2 = "registry/support/summarize-ticket.prompt.yaml"
DRAFT = "registry/research/literature-digest.prompt.yaml"
FINDING = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>[A-Z]\d{3}) \[")


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str

    def findings(self) -> list[tuple[str, int, int, str]]:
        return [
            (m["path"], int(m["line"]), int(m["column"]), m["code"])
            for m in map(FINDING.match, self.out.splitlines())
            if m
        ]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    status = main(["check", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Run(status, captured.out, captured.err)


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """The embedded registry, committed once, as the working directory."""
    made = git_repo(registry=True)
    made.commit("registry")
    monkeypatch.chdir(made.root)
    return made


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_clean_registry_passes(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--base", "HEAD")
    assert run.status == 0, run.out
    assert run.out == f"All checks passed ({PROMPTS} files).\n"
    assert run.err == ""


def test_deleting_an_approved_prompt_needs_deprecation_first(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("rm", "-q", TIER2, DRAFT)

    run = cli(capsys, "--base", "HEAD")

    assert run.status == 1
    assert run.findings() == [(TIER2, 1, 1, "V005")]  # the draft may go
    assert "approved prompt 'support/summarize-ticket' 1.3.0 was deleted" in run.out
    assert run.out.endswith(f"Found 1 finding (1 error) in {PROMPTS - 2} files.\n")


def test_a_deprecated_prompt_may_be_deleted(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(repo.root / TIER2, "status: approved", "status: deprecated")
    repo.commit("deprecate")
    repo.git("rm", "-q", TIER2)
    assert cli(capsys, "--base", "HEAD").status == 0


def test_without_a_base_deletions_are_not_checked(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.root / TIER2).unlink()
    run = cli(capsys)
    assert run.status == 0
    assert "V005" in run.err and "--base REF" in run.err
    assert cli(capsys, "-q").err == ""


def test_against_an_older_base(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("rm", "-q", TIER2)
    repo.commit("delete")
    assert cli(capsys, "--base", "HEAD").status == 0  # as HEAD has it: already gone
    assert cli(capsys, "--base", "HEAD~1").findings() == [(TIER2, 1, 1, "V005")]


def test_two_files_declaring_one_id(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    copy = "registry/support/summarize-ticket-v2.prompt.yaml"
    shutil.copy(repo.root / TIER2, repo.root / copy)

    run = cli(capsys)

    assert run.status == 1
    assert sorted(run.findings()) == sorted([(TIER2, 2, 5, "R001"), (copy, 2, 5, "R001")])
    assert f"id 'support/summarize-ticket' is also declared by {copy};" in run.out


def test_paths_that_differ_only_in_case(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    other = "registry/Support/summarize-ticket.prompt.yaml"
    (repo.root / other).parent.mkdir()
    (repo.root / TIER2).rename(repo.root / other)
    shutil.copy(repo.root / TIER1, repo.root / TIER2)
    _set(repo.root / TIER2, "id: engineering/incident-timeline", "id: support/summarize-ticket")

    run = cli(capsys)

    codes = run.findings()
    assert (other, 1, 1, "R002") in codes
    assert (TIER2, 1, 1, "R002") in codes
    assert f"differs from {TIER2} only in case" in run.out


def test_stale_codeowners_block(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.root / "CODEOWNERS").write_text("* @acme/everyone\n")
    assert cli(capsys).status == 0  # no block: the team has not opted in

    assert main(["codeowners"]) == 0
    assert cli(capsys).status == 0

    _set(repo.root / TIER1, "tier: 1", "tier: 2")
    run = cli(capsys)

    assert run.status == 1
    assert run.findings() == [("CODEOWNERS", 3, 1, "R003")]
    assert "run `promptreg codeowners`" in run.out


def test_configured_selection_and_severity_apply(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _set(
        repo.root / "promptreg.yaml",
        "  ignore: []",
        "  ignore: [V005]\n  severity: {R001: warning}",
    )
    repo.commit("configure")  # the policy of the base applies, not the change's own
    repo.git("rm", "-q", TIER2)
    shutil.copy(repo.root / TIER1, repo.root / "registry/engineering/copy.prompt.yaml")

    run = cli(capsys, "--base", "HEAD")

    assert run.status == 0, run.out  # warnings do not fail the run
    assert {code for *_, code in run.findings()} == {"R001"}
    assert "R001 [warning]" in run.out


def test_json_format(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("rm", "-q", TIER2)
    run = cli(capsys, "--base", "HEAD", "--format", "json")
    data = json.loads(run.out)
    assert data["files_checked"] == PROMPTS - 1
    (finding,) = data["findings"]
    assert finding["code"] == "V005"
    assert finding["name"] == "approved-prompt-deleted"
    assert finding["path"] == TIER2


def test_exit_zero(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("rm", "-q", TIER2)
    run = cli(capsys, "--base", "HEAD", "--exit-zero")
    assert run.status == 0
    assert "V005" in run.out


def test_first_commit_of_a_new_repository(
    git_repo: Callable[..., GitRepo],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(git_repo(registry=True).root)  # nothing committed: HEAD is unborn
    run = cli(capsys, "--base", "HEAD")
    assert run.status == 0, run.err


def test_a_base_that_names_no_commit(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--base", "no-such-branch")
    assert run.status == 2
    assert "'no-such-branch' is not a commit" in run.err


def test_outside_git_with_a_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "promptreg.yaml", tmp_path)
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    monkeypatch.chdir(tmp_path)
    assert cli(capsys).status == 0
    run = cli(capsys, "--base", "HEAD")
    assert run.status == 2
    assert "not inside a git repository" in run.err


def test_run_from_a_subdirectory(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("rm", "-q", TIER2)
    (repo.root / "registry" / "support").mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo.root / "registry")
        run = cli(capsys, "--base", "HEAD")
    assert run.findings() == [("support/summarize-ticket.prompt.yaml", 1, 1, "V005")]
