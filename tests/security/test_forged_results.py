"""Forged eval results. A results file is made of things anyone can compute (the
fingerprints hash the prompt, the case and the settings), so a pull request can write a
passing, fresh one by hand and satisfy G015-G017 on a tier-3 prompt. With
`evals.signed_by`, a results file counts only with an SSH signature (namespace
promptreg-evals) by a key the base's allowed-signers file lists for one of those
principals: the job that ran the evals holds that key, the pull request does not."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.config import load_config
from promptreg.core.loader import load_prompt
from promptreg.governance.evidence import CaseResult, ResultsFile, format_time, results_path
from promptreg.governance.fingerprint import case_keys
from tests.gitrepo import DANA, GitRepo, require_ssh_keygen

FIXTURE = Path(__file__).parent.parent / "fixtures" / "rules" / "G015" / "good.prompt.yaml"
PROMPT = "registry/legal/access-request-check.prompt.yaml"
RESULTS = ".promptreg/evals/legal/access-request-check.json"
CI = "ci@example.com"
SELECT = "G015,G016,G017"


def forge(root: Path) -> Path:
    """What the attacker does: every case passed, answered a minute ago."""
    settings = load_config(root / "promptreg.yaml")
    spec = load_prompt(root / PROMPT).spec
    assert spec is not None
    now = format_time(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    results = tuple(
        CaseResult(
            key.name,
            0,
            key.fingerprint(0),
            key.components(),
            True,
            now,
            now,
            "127.0.0.1:8000",
            key.model,
        )
        for key in case_keys(spec, settings)
    )
    path = results_path(settings, spec.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ResultsFile(spec.id, spec.version, spec.content_hash, now, results).dumps())
    return path


def sign(repo: GitRepo, path: Path, email: str, namespace: str = "promptreg-evals") -> None:
    key = repo.key_for(email)
    path.with_name(f"{path.name}.sig").unlink(missing_ok=True)  # ssh-keygen keeps one
    subprocess.run(
        ["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key), str(path)],
        check=True,
        capture_output=True,
    )


def lint(capsys: pytest.CaptureFixture[str], repo: GitRepo, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["lint", "--no-cache", "--select", SELECT, *args, "--config", str(repo.config)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return status, out.out + out.err


def _signers(repo: GitRepo, *emails: str) -> None:
    lines = [f'{e} namespaces="git,promptreg-evals" {repo.public_key(e)}' for e in emails]
    repo.write(".promptreg/allowed_signers", "\n".join(lines) + "\n")


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """main: a tier-3 prompt with three cases, the CI key listed, results signed_by CI."""
    require_ssh_keygen()
    repo = git_repo(identity=DANA)
    repo.write(PROMPT, FIXTURE.read_text(encoding="utf-8"))
    repo.edit_config("evals:\n", f"evals:\n  signed_by: [{CI}]\n")
    _signers(repo, CI)
    repo.commit("a tier-3 prompt; results must be signed by CI", DANA)
    repo.git("checkout", "-q", "-b", "change")
    return repo


def test_without_signed_by_a_forged_file_counts(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack, and why the setting exists: unsigned results are taken at their word."""
    repo.edit_config(f"  signed_by: [{CI}]\n", "")
    path = forge(repo.root)
    assert lint(capsys, repo) == (0, "All checks passed (1 file).\n")
    path.write_text(path.read_text(encoding="utf-8").replace('"passed": true', '"passed": false'))
    assert " G016 [error] 0 of 3 recorded results" in lint(capsys, repo)[1]  # the rules read it


