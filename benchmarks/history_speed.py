"""`promptreg history` on a prompt with 500 commits, against git alone and a per-commit loop.

Builds a throwaway repository with `git fast-import` (one prompt, every commit a new
version of it), then times, as wall time of a fresh process:

1. `git log --format=%H -- PATH`: git listing the commits, the floor for any tool;
2. `promptreg history ID --no-cache`: list, read and validate every committed version
   (cold: no summary cache, uncached blobs validated in forked workers);
3. `promptreg history ID`: the same with the summary cache filled by an earlier run
   (warm: what every run after the first costs);
4. one `git show COMMIT:PATH` per commit, the way a naive tool reads the versions (run
   once: it is the cost promptreg avoids by batching blobs through `git cat-file`).

It also counts the git processes one `history()` call starts in process (git is asked
a bounded number of times, however many commits there are).

Target: `promptreg history` under 1 s with 500 commits, cold and warm.

    .venv/bin/python benchmarks/history_speed.py [--commits 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PROMPT = "support/summarize-ticket"
RELATIVE = f"registry/{PROMPT}.prompt.yaml"
AUTHORS = (
    "Ada Lovelace <ada@example.com>",
    "Bo Chen <bo@example.com>",
    "Cy Young <cy@example.com>",
)
TARGET_S = 1.0


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    return env


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def fast_import_stream(commits: int) -> bytes:
    """One commit per version of the prompt; the first also adds promptreg.yaml."""
    original = (REPO / RELATIVE).read_text(encoding="utf-8")
    config = (REPO / "promptreg.yaml").read_bytes()
    out = bytearray()
    start = 1_767_225_600  # 2026-01-01T00:00:00Z
    for n in range(commits):
        text = re.sub(r"(?m)^version: .*$", f"version: 1.{n // 10}.{n % 10}", original, count=1)
        text = text.replace("Never guess.", f"Never guess. (revision {n})", 1)
        who = AUTHORS[n % len(AUTHORS)]
        stamp = f"{start + n * 3600} +0000"
        out += b"commit refs/heads/main\n"
        out += f"author {who} {stamp}\ncommitter {who} {stamp}\n".encode()
        out += _data(f"Version 1.{n // 10}.{n % 10}".encode())
        if n == 0:
            out += b"M 100644 inline promptreg.yaml\n" + _data(config)
        out += f"M 100644 inline {RELATIVE}\n".encode() + _data(text.encode())
        out += b"\n"
    return bytes(out)


def build(root: Path, commits: int) -> Path:
    repo = root / "registry-repo"
    repo.mkdir()
    env = git_env(root)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=env, check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo,
        env=env,
        input=fast_import_stream(commits),
        check=True,
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, env=env, check=True)
    return repo


def wall(cmd: list[str], repo: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=repo, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def git_calls(repo: Path) -> int:
    """git processes started by one `history()` call, counted where they all start."""
    from promptreg.core.config import load_config
    from promptreg.git import gitio
    from promptreg.git.history import history

    calls = 0
    real = gitio.git

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    gitio.git = counting
    try:
        history(load_config(repo / "promptreg.yaml"), PROMPT)
    finally:
        gitio.git = real
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="promptreg-history-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        repo = build(root, args.commits)
        built = time.perf_counter() - started
        env = git_env(root)
        warm = [sys.executable, "-m", "promptreg", "history", PROMPT]
        commands = {
            "git log --format=%H -- PATH": ["git", "log", "--format=%H", "--", RELATIVE],
            "promptreg history (cold, --no-cache)": [*warm, "--no-cache"],
            "promptreg history (warm cache)": warm,
        }

        listing = subprocess.run(warm, cwd=repo, env=env, check=True, capture_output=True)
        rows = len(listing.stdout.decode().splitlines()) - 1
        assert rows == args.commits, f"expected {args.commits} rows, got {rows}"

        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so all see the same machine state
            for name, cmd in commands.items():
                samples[name].append(wall(cmd, repo, env))
        medians = {name: statistics.median(times) for name, times in samples.items()}
        floor = commands["git log --format=%H -- PATH"]

        shas = subprocess.run(floor, cwd=repo, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        for sha in shas.stdout.decode().split():
            subprocess.run(
                ["git", "show", f"{sha}:{RELATIVE}"],
                cwd=repo,
                env=env,
                check=True,
                capture_output=True,
            )
        naive = time.perf_counter() - started
        processes = git_calls(repo)

    print(f"repository: {args.commits} commits of one prompt, built in {built:.2f} s")
    print(f"median wall time of {args.runs} runs, fresh process each:")
    for name, seconds in medians.items():
        print(f"  {name:38} {seconds * 1000:8.1f} ms")
    print("once, for comparison:")
    print(f"  {'one git show per commit (reads only)':38} {naive * 1000:8.1f} ms")
    print(f"git processes per history() call: {processes}")
    for name in ("promptreg history (cold, --no-cache)", "promptreg history (warm cache)"):
        figure = medians[name]
        verdict = "OK" if figure < TARGET_S else "MISSED"
        print(f"target: {name} under {TARGET_S:.0f} s: {figure:.2f} s {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
