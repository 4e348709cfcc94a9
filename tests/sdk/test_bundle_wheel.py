"""The built wheel, installed alone in a fresh virtual environment, serves a signed
bundle and refuses a tampered, a wrongly signed and an unsigned one."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.sdk.conftest import REPO, TIER1, build

SERVE = """
import sys
from promptreg import Registry, PromptregError
try:
    registry = Registry.open(sys.argv[1], allowed_signers=sys.argv[2], require_signature=True)
    print(registry.get(sys.argv[3], version="^1").render(diff="+ fix")[1]["content"].strip())
except PromptregError as exc:
    print("refused:", exc.message)
heavy = ("openai", "textual", "tiktoken", "pre_commit", "ruamel", "promptreg.lint")
print("loaded:", sorted(name for name in heavy if name in sys.modules))
"""


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    assert "promptreg/schemas/bundle.schema.json" in zipfile.ZipFile(wheel).namelist()
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    return python


def serve(python: Path, bundle: Path, signers: Path) -> list[str]:
    process = subprocess.run(
        [str(python), "-c", SERVE, str(bundle), str(signers), TIER1],
        capture_output=True,
        text=True,
        cwd=bundle.parent,
    )
    assert process.returncode == 0, process.stderr
    return process.stdout.strip().splitlines()


def test_installed_wheel_serves_only_a_good_signature(
    python: Path, tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tier1_repo
    key = str(repo.key_for("release@example.com"))
    status, err, bundle = build(repo, capsys, "--sign", key)
    assert status == 0, err
    signers = repo.write(
        "../allowed_signers",
        f'release@example.com namespaces="promptreg-bundle" '
        f"{repo.public_key('release@example.com')}\n",
    )
    stranger = repo.write(
        "../stranger_signers",
        f'x@example.com namespaces="promptreg-bundle" {repo.public_key("x@example.com")}\n',
    )
    good = serve(python, bundle, signers)
    assert good[-2] == "</diff>" and good[-1] == "loaded: []"

    assert "is signed by key" in serve(python, bundle, stranger)[0]

    data = bundle.read_bytes()
    bundle.write_bytes(data.replace(b"Reply with the commit", b"Reply with the commiT"))
    assert "changed after it was signed" in serve(python, bundle, signers)[0]

    bundle.write_bytes(data)
    Path(f"{bundle}.sig").unlink()
    assert "is not signed" in serve(python, bundle, signers)[0]
