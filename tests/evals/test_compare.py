"""`--compare BASE`: regressions, fixes, new and removed cases, with the base side free
where its committed results still match."""

from __future__ import annotations

import json
import os
import subprocess

from tests.evals.conftest import EvalRepo, case

OK = "{type: contains, value: ok}"


def _git(repo: EvalRepo, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.root)}
    identity = ["-c", "user.email=t@example.com", "-c", "user.name=T"]
    subprocess.run(
        ["git", *identity, *args], cwd=repo.root, env=env, check=True, capture_output=True
    )


def _base(repo: EvalRepo) -> None:
    """Two prompts whose results were recorded and committed."""
    repo.script.default = "ok"
    repo.prompt("a", case("stays", "one", OK), case("breaks", "two", OK), case("goes", "three", OK))
    repo.prompt("b", case("fails", "four", "{type: contains, value: fixed}"))
    _git(repo, "init", "-q")
    assert repo.cli("test").returncode == 1  # b's case fails on the base
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base with results")


def test_the_report_names_regressions_fixes_new_and_removed_cases(repo: EvalRepo) -> None:
    _base(repo)
    repo.script.rules = [("<text>two</text>", "no longer"), ("<text>four</text>", "fixed now, ok")]
    repo.prompt(
        "a",
        case("stays", "one", OK),
        case("breaks", "two", OK),
        case("arrives", "five", OK),
        system="Answer in two words.",
    )
    repo.prompt("b", case("fails", "four", "{type: contains, value: fixed}"), system="Be brief.")
    before = repo.server.counters.requests
    process = repo.cli("test", "--compare", "HEAD", "--format", "markdown", "--no-cache")
    assert process.returncode == 1, process.stderr
    assert repo.server.counters.requests - before == 4  # head only: the base came from git
    report = process.stdout
    assert "### Compared with" in report
    assert "**1** regression · **1** fixed · **1** new · **1** removed" in report
    assert "| passed on the base, fails now | `demo/a` | breaks |" in report
    assert "| failed on the base, passes now | `demo/b` | fails |" in report
    assert "| no result on the base | `demo/a` | arrives |" in report
    assert "| on the base only | `demo/a` | goes |" in report
    text = repo.cli("test", "--compare", "HEAD").stdout
    assert "REGRESSION demo/a 'breaks'" in text


def test_base_cases_without_committed_results_run_and_are_not_recorded(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "one", OK))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base without results")
    repo.prompt("a", case("one", "one", OK), system="Changed.")
    process = repo.cli("test", "--compare", "HEAD", "--format", "json", "--no-cache")
    assert process.returncode == 0, process.stderr
    assert repo.server.counters.requests == 2  # one head, one base
    data = json.loads(process.stdout)
    assert data["comparison"]["counts"]["unchanged"] == 1
    sides = {p["side"]: p for p in data["prompts"]}
    assert sides["base"]["results_file"] is None
    recorded = repo.results("demo/a")
    assert recorded.content_hash != sides["base"]["content_hash"]


def test_nothing_changed_nothing_regressed(repo: EvalRepo) -> None:
    repo.script.default = "ok"
    repo.prompt("a", case("one", "one", OK))
    _git(repo, "init", "-q")
    assert repo.cli("test").returncode == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    process = repo.cli("test", "--compare", "HEAD")
    assert process.returncode == 0
    assert "compared with" in process.stdout and "1 unchanged" in process.stdout
    assert repo.server.counters.requests == 1
