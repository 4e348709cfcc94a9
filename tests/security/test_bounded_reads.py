"""Files a pull request writes are read bounded: the proposed allowed-signers file,
promptreg.yaml and CODEOWNERS. A file over its limit is an error naming the file and
the limit (exit 2, no traceback), and the check costs a read of the limit, not of the
file: the gigabyte files here are sparse, so reading one whole would take seconds and
a gigabyte of memory, and these tests would time out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.bounded import MAX_CONFIG_BYTES, MAX_SIGNERS_BYTES
from promptreg.governance.codeowners import MAX_CODEOWNERS_BYTES
from tests.gitrepo import DANA, GitRepo, require_ssh_keygen

GIB = 1024**3
SIGNERS = ".promptreg/allowed_signers"


def _signed_base(git_repo: Callable[..., GitRepo]) -> GitRepo:
    require_ssh_keygen()
    repo = git_repo(identity=DANA, registry=True)
    repo.edit_config("lint:\n", "require_signed: true\nlint:\n")
    repo.allow_signers("mei@example.com", "jo@example.com")
    repo.commit("policy, keys and the registry", DANA)
    repo.git("checkout", "-q", "-b", "change")
    return repo


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.truncate(size)


def _run(capsys: pytest.CaptureFixture[str], repo: GitRepo, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main([*args, "--config", str(repo.config)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "this is a bug" not in out.err
    return status, out.err


def _names_the_limit(err: str, path: Path, what: str, limit: int) -> None:
    assert str(path) in err
    assert f"the {what} is larger than {limit:,} bytes" in err


def test_a_committed_oversized_signers_file_is_an_error_naming_it(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _signed_base(git_repo)
    line = f'eve@example.com namespaces="git" {repo.public_key("eve@example.com")}\n'
    repo.write(SIGNERS, line * (MAX_SIGNERS_BYTES // len(line) + 1))
    repo.commit("rotate keys", DANA)
    for args in (["lint", "--base", "main"], ["check", "--base", "main"], ["lint"]):
        status, err = _run(capsys, repo, *args)
        assert status == 2, args
        _names_the_limit(err, repo.root / SIGNERS, "allowed-signers file", MAX_SIGNERS_BYTES)


def test_a_gigabyte_signers_file_is_refused_without_reading_it(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _signed_base(git_repo)
    _sparse(repo.root / SIGNERS, GIB)
    for args in (["lint", "--base", "main"], ["lint", "--no-cache"]):
        status, err = _run(capsys, repo, *args)
        assert status == 2, args
        _names_the_limit(err, repo.root / SIGNERS, "allowed-signers file", MAX_SIGNERS_BYTES)


def test_a_signers_file_that_is_a_device_fails_closed(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    """A committed link to /dev/zero would have ssh-keygen read forever: it counts as
    no signers file (G013), so nothing reads it and no signature verifies."""
    repo = _signed_base(git_repo)
    (repo.root / SIGNERS).unlink()
    (repo.root / SIGNERS).symlink_to("/dev/zero")
    repo.commit("keys from elsewhere", DANA)
    capsys.readouterr()
    status = main(["lint", "--no-cache", "--config", str(repo.config)])
    out = capsys.readouterr().out
    assert status == 1
    assert f"the allowed-signers file {repo.root / SIGNERS} does not exist" in out
    assert " G013 [error] " in out


def test_a_gigabyte_promptreg_yaml_is_refused_without_reading_it(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_repo(identity=DANA, registry=True)
    repo.commit("registry", DANA)
    _sparse(repo.config, GIB)
    status, err = _run(capsys, repo, "lint")
    assert status == 2
    _names_the_limit(err, repo.config, "promptreg.yaml", MAX_CONFIG_BYTES)


def test_an_oversized_codeowners_file_is_an_error_naming_it(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_repo(identity=DANA, registry=True)
    repo.commit("registry", DANA)
    codeowners = repo.root / ".github" / "CODEOWNERS"
    _sparse(codeowners, GIB)
    status, err = _run(capsys, repo, "check")
    assert status == 2
    _names_the_limit(err, codeowners, "CODEOWNERS file", MAX_CODEOWNERS_BYTES)
