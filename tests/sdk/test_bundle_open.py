"""Opening a bundle in production: signatures, tampering, the open order, no file I/O
after open, threads, and schema versions."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from promptreg import BundleError, Registry, SignatureError
from promptreg.core.errors import UsageError
from tests.gitrepo import GitRepo
from tests.sdk.conftest import TIER1, build

BUILDER = "release@example.com"
STRANGER = "stranger@example.com"


def signers(repo: GitRepo, email: str, namespaces: str = "promptreg-bundle") -> Path:
    line = f'{email} namespaces="{namespaces}" {repo.public_key(email)}\n'
    return repo.write(f"../signers-{email}-{namespaces}", line)


@pytest.fixture
def signed(tier1_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[GitRepo, Path]:
    status, err, output = build(tier1_repo, capsys, "--sign", str(tier1_repo.key_for(BUILDER)))
    assert status == 0, err
    assert Path(f"{output}.sig").is_file()
    return tier1_repo, output


def test_a_signed_bundle_opens_and_serves(signed: tuple[GitRepo, Path]) -> None:
    repo, output = signed
    registry = Registry.open(output, allowed_signers=signers(repo, BUILDER))
    assert f"signed by {BUILDER}" in repr(registry)
    messages = registry.get(TIER1).render(diff="+ x = 1")
    assert "+ x = 1" in messages[1]["content"]


def test_the_signature_checks_like_ssh_keygen_does(signed: tuple[GitRepo, Path]) -> None:
    repo, output = signed
    allowed = signers(repo, BUILDER)
    command = ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", BUILDER]
    command += ["-n", "promptreg-bundle", "-s", f"{output}.sig"]
    process = subprocess.run(command, input=output.read_bytes(), capture_output=True)
    assert process.returncode == 0, process.stderr


def test_one_byte_changed_in_a_message_is_refused(signed: tuple[GitRepo, Path]) -> None:
    repo, output = signed
    data = output.read_bytes()
    assert data.count(b"Reply with the commit") == 1
    output.write_bytes(data.replace(b"Reply with the commit", b"Reply with the commiT"))
    with pytest.raises(SignatureError, match="changed after it was signed"):
        Registry.open(output, allowed_signers=signers(repo, BUILDER))


def test_an_unsigned_bundle_is_refused_when_a_signature_is_required(
    signed: tuple[GitRepo, Path],
) -> None:
    repo, output = signed
    Path(f"{output}.sig").unlink()
    with pytest.raises(SignatureError, match="is not signed"):
        Registry.open(output, allowed_signers=signers(repo, BUILDER), require_signature=True)
    assert Registry.open(output).get(TIER1).version == "1.0.0"  # nobody asked for one


def test_a_key_the_allowed_signers_do_not_list_is_refused(
    signed: tuple[GitRepo, Path],
) -> None:
    repo, output = signed
    with pytest.raises(SignatureError, match="does not list") as caught:
        Registry.open(output, allowed_signers=signers(repo, STRANGER), require_signature=True)
    assert "SHA256:" in str(caught.value)


def test_a_key_listed_for_git_commits_only_does_not_sign_bundles(
    signed: tuple[GitRepo, Path],
) -> None:
    repo, output = signed
    with pytest.raises(SignatureError, match="does not list"):
        Registry.open(output, allowed_signers=signers(repo, BUILDER, "git"))


def test_a_signature_made_for_another_namespace_is_refused(
    signed: tuple[GitRepo, Path],
) -> None:
    repo, output = signed
    command = ["ssh-keygen", "-q", "-Y", "sign", "-f", str(repo.key_for(BUILDER)), "-n", "git"]
    signature = subprocess.run(command, input=output.read_bytes(), capture_output=True)
    Path(f"{output}.sig").write_bytes(signature.stdout)
    with pytest.raises(SignatureError, match="namespace 'git'"):
        Registry.open(output, allowed_signers=signers(repo, BUILDER))


def test_a_changed_unsigned_bundle_is_refused_before_the_entry_is_used(
    signed: tuple[GitRepo, Path],
) -> None:
    _, output = signed
    data = output.read_bytes()
    output.write_bytes(data.replace(b"Reply with the commit", b"Reply with the commiT"))
    registry = Registry.open(output)
    with pytest.raises(BundleError, match=f"entry of {TIER1} 1.0.0 does not match its hash"):
        registry.get(TIER1)


def test_an_unknown_schema_version_is_refused(signed: tuple[GitRepo, Path]) -> None:
    _, output = signed
    data = output.read_bytes()
    output.write_bytes(data.replace(b'"schema_version":1,', b'"schema_version":2,', 1))
    with pytest.raises(BundleError, match="schema version 2, which this promptreg does not"):
        Registry.open(output)


def test_a_rewritten_layout_is_refused(signed: tuple[GitRepo, Path]) -> None:
    _, output = signed
    output.write_text(json.dumps(json.loads(output.read_bytes()), indent=2), encoding="utf-8")
    with pytest.raises(BundleError, match=r"header|layout"):
        Registry.open(output)


def test_open_order_explicit_then_environment_then_the_nearest_checkout(
    signed: tuple[GitRepo, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, output = signed
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("PROMPTREG_BUNDLE", raising=False)
    monkeypatch.delenv("PROMPTREG_ALLOWED_SIGNERS", raising=False)
    assert "development mode" in repr(Registry.open())
    monkeypatch.setenv("PROMPTREG_BUNDLE", str(output))
    assert repr(Registry.open()).startswith(f"<Registry bundle {output}")
    assert "development mode" in repr(Registry.open(repo.root))
    monkeypatch.setenv("PROMPTREG_ALLOWED_SIGNERS", str(signers(repo, BUILDER)))
    assert f"signed by {BUILDER}" in repr(Registry.open())
    monkeypatch.delenv("PROMPTREG_BUNDLE")
    with pytest.raises(UsageError, match="PROMPTREG_BUNDLE is not set"):
        Registry.open()


def test_a_bundle_registry_has_no_files(signed: tuple[GitRepo, Path]) -> None:
    registry = Registry.open(signed[1])
    with pytest.raises(UsageError, match="serves a bundle"):
        registry.paths()
    assert [spec.id for spec in registry.list(tier=1)] == [TIER1]


NO_IO = """
import sys
from promptreg import Registry
registry = Registry.open(sys.argv[1], allowed_signers=sys.argv[2])
opened = []
sys.addaudithook(lambda event, args: opened.append((event, args)) if event in (
    "open", "os.listdir", "os.scandir", "subprocess.Popen", "import") else None)
