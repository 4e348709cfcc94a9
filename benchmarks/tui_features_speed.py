"""The TUI's `stale:evals` filter and "run evals", timed in wall and CPU time.

- `stale:evals` over every row of the embedded registry (copied, with its recorded
  results) and of a generated one (benchmarks/corpus.py's `large`, no results: every
  prompt with cases is stale; its promptreg.yaml names the copied judge prompt): the
  first pass loads each file and computes its case fingerprints (in the app this runs
  in a background thread, the list filling in when it is done); later passes find each
  answer by the two files' stat, on the thread that filters.
- "run evals" (promptreg.tui.eval_run) beside `promptreg test ID` (evals.command's
  run_tests) on the same prompt and the local server of tests/evals/server.py, each run
  with a fresh response cache so every case is a request.

    .venv/bin/python benchmarks/tui_features_speed.py [--count 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate_large  # noqa: E402
from promptreg.core.config import load_config  # noqa: E402
from promptreg.core.tree import spec_by_id  # noqa: E402
from promptreg.evals.command import TestOptions, run_tests  # noqa: E402
from promptreg.evals.plan import Selection  # noqa: E402
from promptreg.tui.eval_run import run_evals  # noqa: E402
from promptreg.tui.freshness import RECHECK_SECONDS, EvalFreshness  # noqa: E402
from promptreg.tui.index import PromptIndex, Row  # noqa: E402
from promptreg.tui.query import parse_query  # noqa: E402
from tests.evals.server import OpenAIServer, Script  # noqa: E402
from tests.tui.conftest import write_demo  # noqa: E402

JUDGE = "judge: evals/rubric-judge"
MORE = "".join(
    f"  - name: case{n}\n    vars: {{text: question {n}}}\n    assert:\n"
    "      - {type: contains, value: ok}\n"
    for n in range(19)
)


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1e3, (time.process_time() - cpu) * 1e3


def filled_rows(root: Path) -> tuple[list[Row], EvalFreshness]:
    settings = load_config(root / "promptreg.yaml")
    index = PromptIndex(settings, cache=False)
    rows: list[Row] = []
    index.fill(index.rows(), rows.extend)
    return rows, EvalFreshness(settings)


def stale_passes(root: Path, runs: int) -> tuple[int, int, list[tuple[float, float]]]:
    """The work of a first pass (done synchronously here), then, in the app's mode, the
    filter passes on the thread that filters once the background thread knows every
    row: at once, and after RECHECK_SECONDS (each answer given, a re-check asked)."""
    rows, facts = filled_rows(root)
    figures = [timed(lambda: parse_query("stale:evals", facts).select(rows))]
    background = EvalFreshness(facts.settings, background=True)
    query = parse_query("stale:evals", background)
    query.select(rows)
    while background.busy:
        time.sleep(0.05)
    figures += [timed(lambda: query.select(rows)) for _ in range(runs)]
    time.sleep(RECHECK_SECONDS + 0.1)
    figures.append(timed(lambda: query.select(rows)))
    while background.busy:
        time.sleep(0.05)
    matched = len(query.select(rows))
    return len(rows), matched, figures


def run_both(root: Path, runs: int) -> list[tuple[float, float, float, float]]:
    settings = load_config(root / "promptreg.yaml")
    cache = root / ".promptreg" / "cache"
    spec = spec_by_id(settings, "demo/echo")
    options = TestOptions(selection=Selection(targets=("demo/echo",)), progress=False)
    out = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        tui = timed(lambda: asyncio.run(run_evals(settings, spec, lambda result: None)))
        shutil.rmtree(cache, ignore_errors=True)
        cli = timed(lambda: run_tests(settings, options, io.StringIO(), io.StringIO()))
        out.append((*tui, *cli))
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    with tempfile.TemporaryDirectory() as scratch:
        embedded = Path(scratch) / "embedded"
        subprocess.run(["git", "clone", "-q", str(REPO), str(embedded)], check=True)
        large = Path(scratch) / "large"
        generate_large(large, args.count)
        config = large / "promptreg.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace(JUDGE, JUDGE.replace("evals/", "evals0/")), encoding="utf-8")
        for name, root in (("embedded", embedded), (f"{args.count} prompts", large)):
            total, matched, figures = stale_passes(root, args.runs + 1)
            first, rest, again = figures[0], figures[1:-1], figures[-1]
            print(
                f"stale:evals, {name}: {matched} of {total} match; first pass "
                f"{first[0]:.0f} ms wall / {first[1]:.0f} ms CPU (the background thread's "
                "work); then on the filtering thread "
                f"{median([f[0] for f in rest]):.2f} ms wall / "
                f"{median([f[1] for f in rest]):.2f} ms CPU (median); a pass "
                f"{RECHECK_SECONDS:g} s later {again[0]:.1f} ms wall / {again[1]:.1f} ms CPU "
                "(answers as known, re-checks queued)"
            )
        with OpenAIServer(Script(default="ok")) as server:
            root = write_demo(Path(scratch) / "demo", url=server.url)
            path = root / "registry" / "demo" / "echo.prompt.yaml"
            path.write_text(path.read_text(encoding="utf-8") + MORE, encoding="utf-8")
            both = run_both(root, args.runs)
        print(
            "20 eval cases, local server, no cache: run evals (TUI) "
            f"{median([b[0] for b in both]):.0f} ms wall / {median([b[1] for b in both]):.0f} ms "
            f"CPU; promptreg test ID {median([b[2] for b in both]):.0f} ms wall / "
            f"{median([b[3] for b in both]):.0f} ms CPU (median of {args.runs})"
        )
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
