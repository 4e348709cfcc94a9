"""A small registry wired to the test server, and ways to run `promptreg test` on it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from promptreg.core.config import Settings, load_config
from promptreg.evals.command import TestOptions, run_tests
from promptreg.evals.plan import Selection
from promptreg.evals.runner import RunOptions
from promptreg.governance.evidence import ResultsFile, read_results, results_path
from tests.evals.server import OpenAIServer, Script

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

CONFIG = """\
registry: registry
owners: [support-platform]
reviewers:
  compliance: [mei@example.com, jo@example.com]
tiers:
  1: {{approvals: 0}}
  3: {{approvals: 2, groups: [compliance], min_evals: 1, eval_max_age_days: {age},
      logging: full}}
models:
  gpt-4o-mini: {{encoding: o200k_base, context_window: 128000}}
evals:
  endpoints:
    local:
      base_url: {url}
      api_key_env: PROMPTREG_TEST_KEY
{extra}
"""

PROMPT = """\
id: demo/{name}
version: {version}
title: Demo prompt {name}
description: A prompt the eval tests run.
owner: support-platform
tier: {tier}
status: approved
model: {{name: gpt-4o-mini, temperature: 0, max_output_tokens: 50}}
variables:
  text: {{type: string, description: The text., max_tokens: 200}}
messages:
  - {{role: system, content: "{system}"}}
  - {{role: user, content: "<text>{{{{ text }}}}</text>"}}
logging: {logging}
evals:
{cases}
"""


def case(name: str, text: str, *asserts: str) -> str:
    """One case in YAML: `case("a", "hello", "{type: contains, value: hi}")`."""
    lines = [f"  - name: {name}", f"    vars: {{text: {json.dumps(text)}}}", "    assert:"]
    lines += [f"      - {a}" for a in asserts]
    return "\n".join(lines)


@dataclass
class EvalRepo:
    root: Path
    server: OpenAIServer
    env: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return load_config(self.root / "promptreg.yaml")

    @property
    def script(self) -> Script:
        return self.server.script

    def configure(self, *, age: int = 30, extra: str = "") -> None:
        text = CONFIG.format(url=self.server.url, age=age, extra=extra)
        (self.root / "promptreg.yaml").write_text(text, encoding="utf-8")

    def prompt(
        self,
        name: str,
        *cases: str,
        tier: int = 3,
        logging: str = "full",
        system: str = "Answer in one word.",
        version: str = "1.0.0",
    ) -> Path:
        path = self.root / "registry" / "demo" / f"{name}.prompt.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = PROMPT.format(
            name=name,
            tier=tier,
            logging=logging,
            system=system,
            version=version,
            cases="\n".join(cases),
        )
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *targets: str, **options: Any) -> tuple[int, str, str]:
        """run_tests in process, with fast retries; (status, stdout, stderr)."""
        run = options.pop("run", RunOptions(backoff_base=0.01, backoff_cap=0.05))
        selection = options.pop("selection", Selection(tuple(targets)))
        out, err = io.StringIO(), io.StringIO()
        test_options = TestOptions(selection=selection, run=run, progress=False, **options)
        status = run_tests(self.settings, test_options, out, err)
        return status, out.getvalue(), err.getvalue()

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return run_promptreg(self.root, *args, env=self.env, timeout=timeout)

    def interrupt(self, *args: str, when: Callable[[], bool]) -> tuple[int, str, str]:
        """Start `promptreg ARGS`, send it Ctrl-C (SIGINT) once `when()` holds; its status
        and output."""
        process = subprocess.Popen(
            [str(BIN / "promptreg"), *args],
            cwd=self.root,
            env=_env(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # A shell that starts a job in the background (CI runners do) makes it ignore
            # SIGINT, and Python then never installs its Ctrl-C handler; a terminal's
            # Ctrl-C reaches a program with the default disposition, so the test does too.
            preexec_fn=_default_sigint,
        )
        deadline = time.monotonic() + 30
        while not when() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert when(), "the run did not get far enough to be interrupted"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        return process.returncode, out, err

    def results(self, prompt_id: str) -> ResultsFile:
        loaded = read_results(results_path(self.settings, prompt_id))
        assert loaded is not None, f"no results file for {prompt_id}"
        return loaded

    def lint(self, *codes: str) -> list[tuple[str, int, str]]:
        from promptreg.lint.runner import Linter
        from promptreg.lint.select import Selection as Codes

        settings = self.settings
        result = Linter(
            settings, Codes.build(select=list(codes or ("G015", "G016", "G017")))
        ).lint_paths([settings.registry_dir])
        return [(f.code, f.span.line, f.message) for f in result.findings]


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("CI", None)  # progress would be plain lines anyway: stderr is a pipe
    return env


def run_promptreg(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The installed `promptreg` in a subprocess, in `root`."""
    return subprocess.run(
        [str(BIN / "promptreg"), *args],
        cwd=root,
        env=_env(env or {}),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(Script()) as running:
        yield running


@pytest.fixture
def repo(tmp_path: Path, server: OpenAIServer) -> EvalRepo:
    root = tmp_path / "registry-repo"
    root.mkdir()
    made = EvalRepo(root, server)
    made.configure()
    return made


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
