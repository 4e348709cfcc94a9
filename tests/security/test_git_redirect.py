"""Class 4: git cannot be steered by files in the tree.

The attack: a pull request commits, inside registry/, a folder that git takes for a
repository (HEAD, objects/, refs/ and a config). Its history says the reviewers
approved; its config names a program of the attacker's as the SSH signature checker
and as fsmonitor. If git were ever asked anything from that folder, the provenance
rules would read the forged history, and with `require_signed` the program would run
in CI and on the machine of a reviewer running `promptreg approve`.
"""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

import promptreg.git.gitio
from promptreg.cli.main import main
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from promptreg.lint.session import LintSession
from tests.gitrepo import DANA, JO, MEI, GitRepo, make_git_repo
from tests.governance.test_provenance import PROMPT_ID, RELATIVE, type_approval, unapproved

FORGED_HOME = "registry/legal"
"""The folder the fake repository is committed as: the prompt's own namespace folder."""


def _evil_script(where: Path, marker: Path) -> Path:
    where.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexit 1\n", encoding="utf-8")
    where.chmod(where.stat().st_mode | stat.S_IXUSR)
    return where


def _forged_repository(tmp_path: Path, text: str, script: Path) -> Path:
    """A repository whose history has the prompt at its top, the approvals committed
    "by" the reviewers and signed (with a key of the attacker's); its git directory,
    with a config pointing at `script`, is what the pull request commits."""
    forged = make_git_repo(tmp_path / "forged", tmp_path / "forged-home", config=False)
    name = Path(RELATIVE).name
    forged.write(name, text)
    forged.commit("reviewed", MEI, key=forged.key_for("attacker@example.net"))
    git_dir = forged.root / ".git"
    (git_dir / "index").unlink()
    shutil.rmtree(git_dir / "hooks", ignore_errors=True)
    forged.git("config", "--file", str(git_dir / "config"), "core.bare", "false")
    forged.git("config", "--file", str(git_dir / "config"), "core.worktree", ".")
    for key in ("gpg.ssh.program", "gpg.program", "core.fsmonitor", "core.hooksPath"):
        forged.git("config", "--file", str(git_dir / "config"), key, str(script))
    return git_dir


@pytest.fixture
def attacked(git_repo: Callable[..., GitRepo], tmp_path: Path) -> tuple[GitRepo, Path]:
    """The pull request as CI checks it out: a forged approval typed into a tier 3
    prompt by Dana, and the fake repository committed beside it."""
    repo = git_repo()
    repo.edit_config("lint:", "require_signed: true\nlint:")
    repo.allow_signers(DANA[1], MEI[1], JO[1])
    repo.write(RELATIVE, unapproved(RELATIVE))
    repo.commit("Add the prompt for review", key=repo.key_for(DANA[1]))
    type_approval(repo, MEI[1])
    marker = tmp_path / "marker"
    script = _evil_script(repo.root / "registry" / "check-signature", marker)
    git_dir = _forged_repository(tmp_path, repo.path(PROMPT_ID).read_text("utf-8"), script)
    shutil.copytree(git_dir, repo.root / FORGED_HOME, dirs_exist_ok=True)
    repo.commit("Approvals")
    assert (repo.root / FORGED_HOME / "HEAD").is_file()
    return repo, marker


def test_lint_reads_the_real_history_and_runs_nothing_from_the_tree(
    attacked: tuple[GitRepo, Path],
) -> None:
    repo, marker = attacked
    selection = Selection.build(select=["G011", "G013"])
    with LintSession.open(repo.settings, select=["G011", "G013"], cache=False) as session:
        in_session = session.lint_paths([repo.settings.registry_dir]).findings
    alone = Linter(repo.settings, selection).lint_paths([repo.settings.registry_dir]).findings
    for findings in (in_session, alone):
        found = {(f.code, f.message.split(" was added in ")[0]) for f in findings}
        assert found == {
            ("G011", f"the approval by {MEI[1]}"),
            ("G013", f"the approval by {MEI[1]}"),
        }
        assert "Dana" in next(f.message for f in findings if f.code == "G011")
    assert not marker.exists(), "a program named by a committed config was run"


def test_approve_runs_nothing_from_the_tree(
    attacked: tuple[GitRepo, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, marker = attacked
    repo.git("config", "user.email", JO[1])
    status = main(["approve", PROMPT_ID, "--config", str(repo.config)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert status == 0, captured.err
    assert not marker.exists(), "a program named by a committed config was run"


def test_every_command_names_the_repository_and_fixes_the_programs(
    attacked: tuple[GitRepo, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _ = attacked
    commands: list[list[str]] = []
    real = promptreg.git.gitio.subprocess.run

    def recording(args: list[str], **kwargs: object) -> object:
        commands.append(list(args))
        return real(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(promptreg.git.gitio.subprocess, "run", recording)
    with LintSession.open(repo.settings, cache=False) as session:
        session.lint_paths([repo.settings.registry_dir])
    assert commands
    real_dir = f"--git-dir={(repo.root / '.git').resolve()}"
    for command in commands:
        assert "safe.bareRepository=explicit" in command
        assert "core.fsmonitor=false" in command
        program = next(c for c in command if c.startswith("gpg.ssh.program="))
        assert Path(program.partition("=")[2]).is_absolute()
        if "rev-parse" in command and "--show-toplevel" in command:
            continue  # the one search, from promptreg.yaml's folder
        dirs = [c for c in command if c.startswith("--git-dir=")]
        assert dirs and all(Path(d[10:]).resolve() == Path(real_dir[10:]) for d in dirs)


def test_a_checkout_without_history_is_a_finding_not_silence(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo()
    repo.write(RELATIVE, unapproved(RELATIVE))
    type_approval(repo, MEI[1])
    shutil.rmtree(repo.root / ".git")
    with LintSession.open(repo.settings, select=["G011", "G020"], cache=False) as session:
        result = session.lint_paths([repo.settings.registry_dir])
    assert [f.code for f in result.findings] == ["G020"]
    assert "not in a git repository" in result.findings[0].message


def test_no_repository_is_found_once_per_session_not_per_file(
    git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repo()
    text = unapproved(RELATIVE)
    repo.write(RELATIVE, text)
    type_approval(repo, MEI[1])
    approved = repo.path(PROMPT_ID).read_text("utf-8")
    for number in range(20):
        repo.write(
            f"registry/legal/copy-{number}.prompt.yaml",
            approved.replace(f"id: {PROMPT_ID}", f"id: legal/copy-{number}"),
        )
    shutil.rmtree(repo.root / ".git")
    searches: list[list[str]] = []
    real = promptreg.git.gitio.subprocess.run

    def counting(args: list[str], **kwargs: object) -> object:
        searches.append(list(args))
        return real(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(promptreg.git.gitio.subprocess, "run", counting)
    with LintSession.open(repo.settings, select=["G011", "G020"], cache=False) as session:
        result = session.lint_paths([repo.settings.registry_dir])
    assert sum(f.code == "G020" for f in result.findings) == 21
    assert len(searches) <= 2  # the session's search, and the linter's, never per file
