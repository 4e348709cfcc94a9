"""Serving from a bundle, side by side with its peers, in one run.

1. `import promptreg` + `Registry.open(bundle)` of a generated 10,000-prompt bundle, in
   a fresh process: wall time above a bare interpreter and peak RSS; unsigned, and
   signed with the signature checked. Targets: <= 300 ms, <= 150 MB.
2. Warm `get` + `render` against raw pre-compiled Jinja2 templates of the same messages
   (the least any SDK could do). Target: <= 1.5x.
3. Signature verification of the 10,000-prompt bundle alone (the file is in memory,
   the libraries imported). Target: <= 50 ms.
4. Prompty 2.1 on the same prompt exported as a .prompty file: import, load, prepare.

The bundle is made from copies of the embedded registry's prompts (2-6 KB each, the
large shape of benchmarks/corpus.py), each with an id and a sentence of its own, written
in the layout `promptreg build` writes; building it from git would measure git.

    .venv/bin/python benchmarks/bundle_speed.py [--prompts 10000] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PROMPT = "support/summarize-ticket"
VALUES = {"ticket_text": "Order 1234 arrived broken. Please refund.", "customer_tier": "pro"}


def make_bundle(target: Path, count: int) -> tuple[Path, str]:
    """A bundle of `count` prompt versions, and the id of a copy of PROMPT in it."""
    from promptreg.core.config import load_config
    from promptreg.core.hashing import content_hash
    from promptreg.core.tree import prompt_files
    from promptreg.core.yamlio import read_document
    from promptreg.sdk.bundle_format import encode

    settings = load_config(REPO / "promptreg.yaml")
    sources = [read_document(p).value for p in prompt_files(settings.registry_dir)]
    sources = [s for s in sources if s.get("status") == "approved"]
    keys = ("id", "version", "title", "description", "owner", "tier", "status", "tags")
    keys += ("model", "variables", "messages", "output", "handoff", "limitations")
    entries: list[dict[str, Any]] = []
    chosen = ""
    for number in range(count):
        source = json.loads(json.dumps(sources[number % len(sources)], default=str))
        namespace, name = source["id"].split("/")
        source["id"] = f"{namespace}{number // len(sources)}/{name}"
        source["messages"][0]["content"] += f"\nCase reference R{number:05d}.\n"
        entry = {key: source[key] for key in keys if key in source}
        entry["content_hash"] = content_hash(entry)
        entry["logging"] = source.get("logging")
        entry["commit"] = "0" * 40
        entry["approvals"] = [
            {**a, "content_hash": entry["content_hash"], "commit": "0" * 40, "verified": True}
            for a in source.get("approvals") or ()
        ]
        entries.append(entry)
        if source["id"].endswith(PROMPT.split("/")[1]) and not chosen:
            chosen = source["id"]
    entries.sort(key=lambda e: e["id"])
    source_info = {"commit": "0" * 40, "branch": "main", "registry": "registry"}
    source_info |= {"promptreg_version": "bench", "policy_digest": "sha256:" + "0" * 64}
    path = target / "bundle.json"
    path.write_bytes(encode(source_info, entries))
    return path, chosen


def sign(target: Path, bundle: Path) -> Path:
    key = target / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "build", "-f", str(key)],
        check=True,
    )
    from promptreg.actions.build import sign as sign_bytes

    Path(f"{bundle}.sig").write_bytes(sign_bytes(bundle.read_bytes(), key))
    public = Path(f"{key}.pub").read_text(encoding="utf-8").strip()
    signers = target / "allowed_signers"
    signers.write_text(f'build namespaces="promptreg-bundle" {public}\n', encoding="utf-8")
    return signers


# Peak RSS from /proc (VmHWM): getrusage's ru_maxrss keeps the parent's peak across exec.
OPEN = """
import sys, time
start = time.perf_counter()
import promptreg
registry = promptreg.Registry.open(sys.argv[1], allowed_signers=sys.argv[2] or None)
took = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(took, peak / 1024)
"""


def open_times(bundle: Path, signers: Path, runs: int) -> dict[str, tuple[float, float, float]]:
    """(process wall time above bare, in-process import+open, peak RSS MB), medians."""
    variants = {"bare python": None, "unsigned": "", "signed, checked": str(signers)}
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    for _ in range(runs):  # interleaved, so every variant sees the same machine state
        for name, signer in variants.items():
            command = [sys.executable, "-c", "pass"]
            if signer is not None:
                command = [sys.executable, "-c", OPEN, str(bundle), signer]
            start = time.perf_counter()
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            wall = time.perf_counter() - start
            inner, rss = (float(x) for x in out.split()) if out else (0.0, 0.0)
            samples[name].append((wall, inner, rss))
    medians = {
        name: tuple(statistics.median(s[i] for s in values) for i in range(3))
        for name, values in samples.items()
    }
    bare = medians["bare python"][0]
    return {name: (m[0] - bare, m[1], m[2]) for name, m in medians.items()}  # type: ignore[misc]


def render_times(bundle: Path, prompt_id: str, number: int) -> tuple[float, float]:
    import jinja2

    from promptreg import Registry

    registry = Registry.open(bundle)
    prompt = registry.get(prompt_id)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    templates = [(m.role, env.from_string(m.content)) for m in prompt.spec.messages]

    def raw() -> object:
        return [{"role": role, "content": t.render(VALUES)} for role, t in templates]

    def ours() -> object:
        return registry.get(prompt_id).render(**VALUES)

    assert raw() == ours()
    best_raw = min(timeit.repeat(raw, number=number, repeat=7)) / number
    best_ours = min(timeit.repeat(ours, number=number, repeat=7)) / number
    return best_ours, best_raw


def verify_time(bundle: Path, signers: Path, runs: int) -> float:
    from promptreg.sdk.signature import allowed_keys, verify

    data = bundle.read_bytes()
    armored = Path(f"{bundle}.sig").read_bytes()
    keys = allowed_keys(signers.read_text(encoding="utf-8"), str(signers))
    verify(data, armored, keys, "bundle", "signers")  # imports and warms
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        verify(data, armored, keys, "bundle", "signers")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


PROMPTY = """
import sys, time
start = time.perf_counter()
import prompty
imported = time.perf_counter()
agent = prompty.load(sys.argv[1])
loaded = time.perf_counter()
values = {"ticket_text": "Order 1234 arrived broken. Please refund.", "customer_tier": "pro"}
for _ in range(50):
    prompty.prepare(agent, values)
