"""The installed entry points (`python -m promptreg`, the console script) as processes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from promptreg import __version__
from tests.cli.support import (
    BREAKAGES,
    FINDING_LINE,
    REPO,
    REPO_IDS,
    console_script,
    run_entry_point,
)


def test_python_dash_m_lint_json_on_the_repository(tmp_path: Path) -> None:
    run = run_entry_point(
        [sys.executable, "-m", "promptreg", "lint", "--format", "json"], REPO, tmp_path
    )

    assert run.status == 0, run.err
    report = json.loads(run.out)
    assert report["files_checked"] == len(REPO_IDS)
    assert report["findings"] == []


def test_python_dash_m_lint_findings_without_colour(broken_project: Path, tmp_path: Path) -> None:
    run = run_entry_point([sys.executable, "-m", "promptreg", "lint"], broken_project, tmp_path)

    assert run.status == 1
    assert "\x1b[" not in run.out
    assert run.err == ""
    lines = run.out.splitlines()
    assert all(FINDING_LINE.match(line) for line in lines[:-1])
    assert len(lines) == len(BREAKAGES) + 1


def test_console_script_init_new_lint(tmp_path: Path) -> None:
    root = tmp_path / "work"
    root.mkdir()
    script = console_script()

    init = run_entry_point([script, "init"], root, tmp_path)
    new = run_entry_point([script, "new", "ops/triage", "--tier", "3"], root, tmp_path)
    lint = run_entry_point([script, "lint"], root, tmp_path)

    assert init.status == 0, init.err
    assert new.status == 0, new.err
    assert (root / "registry" / "ops" / "triage.prompt.yaml").is_file()
    assert lint.status == 0, lint.out
    assert lint.out.endswith(" warnings) in 2 files.\n")  # the new draft's placeholders
    assert {line.split()[1] for line in lint.out.splitlines()[:-1]} == {"Q012"}


def test_console_script_errors_and_version(tmp_path: Path) -> None:
    script = console_script()

    missing = run_entry_point([script, "show", "support/summarize-tickt"], REPO, tmp_path)
    version = run_entry_point([script, "--version"], REPO, tmp_path)

    assert missing.status == 2
    assert "did you mean 'support/summarize-ticket'?" in missing.err
    assert missing.out == ""
    assert version.status == 0
    assert version.out == f"promptreg {__version__}\n"
