"""Class 13, the small ones: terminal escapes from titles and commit authors, the crash
log written through a planted symlink, a huge list that costs seconds and megabytes of
message, and a "safe" fix that voids approvals."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.error_handler import EXIT_BUG, Exit, error_handler
from promptreg.core.config import load_config
from promptreg.core.hashing import content_hash
from promptreg.core.loader import load_prompt
from promptreg.core.location import Position, Span
from promptreg.lint.finding import Edit, Finding, Fix
from promptreg.lint.fix import fix_file
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from tests.gitrepo import REPO, GitRepo

PROMPT_ID = "support/summarize-ticket"
# Clear the screen, write the clipboard (OSC 52), ring the bell, reverse the text.
HOSTILE_TITLE = r'"Summarise \e[2J\e]52;c;SGVsbG8=\a a ticket \u202e"'
RAW = ("\x1b", "\x07", "\u202e")


def _promptreg(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "promptreg", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": os.environ["PATH"], "HOME": str(home), "NO_COLOR": "1"},
    )


@pytest.fixture
def hostile(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """A pull request whose title and commit author carry terminal escapes."""
    repo = git_repo(registry=True)
    repo.commit("registry")
    path = repo.path(PROMPT_ID)
    text = path.read_text(encoding="utf-8")
    retitled = re.sub(
        r"^title: .*$", lambda _: f"title: {HOSTILE_TITLE}", text, count=1, flags=re.M
    )
    path.write_text(retitled, "utf-8")
    repo.commit("retitle", who=("Eve \x1b[2J\x1b]52;c;SGk=", "eve@example.com"))
    return repo


@pytest.mark.parametrize(
    "command",
    [("list",), ("show", PROMPT_ID), ("history", PROMPT_ID)],
    ids=["list", "show", "history"],
)
def test_terminal_escapes_are_printed_escaped(hostile: GitRepo, command: tuple[str, ...]) -> None:
    run = _promptreg(hostile.root, hostile.home, *command)
    assert run.returncode == 0, run.stderr
    assert [raw for raw in RAW if raw in run.stdout + run.stderr] == []
    assert "\\x1b[2J" in run.stdout  # shown, as an escape


def test_the_crash_log_is_a_new_private_file_never_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (shared / "promptreg-crash.log").symlink_to(victim)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))

    for _ in range(2):
        with pytest.raises(Exit) as left, error_handler():
            raise RuntimeError("a bug")
        assert left.value.status == EXIT_BUG

    assert victim.read_text(encoding="utf-8") == "keep me\n"
    logs = sorted(p for p in shared.iterdir() if p.name != "promptreg-crash.log")
    assert len(logs) == 2  # one file per crash, each under its own random name
    for log in logs:
        info = log.lstat()
        assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
        assert "RuntimeError: a bug" in log.read_text(encoding="utf-8")
    assert str(logs[0]) in capsys.readouterr().err or str(logs[1]) in capsys.readouterr().err


def _huge_list_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "registry" / "support").mkdir(parents=True)
    (project / "promptreg.yaml").write_bytes((REPO / "promptreg.yaml").read_bytes())
    text = (REPO / "registry" / f"{PROMPT_ID}.prompt.yaml").read_text(encoding="utf-8")
    huge = "tags: [" + ",".join(["a"] * 400_000) + "]"
    text = re.sub(r"^tags: .*$", huge, text, count=1, flags=re.M)
    assert 700_000 < len(text) < 1_048_576  # under the file size limit (F005)
    path = project / "registry" / f"{PROMPT_ID}.prompt.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_400000_item_list_gives_a_short_finding(tmp_path: Path) -> None:
    path = _huge_list_project(tmp_path)
    root = path.parents[2]
    run = _promptreg(root, tmp_path, "lint", str(path), "--no-cache", "--format", "json")
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert [(f["code"], f["line"]) for f in findings] == [("S001", 12)]
    assert len(findings[0]["message"]) < 200
    assert len(run.stdout) < 5_000


def test_a_400000_item_list_is_not_validated_item_by_item(tmp_path: Path) -> None:
    """The work is bounded: the detailed schema check reads the first entries only. It
    is counted in calls into jsonschema, not timed."""
    path = _huge_list_project(tmp_path)
    settings = load_config(path.parents[2] / "promptreg.yaml")
    linter = Linter(settings, Selection.build(["S001"]))
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" and "jsonschema" in frame.f_code.co_filename:  # type: ignore[attr-defined]
            calls += 1

    data = path.read_bytes()
    sys.setprofile(count)
    try:
        findings = linter.lint_file(path, data)
    finally:
        sys.setprofile(None)
    assert [f.code for f in findings] == ["S001"]
    assert calls < 200_000


class SafeLookingLinter(Linter):
    """The real rules, plus a rule whose fix is marked safe but rewrites message text."""

    def lint_file(self, path: Path, data: bytes | None = None) -> list[Finding]:
        findings = super().lint_file(path, data)
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        for number, line in enumerate(text.split("\n"), 1):
            at = line.find("You summarise")
            if at >= 0:
                span = Span(Position(number, at + 1), Position(number, at + 14))
                fix = Fix("reword", (Edit(span.start, span.end, "You never summarise"),))
                findings.append(Finding(path, span, "Q997", "reword", "reword", "info", fix))
        return sorted(findings)


def _hash_of(path: Path) -> str:
    value = load_prompt(path, path.read_bytes()).document.value
    assert isinstance(value, dict)
    return content_hash(value)


def test_a_safe_fix_that_changes_the_content_hash_is_not_applied(
    git_repo: Callable[..., GitRepo],
) -> None:
    repo = git_repo(registry=True)
    repo.commit("registry")
    path = repo.path(PROMPT_ID)
    before, hashed = path.read_bytes(), _hash_of(path)
    linter = SafeLookingLinter(repo.settings, Selection.build(["F", "S006"]))

    outcome = fix_file(linter, path, unsafe=False)
    assert "Q997" not in outcome.fixed and "Q997" in {f.code for f in outcome.remaining}
    assert (path.read_bytes(), _hash_of(path)) == (before, hashed)
    assert repo.git("status", "--porcelain") == ""

    outcome = fix_file(linter, path, unsafe=True)
    assert outcome.fixed.get("Q997") == 1 and _hash_of(path) != hashed


def test_lint_fix_leaves_trailing_whitespace_of_approved_text_alone(
    git_repo: Callable[..., GitRepo],
) -> None:
    """Q005 (trailing whitespace in a message) changes the hash: only --unsafe-fixes."""
    repo = git_repo(registry=True)
    path = repo.path(PROMPT_ID)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "support agent who will handle them.", "support agent who will handle them.   ", 1
        ),
        "utf-8",
    )
    repo.commit("registry")
    hashed = _hash_of(path)
    run = _promptreg(repo.root, repo.home, "lint", str(path), "--select", "Q005", "--fix")
    assert "Q005" in run.stdout and _hash_of(path) == hashed
    assert repo.git("status", "--porcelain") == ""
    _promptreg(
        repo.root, repo.home, "lint", str(path), "--select", "Q005", "--fix", "--unsafe-fixes"
    )
    assert _hash_of(path) != hashed
