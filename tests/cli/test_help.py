"""Help, version and usage errors of every command."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from promptreg import __version__
from promptreg.cli.main import COMMANDS
from tests.cli.support import REPO, cli


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    run = cli(capsys, *([command] if command else []), "--help")

    assert run.status == 0
    assert run.out.startswith(f"usage: promptreg {command}".rstrip())
    assert "example" in run.out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys)

    assert run.status == 2
    assert run.out.startswith("usage: promptreg")
    for command in COMMANDS:
        assert command in run.out


def test_a_known_command_builds_only_its_own_parser() -> None:
    """The other commands are listed only where they are shown (help, an unknown command
    and completion): building 21 unused parsers costs a pre-commit run ~7 ms."""
    import argparse

    from promptreg.cli.main import build_parser

    def commands(parser: argparse.ArgumentParser) -> list[str]:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return list(action.choices)

    assert commands(build_parser(["lint", "registry"])) == ["lint"]
    assert commands(build_parser(["--help"])) == list(COMMANDS)
    assert commands(build_parser(["lnt"])) == list(COMMANDS)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--version")

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert run.status == 0
    assert run.out == f"promptreg {pyproject['project']['version']}\n"
    assert __version__ == pyproject["project"]["version"]


@pytest.mark.parametrize(
    "args",
    [["bogus"], ["new", "ops/triage", "--tier", "9"], ["lint", "--format", "xml"]],
    ids=["unknown-command", "bad-choice", "bad-format"],
)
def test_argparse_usage_errors_exit_2(
    crash_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    run = cli(capsys, *args)

    assert run.status == 2
    assert "internal error" not in run.err
    assert not list(crash_dir.glob("promptreg-crash*"))
