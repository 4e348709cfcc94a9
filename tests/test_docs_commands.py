"""Every command shown in docs/import.md and docs/report.md runs, in a copy of this
checkout (so the imports land in a throwaway registry)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.gitrepo import REPO, GitRepo

DOCS = ("import.md", "report.md")


def _commands(name: str) -> list[str]:
    text = (REPO / "docs" / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("doc", DOCS)
def test_every_command_in_the_doc_runs(doc: str, git_repo: Callable[..., GitRepo]) -> None:
    commands = _commands(doc)
    assert commands, f"docs/{doc} shows no commands"
    repo = git_repo(registry=True)
    shutil.copytree(
        REPO / "tests" / "fixtures" / "import", repo.root / "tests" / "fixtures" / "import"
    )
    repo.commit("first")
    (repo.root / "notes.txt").write_text("a second commit for --base HEAD~1\n", encoding="utf-8")
    repo.commit("second")
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "promptreg", command
        done = subprocess.run(
            [sys.executable, "-m", "promptreg", *words[1:]],
            cwd=repo.root,
            capture_output=True,
            text=True,
            timeout=300,
            env=repo.env(),
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
