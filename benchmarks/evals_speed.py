"""promptreg test against promptfoo, side by side, on the test server; and cached runs.

The OpenAI-compatible test server (tests/evals/server.py) runs in a process of its own,
so its work is not counted. Each measured command runs under a small wrapper process
that reports wall time, the CPU time and the peak resident memory of the command and
everything it started (getrusage of its children).

1. 500 cases (10 prompts x 50) at 200 ms latency, concurrency 50: the bound is
   N·L/C = 2.0 s. Target: <= 2.2 s wall, <= 0.5 ms of CPU per case (the CPU of a run of
   one case, mostly start-up, is subtracted and reported apart).
2. promptfoo on the same server with the same 500 cases (prompt, variables, assertion),
   `--max-concurrency 50 --no-cache`. It is installed with npm into a temporary folder
   for this run only (promptfoo 0.121.20: the last release that runs on Node 20).
   Target: promptreg at least as fast, with lower peak memory.
3. A cached re-run of 10,000 cases (100 prompts x 100). Target: <= 2 s.
4. A cached run of 100,000 cases (1,000 prompts x 100). Target: peak RSS <= 100 MB.
5. `--transports`: the openai client alone (`AsyncOpenAI.post`, as the runner sends),
   500 requests at concurrency 50 over each transport the runner can give it (aiohttp,
   httpx with its defaults, httpx with a pool limited to the concurrency): the CPU a
   request, import and the first request left out.

    .venv/bin/python benchmarks/evals_speed.py [--skip-promptfoo] [--skip-100k | --only-100k]
    .venv/bin/python benchmarks/evals_speed.py --transports

Every figure is printed with the load average (1, 5, 15 minutes) before and after it.

The 500-case run also reports what the test server saw (GET /v1/_stats): the peak and
the mean number of requests in flight, and the connections the client opened.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROMPTFOO = "promptfoo@0.121.20"

CONFIG = """\
registry: registry
owners: [bench]
tiers:
  1: {{approvals: 0}}
models:
  gpt-4o-mini: {{encoding: o200k_base, context_window: 128000}}
evals:
  endpoints:
    bench: {{base_url: "{url}", api_key_env: BENCH_KEY}}
  concurrency: 64
"""

PROMPT_HEAD = """\
id: bench/p{number:04d}
version: 1.0.0
title: Benchmark prompt {number}
description: One of the benchmark's generated prompts.
owner: bench
tier: 1
status: approved
model: {{name: gpt-4o-mini, temperature: 0}}
variables:
  text: {{type: string, description: The text., max_tokens: 100}}
messages:
  - {{role: system, content: "Answer in one word."}}
  - {{role: user, content: "<text>{{{{ text }}}}</text>"}}
logging: full
evals:
"""

SYSTEM = "Answer in one word."

MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "status": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


TRANSPORT = """
import asyncio, json, sys, time
import httpx2, openai
port, transport = int(sys.argv[1]), sys.argv[2]
AUTH = {"security": {"bearer_auth": True}}

def client():
    options = dict(base_url=f"http://127.0.0.1:{port}/v1", api_key="bench", max_retries=0)
    if transport == "aiohttp":
        return openai.AsyncOpenAI(**options, http_client=openai.DefaultAioHttpClient())
    if transport == "httpx-limited":
        limits = httpx2.Limits(max_connections=50, max_keepalive_connections=50)
        http = openai.DefaultAsyncHttpxClient(limits=limits)
        return openai.AsyncOpenAI(**options, http_client=http)
    return openai.AsyncOpenAI(**options)

async def main():
    sender = client()
    gate = asyncio.Semaphore(50)
    async def one(number):
        body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": str(number)}]}
        async with gate:
            response = await sender.post("/chat/completions", body=body,
                                         cast_to=httpx2.Response, options=AUTH)
            return json.loads(response.content)
    await one(-1)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(number) for number in range(500)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await sender.close()
    print(json.dumps({"cpu_ms_per_request": round(cpu / 500 * 1000, 3), "wall_s": round(wall, 3)}))

