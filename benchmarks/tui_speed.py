"""`promptreg tui` speed: first paint, metadata fill, filter keystrokes, open, diff, memory.

Two registries: the embedded one (about twenty prompts) and a generated one of 10,000
copies of them (benchmarks/corpus.py's `large`). Measured two ways:

- inside the app, headless through the Pilot: `first_paint` (from the app's
  construction to the first refresh with the list mounted), the index fill cold (no
  cache) and warm (the cache of the previous run), one filter keystroke (typed into the
  filter bar, until the app is idle again, and the filter pass alone), opening a prompt
  with its test pane rendered, a diff of two committed versions, and peak RSS;
- as a whole process under a pseudo-terminal: from `promptreg tui` starting to the
  first prompt id on the terminal (tests/tui/pty_session.py).

The peer is the smallest Textual app (one Static), measured the same two ways in the
same run: what any Textual program pays before it shows anything on this machine.

    .venv/bin/python benchmarks/tui_speed.py [--count 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate_large  # noqa: E402
from promptreg.tui.app import make_app  # noqa: E402
from promptreg.tui.screens.prompt import PromptScreen  # noqa: E402
from promptreg.tui.widgets.trial_pane import TrialPane  # noqa: E402
from tests.tui.pty_session import TuiProcess  # noqa: E402

SIZE = (160, 45)


async def _until(pilot: Any, condition: Any, limit: float = 600.0) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0.01)
    return time.perf_counter() - started


async def in_app(root: Path, first_id: str) -> dict[str, float]:
    app = make_app(root, live_reload=False, keymap={})
    found: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.first_paint is not None)
        found["first_paint_ms"] = (app.first_paint or 0) * 1000
        await _until(pilot, lambda: app.filled_at is not None)
        found["filled_s"] = app.filled_at or 0.0
        if len(app.rows()) < 1000:  # the embedded registry: measure with lint done
            await _until(pilot, lambda: app.browser.linted)
        listing = app.browser.prompt_list
        await pilot.press("slash")
        keystrokes = []
        for char in "tier:3":
            started = time.perf_counter()
            await pilot.press(char)
            keystrokes.append((time.perf_counter() - started) * 1000)
        found["keystroke_ms"] = statistics.median(keystrokes)
        passes = []
        for query in ("tier:3", "status:approved owner:legal-ops", "sumtick", "serve:no"):
            started = time.perf_counter()
            listing.set_query(query)
            passes.append((time.perf_counter() - started) * 1000)
        found["filter_pass_ms"] = max(passes)
        await pilot.press("escape")
        started = time.perf_counter()
        app.open_prompt(first_id)
        await _until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("4")
        pane = app.screen.query_one(TrialPane)
        await _until(pilot, lambda: pane.preview is not None)
        found["open_and_preview_ms"] = (time.perf_counter() - started) * 1000
        found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await pilot.press("escape")
    return found


PEER = """\
import sys, time
started = time.perf_counter()
from textual.app import App
from textual.widgets import Static


class Peer(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        yield Static("peer/ready")

    def on_mount(self):
        self.call_after_refresh(lambda: setattr(self, "painted", time.perf_counter()))


if __name__ == "__main__":
    Peer().run()
"""


async def peer_in_app() -> float:
    namespace: dict[str, Any] = {}
    exec(compile(PEER, "peer", "exec"), namespace)  # noqa: S102 (our own constant)
    started = time.perf_counter()
    app = namespace["Peer"]()
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: hasattr(app, "painted"))
    return float(app.painted - started) * 1000


def peer_whole_process(scratch: Path) -> float:
    script = scratch / "peer_app.py"
    script.write_text(PEER, encoding="utf-8")
    session = TuiProcess(scratch, command=[sys.executable, str(script)])
    try:
        seconds = session.read_until(b"peer/ready", timeout=120)
        session.send("q")
        session.wait(timeout=120)
    finally:
        session.kill()
    return seconds * 1000


def diff_ms(runs: int) -> float:
    """compare_versions on two committed versions in a throwaway repository."""
    from promptreg.core.config import load_config
    from promptreg.tui.services import History

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
        shutil.copytree(REPO / "registry", root / "registry")
        git = ["git", "-C", str(root), "-c", "user.name=B", "-c", "user.email=b@example.com"]
        subprocess.run([*git[:3], "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "one"], check=True)
        path = root / "registry" / "support" / "summarize-ticket.prompt.yaml"
        path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
        subprocess.run([*git, "commit", "-qam", "two"], check=True)
        history = History(load_config(root / "promptreg.yaml"))
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            history.compare("support/summarize-ticket", "HEAD~1", "HEAD")
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)


def whole_process(root: Path, needle: str) -> float:
    session = TuiProcess(root, "--no-watch")
    try:
        seconds = session.read_until(needle.encode(), timeout=120)
        session.send("q")
        session.wait(timeout=120)
    finally:
        session.kill()
    return seconds * 1000


def report(name: str, figures: list[dict[str, float]]) -> None:
    keys = figures[0]
    print(f"\n{name}")
    for key in keys:
        values = [f[key] for f in figures]
        shown = [round(v, 1) for v in values]
        print(f"  {key:<22} median {statistics.median(values):9.1f}   all {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        embedded = Path(scratch) / "embedded"
        embedded.mkdir()
        shutil.copy(REPO / "promptreg.yaml", embedded / "promptreg.yaml")
        shutil.copytree(REPO / "registry", embedded / "registry")
        large = Path(scratch) / "large"
        generate_large(large, args.count)
        for name, root, first in (
            ("embedded", embedded, "support/summarize-ticket"),
            (f"{args.count} prompts", large, "clinical0/discharge-summary-plain-language"),
        ):
            cache = root / ".promptreg" / "cache" / "tui-index.json"
            runs = []
            for run in range(args.runs):
                if run == 0:
                    cache.unlink(missing_ok=True)
                figures = asyncio.run(in_app(root, first))
                figures["warm"] = float(run > 0)
                figures["pty_first_id_ms"] = whole_process(root, first.split("/")[0])
                figures["peer_first_paint_ms"] = asyncio.run(peer_in_app())
                figures["peer_pty_ms"] = peer_whole_process(Path(scratch))
                runs.append(figures)
            report(f"{name} (run 1 cold index, later runs warm)", runs)
    print(f"\ndiff of two committed versions: {diff_ms(args.runs * 3):.1f} ms (median)")


if __name__ == "__main__":
    main()
