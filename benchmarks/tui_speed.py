"""`promptreg tui` speed: first paint, metadata fill, filter keystrokes, open, diff, memory.

Two registries: the embedded one (about twenty prompts) and a generated one of 10,000
copies of them (benchmarks/corpus.py's `large`). Measured two ways:

- inside the app, headless through the Pilot, timed to the frames the app produces
  (`App._display`, called with every screen update) rather than to the Pilot's idle
  detection, which waits while any thread or CPU is busy:
  `first_paint` (construction to the first refresh with the list mounted); keystrokes
  typed into the filter bar while the index fills and lints (`keystroke_busy`, the
  slowest) and after (`keystroke`), each from the key reaching the app to the frame
  showing its filter; the filter pass alone; the index fill (`filled`) and the lint
  counts (`linted`), cold (no caches) then warm, with the CPU time of the index's child
  processes (`fill_and_lint_children_cpu_s`, both children together); opening a prompt
  to its first frame (`open`); the test tab shown with its preview, after the Overview was read
  (`test_tab`) and straight after opening (`open_and_preview`: the Overview's frame,
  then `4`); opening on the Test tab, as `t` in the list does, to the frame with the
  preview (`open_on_test`), these two each from an app whose threads (the last
  prompt's lint and token count) are done; peak RSS of the app and
  of its index process (`child_peak_rss`); and a diff of two committed versions;
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


class Frames:
    """When the app produced each frame: `App._display` is called with every screen
    update, headless too (where the driver then writes nothing)."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        display = app._display

        def record(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            self.times.append(time.perf_counter())

        app._display = record

    async def after(self, moment: float, limit: float = 60.0) -> float:
        """The time of the first frame produced after `moment`."""
        started = time.perf_counter()
        while not self.times or self.times[-1] <= moment:
            if time.perf_counter() - started > limit:
                raise TimeoutError("no frame came")
            await asyncio.sleep(0.001)
        return next(t for t in self.times if t > moment)


async def _poll(condition: Any, limit: float = 60.0) -> float:
    """Wait (without the Pilot's idle detection) until `condition()`; when it held."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise TimeoutError("the app did not get there")
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def keystrokes(app: Any, frames: Frames, text: str) -> tuple[list[float], list[float]]:
    """Milliseconds from each key reaching the app to the frame showing its filter, and
    the CPU time the app's process spent meanwhile (all its threads)."""
    from textual import events

    listing = app.browser.prompt_list
    applied: list[float] = []
    set_query = listing.set_query

    def timed(query: str) -> Any:
        found = set_query(query)
        applied.append(time.perf_counter())
        return found

    listing.set_query = timed
    figures = []
    cpu = []
    try:
        for typed in range(1, len(text) + 1):
            char = text[typed - 1]
            key = "colon" if char == ":" else char
            count = len(applied)
            started, cpu_started = time.perf_counter(), time.process_time()
            app._driver.send_message(events.Key(key, char))
            await _poll(lambda count=count: len(applied) > count)
            shown = await frames.after(applied[-1])
            figures.append((shown - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    finally:
        del listing.set_query
    return figures, cpu


async def _threads_done(pilot: Any, app: Any) -> None:
    """Wait for the last prompt screen's lint and token count (threads of this process,
    started after its first frame): an open timed while they run measures them too."""
    await _until(
        pilot, lambda: all(w.is_finished for w in app.workers if w.group in ("lint", "meter"))
    )


def _children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (the index's fillers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def in_app(root: Path, first_id: str) -> dict[str, float]:
    cpu = time.process_time()  # the app's construction lists the files: counted too
    app = make_app(root, live_reload=False, keymap={})
    frames = Frames(app)
    found: dict[str, float] = {}
    children = _children_cpu()
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: app.first_paint is not None)
        found["first_paint_ms"] = (app.first_paint or 0) * 1000
        found["first_paint_cpu_ms"] = (time.process_time() - cpu) * 1000
        await pilot.press("slash")
        # Typed while the index fills and lints (in its child process, at 10,000).
        busy = not app.browser.linted
        during, during_cpu = await keystrokes(app, frames, "tier:3")
        found["keystroke_busy_ms"] = max(during) if busy else float("nan")
        found["keystroke_busy_cpu_ms"] = max(during_cpu) if busy else float("nan")
        await _until(pilot, lambda: app.filled_at is not None)
        found["filled_s"] = app.filled_at or 0.0
        await _until(pilot, lambda: app.browser.linted)
        found["linted_s"] = time.perf_counter() - app.started
        await _until(  # the fillers waited for
            pilot, lambda: all(w.is_finished for w in app.workers if w.group == "index")
        )
        found["fill_and_lint_children_cpu_s"] = _children_cpu() - children
        await pilot.press("escape", "slash")
        idle, idle_cpu = await keystrokes(app, frames, "tier:3 summ")
        found["keystroke_ms"] = statistics.median(idle)
        found["keystroke_max_ms"] = max(idle)
        found["keystroke_cpu_ms"] = statistics.median(idle_cpu)
        listing = app.browser.prompt_list
        passes = []
        for query in ("tier:3", "status:approved owner:legal-ops", "sumtick", "serve:no"):
            started = time.perf_counter()
            listing.set_query(query)
            passes.append((time.perf_counter() - started) * 1000)
        found["filter_pass_ms"] = max(passes)
        await pilot.press("escape")
        await pilot.pause(0.2)
        started, cpu = time.perf_counter(), time.process_time()
        app.open_prompt(first_id)
        await _poll(lambda: isinstance(app.screen, PromptScreen))
        shown = await frames.after(started)
        found["open_ms"] = (shown - started) * 1000
        found["open_cpu_ms"] = (time.process_time() - cpu) * 1000
        await pilot.pause(0.5)  # a person reads the overview; the other tabs mount
        from textual import events

        started, cpu = time.perf_counter(), time.process_time()
        app._driver.send_message(events.Key("4", "4"))
        await _poll(lambda: any(p.preview is not None for p in app.screen.query(TrialPane)))
        shown = await frames.after(time.perf_counter())
        found["test_tab_ms"] = (shown - started) * 1000
        found["test_tab_cpu_ms"] = (time.process_time() - cpu) * 1000
        await pilot.press("escape")
        await _until(pilot, lambda: app.screen is app.browser)
        await pilot.pause(0.2)
        await _threads_done(pilot, app)
        started, cpu = time.perf_counter(), time.process_time()
        app.open_prompt(first_id)  # and straight to the test pane, unmounted yet
        await _poll(lambda: isinstance(app.screen, PromptScreen))
        await frames.after(started)
        app._driver.send_message(events.Key("4", "4"))
        await _poll(lambda: any(p.preview is not None for p in app.screen.query(TrialPane)))
        shown = await frames.after(time.perf_counter())
        found["open_and_preview_ms"] = (shown - started) * 1000
        found["open_and_preview_cpu_ms"] = (time.process_time() - cpu) * 1000
        await pilot.press("escape")
        await _until(pilot, lambda: app.screen is app.browser)
        await pilot.pause(0.2)
        await _threads_done(pilot, app)
        started, cpu = time.perf_counter(), time.process_time()
        app.open_prompt(first_id, tab="test")  # `t` in the list: one frame, no Overview
        await _poll(
            lambda: (
                isinstance(app.screen, PromptScreen)
                and any(p.preview is not None for p in app.screen.query(TrialPane))
            )
        )
        shown = await frames.after(time.perf_counter())
        found["open_on_test_ms"] = (shown - started) * 1000
        found["open_on_test_cpu_ms"] = (time.process_time() - cpu) * 1000
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
    print("load average at the start:", Path("/proc/loadavg").read_text().strip())
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
            runs = []
            for run in range(args.runs):
                if run == 0:  # cold: neither the index's cache nor lint's
                    shutil.rmtree(root / ".promptreg" / "cache", ignore_errors=True)
                figures = asyncio.run(in_app(root, first))
                figures["warm"] = float(run > 0)
                runs.append(figures)
            # Only the index's child processes (and git) were waited for so far.
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            for figures in runs:
                figures["child_peak_rss_mb"] = child
                figures["pty_first_id_ms"] = whole_process(root, first.split("/")[0])
                figures["peer_first_paint_ms"] = asyncio.run(peer_in_app())
                figures["peer_pty_ms"] = peer_whole_process(Path(scratch))
            report(f"{name} (run 1 cold caches, later runs warm)", runs)
    print(f"\ndiff of two committed versions: {diff_ms(args.runs * 3):.1f} ms (median)")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"this process: {usage.ru_utime + usage.ru_stime:.1f} s of CPU")
    print("load average at the end:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
