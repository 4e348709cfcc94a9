"""Regenerate the SVG screenshots in docs/ that docs/tui.md shows, exported by the app.

A copy of the embedded registry is committed twice in a scratch repository (fixed
author and dates) so the browser, the diff view and the test pane show the same thing
on every run.

    .venv/bin/python docs/tui_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO))

from promptreg.tui.app import RegistryApp, make_app  # noqa: E402
from promptreg.tui.screens.prompt import PromptScreen  # noqa: E402
from promptreg.tui.widgets.diff_view import DiffView  # noqa: E402
from promptreg.tui.widgets.history_view import HistoryView  # noqa: E402
from promptreg.tui.widgets.trial_pane import TrialPane  # noqa: E402

SIZE = (140, 40)
PROMPT = "support/summarize-ticket"


def _repository(root: Path) -> None:
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    shutil.copytree(REPO / "registry", root / "registry")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dana Author",
        "GIT_AUTHOR_EMAIL": "dana@example.com",
        "GIT_COMMITTER_NAME": "Dana Author",
        "GIT_COMMITTER_EMAIL": "dana@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def git(*args: str, date: str = "2026-01-01T10:00:00+00:00") -> None:
        dated = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", "-C", str(root), *args], check=True, env=dated)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "Add the registry")
    path = root / "registry" / f"{PROMPT}.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    version = next(line for line in text.splitlines() if line.startswith("version: "))
    major, minor, _ = version.removeprefix("version: ").split(".")
    text = text.replace(version, f"version: {major}.{int(minor) + 1}.0", 1)
    text = text.replace("Summarise", "Summarise, in plain words,", 1)
    path.write_text(text, encoding="utf-8")
    git("commit", "-qam", "Plainer summaries", date="2026-01-02T10:00:00+00:00")


async def _until(pilot: Any, condition: Any) -> None:
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise TimeoutError("the app never got there")


async def shoot(root: Path) -> list[Path]:
    app: RegistryApp = make_app(root, live_reload=False, keymap={})
    written = []
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.browser.linted)
        written.append(Path(app.save_screenshot("tui-browser.svg", str(DOCS))))
        app.open_prompt(PROMPT)
        await _until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("3")
        view = app.screen.query_one(HistoryView)
        await _until(pilot, lambda: len(view.refs) == 3)
        view.pick(view.refs[1])
        view.pick(view.refs[2])
        await _until(pilot, lambda: view.query_one(DiffView).comparison is not None)
        await pilot.pause()
        written.append(Path(app.save_screenshot("tui-diff.svg", str(DOCS))))
        await pilot.press("4")
        pane = app.screen.query_one(TrialPane)
        await _until(pilot, lambda: pane.prompt is not None)
        if pane.spec.evals:
            for name, value in pane.spec.evals[0].vars.items():
                pane.set_value(name, value)
        await _until(pilot, lambda: "tokens" in str(pane.query_one("#meter").content))  # type: ignore[attr-defined]
        await pilot.pause()
        written.append(Path(app.save_screenshot("tui-test.svg", str(DOCS))))
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        _repository(root)
        for path in asyncio.run(shoot(root)):
            print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
