"""Every shell command shown in README.md and docs/*.md runs, as a reader types it.

Each page's ```sh blocks run in order, one command at a time, in a fresh repository
holding a copy of this checkout (the embedded registry, its history in one commit, the
fixtures the import examples name). From the block with `promptreg init` on, a page
follows a team adopting promptreg, so those commands run in a fresh repository of
their own. Lines of a block that start with `$ ` are the commands and the rest their
output. The few commands that need a network, a person at a prompt or a placeholder
filled in are listed in SKIP with the reason; a SKIP entry that matches nothing fails,
so the list cannot outlive the docs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.gitrepo import REPO, GitRepo, Who

PAGES = ("README.md", *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")))
JO: Who = ("Jo Okafor", "jo@example.com")  # a compliance reviewer in promptreg.yaml

SKIP: dict[str, str] = {
    "python3 -m venv .venv": "builds a virtual environment from the package index; "
    "this suite runs in one",
    "pip install promptreg-standards": "installs the published package from the package index",
    "pre-commit install": "its hooks clone the hook repository from the forge; "
    "tests/test_hooks.py runs every printed configuration in a real pre-commit",
    "promptreg test --tier 3": "sends the eval cases to a model over the network "
    "(tests/evals runs them against a local server)",
    "promptreg test legal/dsar-triage": "sends the eval cases to a model over the network",
    "promptreg test  ": "sends every eval case to a model over the network",
    "ssh-keygen": "asks for a passphrase at the terminal",
    "log --show-signature -1 COMMIT": "COMMIT stands for the reader's approval commit",
    "detect_secrets": "needs detect-secrets, which promptreg does not depend on",
    "benchmarks/": "a benchmark of minutes; its figures are in docs/performance.md",
    "git commit -S": "needs the reviewer's signing key, which the same page sets up after it",
    "$EDITOR ": "opens the reader's editor",
    "git push ": "pushes to the reader's forge",
    "Promptreg-Policy: sha256:…": "the hash stands for the reader's policy change, and the "
    "commit needs the reviewer's signing key (tests/security/test_policy_from_base.py makes "
    "such commits)",
    "--sign ~/.ssh/promptreg_build_key": "needs the CI's signing key (tests/sdk signs bundles "
    "with a throwaway key)",
    "promptreg tui ": "a full-screen application that needs a terminal (tests/tui drives it)",
}


@dataclass(frozen=True)
class Command:
    page: str
    text: str
    adopting: bool
    """From `promptreg init` on: run in a repository that is adopting promptreg."""


def _blocks(page: str) -> list[str]:
    text = (REPO / page).read_text(encoding="utf-8")
    return re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.S | re.M)


def _commands_of(block: str) -> Iterator[str]:
    lines = block.splitlines()
    prompted = any(line.startswith("$ ") for line in lines)
    lines = iter(lines)
    for line in lines:
        if prompted:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        command = line.strip()
        if not command or command.startswith("#"):
            continue
        heredoc = re.search(r"<<'?(\w+)'?", command)
        if heredoc:  # the lines up to the delimiter belong to this command
            body = []
            for more in lines:
                body.append(more)
                if more.strip() == heredoc.group(1):
                    break
            command = "\n".join([command, *body])
        yield command


def commands(page: str) -> list[Command]:
    found: list[Command] = []
    adopting = False
    for block in _blocks(page):
        adopting = adopting or "promptreg init" in block
        found.extend(Command(page, text, adopting) for text in _commands_of(block))
    return found


def _skip_reason(command: str) -> str | None:
    return next((why for key, why in SKIP.items() if key in f"{command}  "), None)


def _clone_checkout(repo: GitRepo) -> None:
    """A clone of this repository, with its history (approvals are proved by who
    committed them), and this working tree's changes committed on top."""
    shutil.rmtree(repo.root)
    subprocess.run(
        ["git", "clone", "-q", str(REPO), str(repo.root)], check=True, capture_output=True
    )
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in listed.decode().split("\0"):
        if name and (REPO / name).is_file():
            target = repo.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)


def _scene(make: Callable[..., GitRepo], name: str, adopting: bool) -> GitRepo:
    repo = make(name, config=False)
    if adopting:  # a team's repository on GitHub, before promptreg
        repo.write("README.md", "# Our service\n")
        repo.write(".github/workflows/ci.yml", "on: push\n")
    else:
        _clone_checkout(repo)
    if repo.git("status", "--porcelain"):
        repo.commit("the working tree")
    (repo.root / ".venv").symlink_to(Path(sys.prefix))  # `.venv/bin/...` as in the docs
    return repo


def test_every_skip_names_a_command() -> None:
    shown = [c.text for page in PAGES for c in commands(page)]
    for key in SKIP:
        assert any(key in f"{text}  " for text in shown), f"SKIP {key!r} matches no command"


@pytest.mark.parametrize("page", [page for page in PAGES if commands(page)])
def test_every_command_on_the_page_runs(page: str, git_repo: Callable[..., GitRepo]) -> None:
    shown = commands(page)
    scenes: dict[bool, GitRepo] = {}
    ran = 0
    for command in shown:
        if _skip_reason(command.text):
            continue
        if command.adopting not in scenes:
            scenes[command.adopting] = _scene(
                git_repo, f"{'adopting' if command.adopting else 'registry'}", command.adopting
            )
        repo = scenes[command.adopting]
        who = JO if page == "docs/governance.md" else repo.identity  # the reviewer's page
        env = repo.env(who)
        repo.git("config", "user.name", who[0])
        repo.git("config", "user.email", who[1])
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env["NO_COLOR"] = "1"
        done = subprocess.run(
            ["bash", "-c", command.text],
            cwd=repo.root,
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, f"{page}: {command.text}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, f"{page}: {command.text}\n{done.stderr}"
        ran += 1
    assert ran or all(_skip_reason(c.text) for c in shown)