prepared = time.perf_counter()
print(imported - start, loaded - imported, (prepared - loaded) / 50)
"""


def prompty_times(target: Path, runs: int) -> tuple[float, float, float] | None:
    try:
        import prompty  # noqa: F401
    except ImportError:
        return None
    from promptreg.core.config import load_config
    from promptreg.core.tree import spec_by_id
    from promptreg.importers.export import to_prompty

    spec = spec_by_id(load_config(REPO / "promptreg.yaml"), PROMPT)
    path = target / "summarize-ticket.prompty"
    path.write_text(to_prompty(spec), encoding="utf-8")
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROMPTY, str(path)], check=True, capture_output=True, text=True
        ).stdout
        samples.append(tuple(float(x) for x in out.split()))
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        bundle, prompt_id = make_bundle(target, args.prompts)
        signers = sign(target, bundle)
        size = bundle.stat().st_size / 1e6
        print(f"bundle: {args.prompts} prompt versions, {size:.1f} MB")
        for name, (wall, inner, rss) in open_times(bundle, signers, args.runs).items():
            if name == "bare python":
                continue
            print(
                f"import + open ({name}): {wall * 1000:.0f} ms above bare python "
                f"({inner * 1000:.0f} ms in process), peak RSS {rss:.0f} MB"
            )
        ours, raw = render_times(bundle, prompt_id, args.number)
        print(
            f"warm get + render: {ours * 1e6:.1f} µs, raw Jinja2 {raw * 1e6:.1f} µs "
            f"({ours / raw:.2f}x)"
        )
        print(f"signature verification: {verify_time(bundle, signers, args.runs) * 1000:.1f} ms")
        found = prompty_times(target, max(3, args.runs // 3))
        if found is None:
            print("prompty: not installed")
        else:
            imported, loaded, prepared = found
            print(
                f"prompty 2.1: import {imported * 1000:.0f} ms, load {loaded * 1000:.2f} ms, "
                f"prepare {prepared * 1e6:.0f} µs a call"
            )


if __name__ == "__main__":
    main()
