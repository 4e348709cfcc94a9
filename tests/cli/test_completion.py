"""Shell completion: bash, through the function `register-python-argcomplete` prints,
completes commands, options, prompt ids and rule names from the real console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import REPO

BIN = Path(sys.executable).parent


def _bash_complete(line: str, cwd: Path) -> list[str]:
    """COMPREPLY for `line`, as bash computes it when Tab is pressed at its end."""
    register = BIN / "register-python-argcomplete"
    assert register.is_file(), "argcomplete is a dependency: its script must be installed"
    words = line.split(" ")
    script = (
        f'eval "$({register} promptreg)"\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={line!r}\nCOMP_POINT=${{#COMP_LINE}}\n"
        "_python_argcomplete promptreg\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return [word.strip() for word in done.stdout.splitlines() if word.strip()]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    root = tmp_path_factory.mktemp("completion")
    shutil.copy(REPO / "promptreg.yaml", root)
    shutil.copytree(REPO / "registry", root / "registry")
    return root


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("promptreg li", ["lint", "list"]),
        ("promptreg lint --ba", ["--base", "--baseline"]),
        ("promptreg show support/su", ["support/summarize-ticket"]),
        ("promptreg render legal/con", ["legal/contract-clause-risk"]),
        ("promptreg test --ti", ["--tier"]),
        ("promptreg explain untrusted-v", ["untrusted-variable-in-system-message"]),
    ],
)
def test_bash_completes(registry: Path, line: str, expected: list[str]) -> None:
    assert sorted(_bash_complete(line, registry)) == expected


def test_every_prompt_id_is_offered(registry: Path) -> None:
    ids = sorted(
        p.relative_to(registry / "registry").as_posix().removesuffix(".prompt.yaml")
        for p in (registry / "registry").rglob("*.prompt.yaml")
    )
    offered = _bash_complete("promptreg history ", registry)
    assert sorted(w for w in offered if not w.startswith("-")) == ids  # and the options


def test_no_registry_completes_no_ids(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    assert _bash_complete("promptreg show sup", tmp_path) == []


def test_an_ordinary_run_does_not_import_argcomplete() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from promptreg.cli.main import main; "
            "main(['--version']); print('argcomplete' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("False")
