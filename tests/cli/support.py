"""What the command-line tests share: running `promptreg` in process and as a process,
parsing its output, and a temporary registry with hand-made prompt files.

Most tests call `main([...])` in process against real files in a temporary directory;
a few run the installed entry points (`python -m promptreg` and the `promptreg`
console script) to prove the command works end to end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from promptreg.cli.main import main
from promptreg.lint.catalogue import RULES

REPO = Path(__file__).resolve().parents[2]
REPO_REGISTRY = REPO / "registry"
REPO_IDS = sorted(
    path.relative_to(REPO_REGISTRY).as_posix().removesuffix(".prompt.yaml")
    for path in REPO_REGISTRY.rglob("*.prompt.yaml")
)
SUMMARIZE = "support/summarize-ticket"
DRAFT = "research/literature-digest"
INIT_FILES = (
    "promptreg.yaml",
    ".pre-commit-config.yaml",
    ".promptreg/schemas/prompt.schema.json",
    ".promptreg/schemas/promptreg.schema.json",
    "registry/examples/summarize-notes.prompt.yaml",
)
RULE_CODES = tuple(RULES)
FINDING_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>[A-Z]\d{3}) "
    r"\[(?P<severity>error|warning|info)\] (?P<message>.+)$"
)
HASH = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """Run `promptreg ARGS` in process; no invocation may ever print a traceback."""
    capsys.readouterr()
    try:
        status = main(list(args))
    except SystemExit as exc:  # argparse leaves this way for --help and --version
        status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Traceback" not in captured.out
    return Run(status, captured.out, captured.err)


def run_entry_point(command: list[str], cwd: Path, tmp_path: Path) -> Run:
    """Run an installed entry point as a separate process, without colour."""
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def console_script() -> str:
    script = Path(sys.executable).parent / "promptreg"
    assert script.is_file(), (
        f"the promptreg console script is not installed next to {sys.executable}"
    )
    return str(script)


def findings(text: str) -> list[dict[str, Any]]:
    """The `path:line:col: CODE [severity] message` lines of text output, parsed."""
    parsed = []
    for line in text.splitlines():
        match = FINDING_LINE.match(line)
        if match:
            parsed.append(
                {
                    "path": match["path"],
                    "line": int(match["line"]),
                    "column": int(match["column"]),
                    "code": match["code"],
                    "severity": match["severity"],
                    "message": match["message"],
                }
            )
    return parsed


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `root` with its bytes and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def modeline_target(prompt_file: Path) -> Path:
    first = prompt_file.read_text(encoding="utf-8").split("\n", 1)[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    return (prompt_file.parent / first.removeprefix(prefix)).resolve()


GOOD_PROMPT = """\
# yaml-language-server: $schema=../../schemas/prompt.schema.json
id: demo/NAME
version: 1.0.0
title: Echo a word
description: Repeats the word it is given.
owner: support-platform
tier: 1
status: draft
model:
  name: gpt-4o-mini
  temperature: 0.2
variables:
  word:
    type: string
    description: The word to repeat.
    max_tokens: 10
messages:
  - role: system
    content: |
      You repeat words.
      Repeat the word exactly once.
  - role: user
    content: |
      Word:
      <word>
      {{ word }}
      </word>
"""


@dataclass(frozen=True)
class Breakage:
    """One edit to GOOD_PROMPT and the single finding it must cause, and where."""

    code: str
    old: str
    new: str
    needle: str
    message: str
    occurrence: int = 1
    offset: int = 0
    column: int | None = None

    @property
    def name(self) -> str:
        return self.code.lower()

    def text(self) -> str:
        assert self.old in GOOD_PROMPT
        return GOOD_PROMPT.replace(self.old, self.new, 1).replace("demo/NAME", f"demo/{self.name}")

    def expected_position(self) -> tuple[int, int]:
        line, column = locate(self.text(), self.needle, self.occurrence)
        return line, self.column if self.column is not None else column + self.offset


BREAKAGES = (
    Breakage(  # at the id value
        "S002", "id: demo/NAME", "id: demo/renamed", "demo/renamed", "it must be 'demo/s002'"
    ),
    Breakage(  # at the owner value
        "S004",
        "owner: support-platform",
        "owner: suport-platform",
        "suport-platform",
        "did you mean 'support-platform'?",
    ),
    Breakage(  # at model.name's value
        "S005", "  name: gpt-4o-mini", "  name: gpt-5-ultra", "gpt-5-ultra", "'gpt-5-ultra'"
    ),
    Breakage(  # at the misspelt key
        "S001", "  temperature: 0.2", "  temprature: 0.2", "temprature", "'temprature'"
    ),
    Breakage(  # at the second colon, where the YAML parser gives up
        "F001", "title: Echo a word", "title: Echo: a word", ": a word", "YAML syntax error"
    ),
    Breakage(  # at the file line that reads the variable, inside the block scalar
        "T002",
        "      {{ word }}\n",
        "      {{ word }} in a {{ tone }} voice\n",
        "{{ word }} in a",
        "message 2 uses variable 'tone'",
        column=1,
    ),
    Breakage(  # at the file line of the bad template line, inside the block scalar
        "T001",
        "      Repeat the word exactly once.",
        "      Repeat the word {{ word ) }} once.",
        "{{ word ) }}",
        "template syntax error",
        column=1,
    ),
)


def write_prompt(root: Path, prompt_id: str, text: str) -> Path:
    path = root / "registry" / f"{prompt_id}.prompt.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def table_ids(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID",
        "VERSION",
        "TIER",
        "STATUS",
        "SERVED",
        "OWNER",
        "TITLE",
        "EVALS",
    ]
    return [line.split()[0] for line in lines[1:]]


def table_column(out: str, header: str) -> list[str]:
    lines = out.splitlines()
    index = lines[0].split().index(header)
    return [line.split()[index] for line in lines[1:]]
