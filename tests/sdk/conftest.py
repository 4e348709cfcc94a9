"""Registries in real git repositories for the bundle tests: prompts committed, approved
by their reviewers (each committing their own approval), then built."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.sdk.audit import LOGGER_NAME, log_audit_to
from tests.gitrepo import JO, MEI, GitRepo, Who

REPO = Path(__file__).resolve().parents[2]
TIER1 = "engineering/commit-message-draft"
TIER3 = "legal/contract-clause-risk"
DANA: Who = ("Dana Author", "dana@example.com")


def tier1_text(version: str, *, status: str = "approved") -> str:
    """The embedded tier-1 prompt at `version`, its content marked with the version."""
    text = (REPO / "registry" / f"{TIER1}.prompt.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1.1.0", f"version: {version}", 1)
    text = text.replace("status: approved", f"status: {status}", 1)
    marked = text.replace(
        "Reply with the commit message only.",
        f"Reply with the commit message only (style {version}).",
        1,
    )
    assert marked != text
    return marked


def tier3_for_review() -> str:
    """The embedded tier-3 prompt as its author commits it: in review, no approvals."""
    text = (REPO / "registry" / f"{TIER3}.prompt.yaml").read_text(encoding="utf-8")
    text = text.replace("status: approved", "status: review")
    return re.sub(r"(?m)^approvals:\n(?:  .*\n)*", "approvals: []\n", text)


def approve(repo: GitRepo, who: Who, prompt_id: str = TIER3) -> None:
    """`promptreg approve` as `who`, then `who` commits the approval."""
    repo.git("config", "user.email", who[1])
    assert main(["approve", prompt_id, "--config", str(repo.config)]) == 0
    repo.commit(f"Approve {prompt_id}", who)


def build(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str, name: str = "bundle.json"
) -> tuple[int, str, Path]:
    """`promptreg build` in process: (status, stderr, the bundle's path)."""
    output = repo.home / name
    capsys.readouterr()
    status = main(["build", "-o", str(output), "--config", str(repo.config), *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err, output


@pytest.fixture
def tier1_repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """A registry with one approved tier-1 prompt at 1.0.0, committed on main."""
    repo = git_repo(identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    return repo


@pytest.fixture
def tier3_repo(tier1_repo: GitRepo) -> GitRepo:
    """Beside it, the tier-3 prompt: written by Dana, approved by Mei and Jo, each
    committing their own approval."""
    repo = tier1_repo
    repo.write(f"registry/{TIER3}.prompt.yaml", tier3_for_review())
    repo.commit("Add contract-clause-risk for review", DANA)
    path = repo.path(TIER3)
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: review", "status: approved"),
        encoding="utf-8",
    )
    repo.commit("Ready for approval", DANA)
    approve(repo, MEI)
    approve(repo, JO)
    return repo


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """Our audit handler, writing to a string buffer; the logger's level as it was, after."""
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    buffer = io.StringIO()
    handler = log_audit_to(buffer)
    try:
        yield buffer
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
