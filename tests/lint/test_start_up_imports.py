"""What the pre-commit case loads: linting one edited file of a registry outside a git
repository, caches warm, imports neither the git layer nor the standard library modules
only other paths need (processes, threads, signals, temporary files, workers).

Each of them was start-up time of every such run (about 10 ms together); a change that
imports one again at module level fails here, not only in the benchmark.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from promptreg.core.gitdir import may_be_in_repository
from tests.gitrepo import REPO

PROMPT = Path("registry/engineering/commit-message-draft.prompt.yaml")
"""A tier-1 prompt: no approval whose provenance git would be asked about."""
NOT_NEEDED = (
    "promptreg.git",
    "promptreg.lint.workers",
    "subprocess",
    "threading",
    "signal",
    "tempfile",
    "shutil",
)


def _lint_modules(root: Path, *args: str) -> tuple[int, set[str]]:
    """Exit status and the modules a fresh interpreter loaded running `promptreg lint`."""
    code = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        f"status = main({['lint', '-q', *args]!r})\n"
        "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n"
        "sys.exit(status)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in process.stderr, process.stderr
    return process.returncode, set(process.stderr.rpartition("MODULES ")[2].split())


def test_one_edited_file_outside_git_loads_only_what_linting_it_needs(tmp_path: Path) -> None:
    if may_be_in_repository(tmp_path):
        pytest.skip("the temporary folder lies inside a git repository")
    shutil.copy(REPO / "promptreg.yaml", tmp_path / "promptreg.yaml")
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    first, _ = _lint_modules(tmp_path)  # the full run: caches and memo written
    target = tmp_path / PROMPT
    target.write_text(target.read_text("utf-8").replace("title: ", "title: (edited) ", 1), "utf-8")

    status, loaded = _lint_modules(tmp_path, str(PROMPT))

    assert {first, status} <= {0, 1}  # findings or none; never a usage error or a crash
    assert "promptreg.lint.catalogue" in loaded  # linted afresh, not the cached answer
    assert sorted(m for m in loaded if m.startswith(NOT_NEEDED)) == []
