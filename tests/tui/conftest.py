"""Registries for the TUI tests, and a way to wait for the app's workers without sleeping
a fixed time (the app is asserted on through its state, never its timing)."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from promptreg.tui.app import RegistryApp, make_app
from promptreg.tui.services import Services

REPO = Path(__file__).resolve().parents[2]
SIZE = (160, 45)

CONFIG = """\
registry: registry
owners: [support-platform]
reviewers:
  compliance: [mei@example.com, jo@example.com]
tiers:
  1: {{approvals: 0}}
models:
  gpt-4o-mini: {{encoding: o200k_base, context_window: 128000}}
evals:
  endpoints:
    local:
      base_url: {url}
      api_key_env: PROMPTREG_TEST_KEY
"""

PROMPT = """\
id: demo/{name}
version: 1.0.0
title: Demo prompt {name}
description: A prompt the TUI tests render and run.
owner: support-platform
tier: 1
status: approved
model: {{name: gpt-4o-mini, temperature: 0, max_output_tokens: 50}}
variables:
  text: {{type: string, description: The text to answer., max_tokens: 200}}
  count: {{type: integer, description: How many sentences., default: 2, trusted: true}}
  tone: {{type: string, description: The tone., enum: [calm, loud], default: calm, trusted: true}}
messages:
  - {{role: system, content: "Answer in {{{{ count }}}} sentences, {{{{ tone }}}}."}}
  - {{role: user, content: "<text>{{{{ text }}}}</text>"}}
logging: metadata
evals:
  - name: greeting
    vars: {{text: hello there}}
    assert:
      - {{type: contains, value: hi}}
"""


def write_demo(
    root: Path, url: str = "http://127.0.0.1:9/v1", names: tuple[str, ...] = ("echo",)
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "promptreg.yaml").write_text(CONFIG.format(url=url), encoding="utf-8")
    for name in names:
        path = root / "registry" / "demo" / f"{name}.prompt.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PROMPT.format(name=name), encoding="utf-8")
    return root


@pytest.fixture
def anyio_backend() -> str:
    """The Pilot runs on asyncio (anyio's pytest plugin drives the async tests)."""
    return "asyncio"


@pytest.fixture
def embedded(tmp_path: Path) -> Path:
    """A clone of the project, not a copy: the tier-3 approvals are verified against the
    history in which each reviewer committed them (outside git every one would be G020)."""
    root = tmp_path / "embedded"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    return root


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "demo")


def app_for(root: Path, services: Services | None = None, **options: object) -> RegistryApp:
    options.setdefault("live_reload", False)
    options.setdefault("keymap", {})
    return make_app(root, services, **options)  # type: ignore[arg-type]


def text_of(widget: Widget) -> str:
    """What a Static shows, as plain text (a Rich renderable rendered without colour)."""
    assert isinstance(widget, Static)
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(widget.content)
    return captured.get()


async def until(pilot: Pilot[int], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds; fail naming `what` if it never does."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the app never reached: {what}")


async def filled(pilot: Pilot[int], app: RegistryApp, *, linted: bool = True) -> None:
    await until(
        pilot,
        lambda: app.browser.filled == len(app.rows()) and (app.browser.linted or not linted),
        "every row filled" + (" and linted" if linted else ""),
    )