asyncio.run(main())
"""


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def transports(server: Server) -> dict[str, object]:
    """Each transport three times, interleaved, so that a change in load hits all alike."""
    runs: dict[str, list[dict[str, float]]] = {}
    for _ in range(3):
        for transport in ("aiohttp", "httpx", "httpx-limited"):
            done = subprocess.run(
                [sys.executable, "-c", TRANSPORT, str(server.port), transport],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.setdefault(transport, []).append(json.loads(done.stdout))
    return {
        name: {
            "cpu_ms_per_request": sorted(r["cpu_ms_per_request"] for r in found),
            "wall_s": sorted(r["wall_s"] for r in found),
        }
        for name, found in runs.items()
    }


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float]:
    process = subprocess.run(
        [sys.executable, "-c", MEASURE, str(cwd), *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(process.stdout)
    return result


def registry(root: Path, url: str, prompts: int, cases: int) -> Path:
    root.mkdir(parents=True)
    (root / "promptreg.yaml").write_text(CONFIG.format(url=url), encoding="utf-8")
    folder = root / "registry" / "bench"
    folder.mkdir(parents=True)
    for number in range(prompts):
        lines = [PROMPT_HEAD.format(number=number)]
        lines.extend(
            f"  - name: case {index}\n"
            f"    vars: {{text: 'question {number}-{index}'}}\n"
            "    assert:\n"
            "      - {type: contains, value: ok}\n"
            "      - {type: regex, value: '^ok'}\n"
            for index in range(cases)
        )
        (folder / f"p{number:04d}.prompt.yaml").write_text("".join(lines), encoding="utf-8")
    return root


class Server:
    def __init__(self, latency: float, directory: Path) -> None:
        port_file = directory / f"port-{latency}"
        command = [sys.executable, "-m", "tests.evals.server", "--latency", str(latency)]
        self.process = subprocess.Popen([*command, "--port-file", str(port_file)], cwd=REPO)
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline:
                raise SystemExit("the test server did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def stats(self) -> dict[str, float]:
        """Requests, connections, peak and mean in flight since the last call."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", "/v1/_stats")
            data: dict[str, float] = json.loads(connection.getresponse().read())
        finally:
            connection.close()
        return data

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def promptreg(root: Path, env: dict[str, str], *args: str) -> dict[str, float]:
    result = measure([str(BIN / "promptreg"), "test", "--no-progress", *args], root, env)
    if result["status"] not in (0, 1):
        raise SystemExit(f"promptreg test failed: {result['stderr']}")
    return result


