"""The built wheel, installed into a fresh virtual environment, works on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("promptreg_standards-*.whl")
    return built


def test_wheel_ships_schemas_and_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "promptreg/schemas/prompt.schema.json" in names
    assert "promptreg/schemas/promptreg.schema.json" in names
    assert "promptreg/schemas/bundle.schema.json" in names
    assert "promptreg/py.typed" in names
    assert not any(name.startswith(("tests/", "registry/")) for name in names)


def test_installed_wheel_lints_and_renders_the_registry(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{wheel}[lint]"],
        check=True,
        capture_output=True,
    )
    # A clone with the whole history: tier 3's approvals are verified against git (G020).
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(REPO), str(work)], check=True, capture_output=True)
    shutil.rmtree(work / "promptreg")  # so the import below can only find the wheel

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


# --- the base install: what a service gets -------------------------------------------

HEAVY = ("openai", "textual", "tiktoken", "pre_commit", "ruamel", "jsonschema")

SERVE = (
    f"""
HEAVY = {HEAVY!r}
"""
    + """
import importlib.util, json, logging, sys
import promptreg
from promptreg import Registry
from promptreg.sdk.audit import log_audit_to

registry = Registry.open(sys.argv[1])
log_audit_to(sys.argv[2])
prompt = registry.get("support/summarize-ticket")
messages = prompt.render(ticket_text="Order 1234 is late.")
logging.shutdown()
print(json.dumps({
    "file": promptreg.__file__,
    "messages": messages,
    "importable": [m for m in HEAVY if importlib.util.find_spec(m) is not None],
    "loaded": sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY)),
}))
"""
)


@pytest.fixture(scope="module")
def base_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed alone: no extras, only the base dependencies."""
    env_dir = tmp_path_factory.mktemp("base") / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir


def _registry_copy(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "promptreg.yaml", work)
    shutil.copytree(REPO / "registry", work / "registry")
    return work


def test_base_install_serves_prompts_without_the_tooling(base_venv: Path, tmp_path: Path) -> None:
    import json

    work = _registry_copy(tmp_path)
    audit = tmp_path / "audit.jsonl"
    done = subprocess.run(
        [str(base_venv / "bin" / "python"), "-c", SERVE, str(work), str(audit)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert str(base_venv) in result["file"]  # the wheel, not the source tree
    assert "Order 1234 is late." in result["messages"][-1]["content"]
    assert result["importable"] == []
    assert result["loaded"] == []
    (record,) = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert record["prompt_id"] == "support/summarize-ticket"


@pytest.mark.parametrize(("command", "extra"), [("lint", "lint"), ("test", "evals")])
def test_base_install_names_the_extra_a_command_needs(
    base_venv: Path, tmp_path: Path, command: str, extra: str
) -> None:
    work = _registry_copy(tmp_path)
    done = subprocess.run(
        [str(base_venv / "bin" / "promptreg"), command], cwd=work, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"pip install 'promptreg-standards[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr


ACCEPT = """
import json, sys
from pathlib import Path
from promptreg import Registry, PromptregError

bundle, signers, stranger, prompt_id = sys.argv[1:5]
outcome = {}
registry = Registry.open(bundle, allowed_signers=signers, require_signature=True)
outcome["served"] = registry.get(prompt_id).render(diff="+ x = 1")[-1]["content"]
outcome["repr"] = repr(registry)


def refusal(path, allowed):
    try:
        Registry.open(path, allowed_signers=allowed, require_signature=True)
    except PromptregError as exc:
        return str(exc)
    return None


outcome["stranger"] = refusal(bundle, stranger)
data = Path(bundle).read_bytes()
tampered = Path(bundle).with_name("tampered.json")
tampered.write_bytes(data.replace(b"Reply with the commit", b"Reply with the commiT", 1))
Path(str(tampered) + ".sig").write_bytes(Path(bundle + ".sig").read_bytes())
outcome["tampered"] = refusal(str(tampered), signers)
unsigned = Path(bundle).with_name("unsigned.json")
unsigned.write_bytes(data)
outcome["unsigned"] = refusal(str(unsigned), signers)
outcome["loaded"] = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps(outcome))
"""


def test_base_install_opens_a_signed_bundle_and_refuses_bad_ones(
    base_venv: Path,
    git_repo: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    import json

    from tests.sdk.conftest import DANA, TIER1, build, tier1_text

    repo = git_repo(identity=DANA)
    repo.write(f"registry/{TIER1}.prompt.yaml", tier1_text("1.0.0"))
    repo.commit("Add the commit-message prompt", DANA)
    builder, stranger = "release@example.com", "stranger@example.com"
    status, err, bundle = build(repo, capsys, "--sign", str(repo.key_for(builder)))
    assert status == 0, err
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(
        f'{builder} namespaces="promptreg-bundle" {repo.public_key(builder)}\n', encoding="utf-8"
    )
    other = tmp_path / "other_signers"
    other.write_text(
        f'{stranger} namespaces="promptreg-bundle" {repo.public_key(stranger)}\n',
        encoding="utf-8",
    )
    script = f"HEAVY = {HEAVY!r}\n" + ACCEPT
    done = subprocess.run(
        [
            str(base_venv / "bin" / "python"),
            "-c",
            script,
            *map(str, (bundle, allowed, other)),
            TIER1,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert "+ x = 1" in outcome["served"]
    assert f"signed by {builder}" in outcome["repr"]
    assert "does not list" in outcome["stranger"]
    assert "changed after it was signed" in outcome["tampered"]
    assert "is not signed" in outcome["unsigned"]
    assert outcome["loaded"] == []
