"""promptreg lint against check-jsonschema, side by side, on generated registries.

Two corpora of N prompt files each (default 2,000; benchmarks/corpus.py makes them):
`large`, copies of the embedded registry's prompts (2-6 KB, all tiers, approvals re-signed
for the new content, eval cases, output schemas), and `small`, prompts of the shape public
prompt collections have (1-2 KB, 1-3 variables, tier-1 drafts that lint with findings, as
a first run on an existing corpus does). For each, in one run:

1. check-jsonschema --schemafile schemas/prompt.schema.json over all files (it checks the
   schema only: no templates, no governance, no tokens, no security);
2. promptreg lint, cold (no result cache; every rule selected);
3. promptreg lint, warm (the result cache from run 2, every finding printed);
4. promptreg lint of one unchanged file with the caches warm (answered from the cache
   without loading the rules: promptreg.lint.quick), of one file whose content changed
   (the pre-commit case), and of one file with no cache at all.

    .venv/bin/python -m compileall -q promptreg   # an installed package has bytecode
    .venv/bin/python benchmarks/lint_vs_check_jsonschema.py [--files N] [--corpus both] [--keep D]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import generate_large, generate_small  # noqa: E402  (a sibling script)

BIN = Path(sys.executable).parent


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system) of each timed command, by its label: on a shared machine
wall times vary with the load, CPU times much less."""


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def timed(command: list[str], cwd: Path, label: str = "") -> tuple[float, int]:
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    CPU.setdefault(label, []).append(_children_cpu() - cpu)
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
    return elapsed, process.returncode


def measure(work: Path, files: list[Path], one: Path) -> dict[str, float]:
    """check-jsonschema, then promptreg cold, warm, one edited file and one file with no
    cache, on the corpus in `work`."""
    relative = [str(p.relative_to(work)) for p in files]
    promptreg = [str(BIN / "promptreg"), "lint", "-q"]
    CPU.clear()
    peer, _ = timed(
        [str(BIN / "check-jsonschema"), "--schemafile", "schemas/prompt.schema.json", *relative],
        work,
        "peer",
    )
    shutil.rmtree(work / ".promptreg" / "cache", ignore_errors=True)
    cold, _ = timed(promptreg, work, "cold")
    warm, _ = timed(promptreg, work, "warm")
    unchanged = [
        timed([*promptreg, str(one.relative_to(work))], work, "unchanged")[0] for _ in range(5)
    ]
    original = one.read_text(encoding="utf-8")
    edited_times = []
    for attempt in range(5):  # a metadata edit: cache miss for this file only
        one.write_text(original.replace("title: ", f"title: ({attempt}) ", 1), encoding="utf-8")
        edited_times.append(timed([*promptreg, str(one.relative_to(work))], work, "edited")[0])
    one.write_text(original, encoding="utf-8")
    no_cache = [
        timed([*promptreg, "--no-cache", str(one.relative_to(work))], work, "no_cache")[0]
        for _ in range(5)
    ]
    findings = subprocess.run(promptreg, cwd=work, capture_output=True, text=True).stdout
    cpu = {f"{label}_cpu": statistics.median(times) for label, times in CPU.items()}
    return {
        **cpu,
        "peer": peer,
        "cold": cold,
        "warm": warm,
        "unchanged": statistics.median(unchanged),
        "edited": statistics.median(edited_times),
        "no_cache": statistics.median(no_cache),
        "findings": float(len(findings.splitlines())),
    }


def report(name: str, count: int, figures: dict[str, float]) -> None:
    """Wall time (the median of 5 for the one-file cases), then the CPU time of the same
    runs (user + system, median), which the load of a shared machine moves much less."""
    peer = figures["peer"]
    print(f"{name} corpus: {count} prompt files, {int(figures['findings'])} findings")
    print(f"  {'':34} {'wall':>9}  {'ratio':>6}  {'CPU':>9}  {'ratio':>6}")
    rows = (
        ("check-jsonschema", "peer", None),
        ("promptreg lint, cold", "cold", peer),
        ("promptreg lint, warm", "warm", peer),
        ("one unchanged file (median of 5)", "unchanged", None),
        ("one edited file (median of 5)", "edited", None),
        ("one file, no cache (median of 5)", "no_cache", None),
    )
    for label, key, against in rows:
        wall, cpu = figures[key], figures[f"{key}_cpu"]
        line = f"  {label:34} {wall:7.3f} s"
        line += f"  {wall / against:5.3f}x" if against else " " * 8
        line += f"  {cpu:7.3f} s"
        if against:
            line += f"  {cpu / figures['peer_cpu']:5.3f}x"
        print(line)
    print(f"  load average: {Path('/proc/loadavg').read_text().split()[:3]}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000, help="prompt files per corpus")
    parser.add_argument("--corpus", choices=("large", "small", "both"), default="both")
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    args = parser.parse_args()

    corpora = ("large", "small") if args.corpus == "both" else (args.corpus,)
    root = args.keep or Path(tempfile.mkdtemp(prefix="promptreg-bench-"))
    for name in corpora:
        work = root / name
        if name == "large":
            files = generate_large(work, args.files)
            one = next(p for p in files if p.name == "summarize-ticket.prompt.yaml")
        else:
            files = generate_small(work, args.files)
            one = files[len(files) // 2]
        print(f"generated in {work}", file=sys.stderr)
        report(name, len(files), measure(work, files, one))
    bare = [timed([sys.executable, "-c", "pass"], root)[0] for _ in range(5)]
    print(f"bare interpreter (median of 5)       {statistics.median(bare):7.3f} s")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
