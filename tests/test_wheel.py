"""The built wheel, installed into a fresh virtual environment, works on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("promptreg-*.whl")
    return built


def test_wheel_ships_schemas_and_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "promptreg/schemas/prompt.schema.json" in names
    assert "promptreg/schemas/promptreg.schema.json" in names
    assert "promptreg/py.typed" in names
    assert not any(name.startswith(("tests/", "registry/")) for name in names)


def test_installed_wheel_lints_and_renders_the_registry(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "promptreg.yaml", work)
    shutil.copytree(REPO / "registry", work / "registry")

    where = subprocess.run(
        [str(python), "-c", "import promptreg, sys; print(promptreg.__file__)"],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env_dir) in where  # the wheel, not the source tree

    lint = subprocess.run(
        [str(env_dir / "bin" / "promptreg"), "lint"], cwd=work, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "All checks passed" in lint.stdout

    render = subprocess.run(
        [
            str(python),
            "-m",
            "promptreg",
            "render",
            "support/summarize-ticket",
            "--var",
            "ticket_text=Order 1234 is late.",
        ],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0, render.stderr
    assert "Order 1234 is late." in render.stdout
