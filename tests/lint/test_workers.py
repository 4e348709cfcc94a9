"""Worker processes: only when asked for, the same findings in the same order, and a
failing worker is an error the parent raises, never a hang.

Each test forks from a fresh interpreter (a subprocess), as the CLI does, rather than
from the test runner's own process; an audit hook counts the forks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from promptreg.lint.workers import PARALLEL_MIN_FILES, worker_count
from tests.gitrepo import REPO

FIXTURES = REPO / "tests" / "fixtures" / "rules"

COUNT_FORKS = """
import sys
FORKS = []
sys.addaudithook(lambda event, args: FORKS.append(event) if event == "os.fork" else None)
"""


def _run(script: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", COUNT_FORKS + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=300,
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    return process.stdout


def test_a_session_lints_in_one_process_unless_asked() -> None:
    out = _run(
        f"""
        import json
        from pathlib import Path
        from promptreg.core.config import load_config
        from promptreg.lint.session import LintSession

        fixtures = Path({str(FIXTURES)!r})
        with LintSession.open(load_config(fixtures / "promptreg.yaml"), cache=False) as session:
            alone = session.lint_paths([fixtures])
            forks_alone = len(FORKS)
            shared = session.lint_paths([fixtures], jobs=2)
        print(json.dumps({{
            "files": alone.files_checked,
            "forks_alone": forks_alone,
            "forks_shared": len(FORKS) - forks_alone,
            "same": [f.to_json() for f in alone.findings]
            == [f.to_json() for f in shared.findings],
            "findings": len(alone.findings),
        }}))
        """
    )
    result = json.loads(out)
    assert result["files"] >= PARALLEL_MIN_FILES  # enough for the CLI to go parallel
    assert result["forks_alone"] == 0
    assert result["forks_shared"] == 2
    assert result["same"] is True
    assert result["findings"] > 100


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    out = _run(
        """
        import os
        from pathlib import Path
        from promptreg.core.errors import ConfigError
        from promptreg.lint.workers import WorkerError, lint_in_processes

        files = [(Path(name), None) for name in "abcd"]

        def refuse(path, data):
            if path.name == "c":
                raise ConfigError("no rank file for encoding 'x'", hint="use a known model")
            return []

        def die(path, data):
            os._exit(7)

        try:
            lint_in_processes(refuse, files, 2)
        except ConfigError as error:
            print("ConfigError:", error.message, "|", error.hint)
        try:
            lint_in_processes(die, files, 2)
        except WorkerError as error:
            print("WorkerError:", error.message)
        """
    )
    assert out.splitlines() == [
        "ConfigError: no rank file for encoding 'x' | use a known model",
        "WorkerError: a lint worker process ended without its findings (exit status 7)",
    ]


def test_the_cli_lints_the_same_in_parallel_and_alone() -> None:
    command = [
        sys.executable,
        "-m",
        "promptreg",
        "lint",
        "--select",
        "ALL",
        str(FIXTURES),
        "--format",
        "json",
        "--no-cache",
    ]
    alone = subprocess.run([*command, "--jobs", "1"], capture_output=True, text=True, cwd=REPO)
    shared = subprocess.run([*command, "--jobs", "2"], capture_output=True, text=True, cwd=REPO)
    assert alone.returncode == shared.returncode == 1
    assert json.loads(alone.stdout)["findings"]
    assert shared.stdout == alone.stdout
    assert shared.stderr == alone.stderr == ""


@pytest.mark.parametrize(
    ("files", "jobs", "expected"),
    [
        (500, 1, 1),
        (500, 3, 3),
        (2, 8, 2),  # never more workers than files
        (0, 4, 1),
        (5, -1, 1),
        (PARALLEL_MIN_FILES - 1, "auto", 1),  # too few to pay for the processes
    ],
)
def test_worker_count(files: int, jobs: int | str, expected: int) -> None:
    assert worker_count(files, jobs) == expected  # type: ignore[arg-type]


def test_automatic_workers_follow_the_cores_up_to_eight() -> None:
    import os

    cores = os.cpu_count() or 1
    assert worker_count(10_000, "auto") == (1 if sys.platform == "win32" else min(cores, 8))


def test_workers_leave_the_collector_as_they_found_it() -> None:
    """The parent freezes its objects for the fork and thaws them after, but never
    thaws what its caller had frozen itself (an app that froze its long-lived objects)."""
    out = _run(
        """
        import gc
        from pathlib import Path
        from promptreg.lint.workers import lint_in_processes

        files = [(Path(name), None) for name in "abcd"]
        seen = []

        def frozen_in_child(path, data):
            return [] if gc.get_freeze_count() else [None]  # a finding only if not frozen

        found = lint_in_processes(frozen_in_child, files, 2)
        print("children frozen:", found == [[], [], [], []])
        print("thawed after:", gc.get_freeze_count() == 0)
        gc.freeze()
        before = gc.get_freeze_count()
        lint_in_processes(frozen_in_child, files, 2)
        print("caller's freeze kept:", gc.get_freeze_count() >= before > 0)
        """
    )
    assert out.splitlines() == [
        "children frozen: True",
        "thawed after: True",
        "caller's freeze kept: True",
    ]