def test_a_forged_file_is_g015_when_signed_by_is_set(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    forge(repo.root)
    status, out = lint(capsys, repo)
    assert status == 1
    assert f"G015 [error] {RESULTS} cannot be used: it is not signed (no " in out
    assert "evals.signed_by asks for a signature by ci@example.com" in out


def test_a_file_signed_by_the_ci_key_counts(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    sign(repo, forge(repo.root), CI)
    assert lint(capsys, repo) == (0, "All checks passed (1 file).\n")
    repo.commit("results from CI", DANA)
    assert lint(capsys, repo, "--base", "main")[0] == 0


def test_editing_a_signed_file_voids_it(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    path = forge(repo.root)
    sign(repo, path, CI)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r'"answered_at": "[^"]+"', '"answered_at": "2099-01-01T00:00:00Z"', text)
    )
    status, out = lint(capsys, repo)
    assert status == 1 and "does not match it: the file was changed after it was signed" in out


def test_a_signature_for_another_namespace_or_key_is_refused(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = forge(repo.root)
    sign(repo, path, CI, namespace="git")  # a commit signature by the right key
    status, out = lint(capsys, repo)
    assert status == 1 and "not made for namespace 'promptreg-evals'" in out
    sign(repo, path, "eve@example.com")  # the attacker's own key
    status, out = lint(capsys, repo)
    assert status == 1
    assert re.search(r"it is signed by key SHA256:\S+, which \S+allowed_signers does not list", out)


def test_a_pull_request_cannot_list_its_own_key_or_widen_the_setting(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --base, signed_by and the allowed-signers file are the base's: the pull
    request lists its own key as CI's and adds itself to signed_by, in vain."""
    path = forge(repo.root)
    eve = repo.public_key("eve@example.com")
    lines = f'{CI} namespaces="promptreg-evals" {eve}\neve@example.com {eve}\n'
    signers = repo.root / ".promptreg" / "allowed_signers"
    signers.write_text(signers.read_text(encoding="utf-8") + lines, encoding="utf-8")
    repo.edit_config(f"  signed_by: [{CI}]\n", f"  signed_by: [{CI}, eve@example.com]\n")
    sign(repo, path, "eve@example.com")
    repo.commit("my key may sign results too", DANA)
    assert lint(capsys, repo)[0] == 0  # judged by its own policy, the change passes
    status, out = lint(capsys, repo, "--base", "main")
    assert status == 1
    assert f"{RESULTS} cannot be used: it is signed by key" in out


def _results_case(repo: GitRepo, text: str | None, size: int = 0) -> str:
    path = repo.root / RESULTS
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        with path.open("wb") as stream:
            stream.truncate(size)
    else:
        path.write_text(text, encoding="utf-8")
    return RESULTS


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "bytes, over the limit of 67,108,864"),
        ("[" * 100_000, "not JSON"),
        ('{"format": 1, "results": 7}', "`results` is missing or not a list"),
        (
            '{"format": 1, "prompt": "x", "version": "1", "content_hash": "h", '
            '"written_at": "w", "results": [{"assertions": [], "answered_at": '
            '"0001-01-01T00:00:00+01:00"}]}',
            "is out of range",
        ),
        (
            '{"format": 1, "prompt": "x", "version": "1", "content_hash": "h", '
            '"written_at": "w", "results": [{"assertions": [], "answered_at": "soon"}]}',
            "Invalid isoformat string",
        ),
        ('{"format": 1, "repeat": ' + "9" * 5000 + "}", "not JSON"),
    ],
)
def test_a_malformed_or_huge_results_file_is_a_finding(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], text: str | None, reason: str
) -> None:
    repo.edit_config(f"  signed_by: [{CI}]\n", "")
    shown = _results_case(repo, text, size=65 * 1024 * 1024)
    status, out = lint(capsys, repo)
    assert status == 1
    assert f"G015 [error] {shown} cannot be used: " in out and reason in out
    capsys.readouterr()
    assert main(["show", "legal/access-request-check", "--config", str(repo.config)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_cached_answer_follows_the_signature(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the caches on, adding or removing FILE.sig changes the answer at once."""
    path = forge(repo.root)

    def cached() -> int:
        capsys.readouterr()
        return main(["lint", "--select", SELECT, "--config", str(repo.config)])

    assert cached() == 1
    sign(repo, path, CI)
    assert cached() == 0
    path.with_name(f"{path.name}.sig").unlink()
    assert cached() == 1