def promptfoo_config(root: Path, url: str, prompts: int, cases: int) -> Path:
    chat = json.dumps(
        [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "<text>{{text}}</text>"},
        ]
    )
    config = {
        "description": "promptreg benchmark",
        "prompts": [{"id": "bench", "raw": chat}],
        "providers": [
            {
                "id": "openai:chat:gpt-4o-mini",
                "config": {"apiBaseUrl": url, "apiKey": "bench", "temperature": 0},
            }
        ],
        "tests": [
            {
                "vars": {"text": f"question {number}-{index}"},
                "assert": [{"type": "contains", "value": "ok"}, {"type": "regex", "value": "^ok"}],
            }
            for number in range(prompts)
            for index in range(cases)
        ],
    }
    path = root / "promptfooconfig.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def run_promptfoo(work: Path, url: str, env: dict[str, str]) -> dict[str, float] | None:
    install = work / "promptfoo"
    install.mkdir()
    print(f"installing {PROMPTFOO} with npm into a temporary folder ...", flush=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", PROMPTFOO],
        cwd=install,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    version = (
        subprocess.run(
            [str(install / "node_modules/.bin/promptfoo"), "--version"],
            capture_output=True,
            text=True,
            env=env,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    config = promptfoo_config(work, url, 10, 50)
    command = [
        str(install / "node_modules/.bin/promptfoo"),
        "eval",
        "-c",
        str(config),
        "--max-concurrency",
        "50",
        "--no-cache",
        "--no-table",
        "--no-write",
        "--no-progress-bar",
        "--no-share",
    ]
    measure(command, work, env)  # a first run warms node's module caches, as for promptreg
    result = measure(command, work, env)
    result["version"] = version  # type: ignore[assignment]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-promptfoo", action="store_true")
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--only-100k", action="store_true", help="run only the 100,000 cases")
    parser.add_argument(
        "--transports", action="store_true", help="only the openai client over each transport"
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(
        BENCH_KEY="bench",
        PROMPTFOO_DISABLE_TELEMETRY="1",
        PROMPTFOO_DISABLE_UPDATE="1",
        PROMPTFOO_DISABLE_SHARING="1",
        OPENAI_API_KEY="bench",
    )
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="promptreg-evals-bench-") as tmp:
        work = Path(tmp)
        slow = Server(0.2, work)
        fast = Server(0.0, work)
        try:
            if args.transports:
                before = load_average()
                report["the openai client alone, 500 requests, concurrency 50"] = {
                    **transports(slow),
                    "load_average": [before, load_average()],
                }
            elif not args.only_100k:
                before = load_average()
                five = registry(work / "five-hundred", slow.url, 10, 50)
                one = registry(work / "one", slow.url, 1, 1)
                promptreg(one, env, "--no-cache")  # warm the file system and the token store
                single = promptreg(one, env, "--no-cache")
                runs: list[dict[str, Any]] = []
                for _ in range(3):
                    slow.stats()
                    run = promptreg(five, env, "--concurrency", "50", "--no-cache")
                    runs.append({**run, "server": slow.stats()})
                best = min(runs, key=lambda r: r["wall"])
                server = best["server"]
                cpu_per_case = (best["cpu"] - single["cpu"]) / 499 * 1000
                report["500 cases, 200 ms, concurrency 50"] = {
                    "wall_s": round(best["wall"], 3),
                    "walls_s": [round(r["wall"], 3) for r in runs],
                    "cpu_s": round(best["cpu"], 3),
                    "cpu_one_case_run_s": round(single["cpu"], 3),
                    "cpu_ms_per_case_beyond_start_up": round(cpu_per_case, 3),
                    "peak_rss_mb": round(best["rss_mb"], 1),
                    "server_peak_in_flight": server["peak_in_flight"],
                    "server_mean_in_flight": round(server["mean_in_flight"], 1),
                    "server_first_request_to_last_answer_s": round(server["span_s"], 3),
                    "connections": server["connections"],
                    "load_average": [before, load_average()],
                }
                print(json.dumps(report, indent=2), flush=True)
                if not args.skip_promptfoo:
                    result = run_promptfoo(work, slow.url, env)
                    if result is not None:
                        report["promptfoo, same 500 cases"] = {
                            "version": result["version"],
                            "wall_s": round(result["wall"], 3),
                            "cpu_s": round(result["cpu"], 3),
                            "peak_rss_mb": round(result["rss_mb"], 1),
                            "status": result["status"],
                        }
                        print(json.dumps(report, indent=2), flush=True)
                ten = registry(work / "ten-thousand", fast.url, 100, 100)
                first = promptreg(ten, env, "--concurrency", "64")
                before = load_average()
                cached = [promptreg(ten, env) for _ in range(3)]
                report["10,000 cases, cached re-run"] = {
                    "first_run_wall_s": round(first["wall"], 2),
                    "cached_walls_s": [round(r["wall"], 3) for r in cached],
                    "cached_cpu_s": [round(r["cpu"], 3) for r in cached],
                    "peak_rss_mb": round(min(r["rss_mb"] for r in cached), 1),
                    "load_average": [before, load_average()],
                }
                print(json.dumps(report, indent=2), flush=True)
            if (not args.skip_100k or args.only_100k) and not args.transports:
                big = registry(work / "hundred-thousand", fast.url, 1000, 100)
                fill = promptreg(big, env, "--concurrency", "64")
                before = load_average()
                run = promptreg(big, env)
                cache = big / ".promptreg" / "cache" / "evals.sqlite"
                report["100,000 cases, cached"] = {
                    "first_run_wall_s": round(fill["wall"], 1),
                    "cached_wall_s": round(run["wall"], 2),
                    "cached_cpu_s": round(run["cpu"], 2),
                    "cached_peak_rss_mb": round(run["rss_mb"], 1),
                    "cache_mb": round(cache.stat().st_size / 1e6, 1),
                    "load_average": [before, load_average()],
                }
        finally:
            slow.stop()
            fast.stop()
            shutil.rmtree(work / "promptfoo", ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