for version in ("1.0.0", "^1", None):
    registry.get(sys.argv[3], version=version).render(diff="x")
try:
    registry.get(sys.argv[3], version="9.x")
except Exception as exc:
    print(type(exc).__name__)
try:
    registry.get("engineering/commit-mesage-draft")
except Exception as exc:
    print(type(exc).__name__)
print(opened)
heavy = ("yaml", "promptreg.core.config", "promptreg.lint", "openai", "textual", "tiktoken")
print(sorted(name for name in heavy if name in sys.modules))
"""


def test_nothing_is_read_from_disk_after_open_and_no_tooling_is_loaded(
    signed: tuple[GitRepo, Path],
) -> None:
    repo, output = signed
    process = subprocess.run(
        [sys.executable, "-c", NO_IO, str(output), str(signers(repo, BUILDER)), TIER1],
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    lines = process.stdout.split("\n")[:4]
    assert lines == ["PromptNotFoundError", "PromptNotFoundError", "[]", "[]"]  # nor YAML


def test_threads_share_one_compiled_prompt(signed: tuple[GitRepo, Path]) -> None:
    registry = Registry.open(signed[1])
    got: list[object] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        prompt = registry.get(TIER1, version="^1.0")
        got.append(prompt)
        assert prompt.render(diff="y")[1]["content"].strip().endswith("</diff>")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8 and all(prompt is got[0] for prompt in got)


def test_ranges_from_callers_input_do_not_grow_memory_without_bound(
    signed: tuple[GitRepo, Path],
) -> None:
    from promptreg.sdk.bundle import MAX_REMEMBERED_REQUESTS

    repo, output = signed
    registry = Registry.open(output, allowed_signers=signers(repo, BUILDER))
    for patch in range(MAX_REMEMBERED_REQUESTS + 10):  # every request a different range
        assert registry.get(TIER1, version=f">=1.0.0 <1.0.{patch + 1}").version == "1.0.0"
    assert registry.bundle is not None
    assert 0 < len(registry.bundle._served) <= MAX_REMEMBERED_REQUESTS
