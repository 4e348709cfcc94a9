"""`promptreg fmt --check` beside `promptreg lint --no-cache` of the same files.

fmt --check proves most files canonical from the fast loader's spans
(promptreg/edit/canonical.py) and runs the ruamel round trip only for the others. The
target (issue 14): fmt --check of a corpus no slower than a cold lint of it, one file in
at most 0.15 s, the embedded registry in at most 0.3 s. For each of the corpora of
benchmarks/corpus.py (`large`, `small`; 2,000 files by default) and for the embedded
registry it times, as fresh processes, wall and CPU time (user + system of the child):

1. `promptreg lint --no-cache -q` of every file (cold: no result cache);
2. `promptreg fmt --check` of every file (all canonical: the fast path);
3. the same with a tenth of the files scrambled (their keys out of order), so the round
   trip runs for those;
4. `promptreg fmt --check FILE` of one file (median of 5).

It also reports what the round trip alone costs a file, in process, for comparison.

    .venv/bin/python -m compileall -q promptreg   # an installed package has bytecode
    .venv/bin/python benchmarks/fmt_speed.py [--files 2000] [--corpus both] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
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
LOADAVG = Path("/proc/loadavg")
ENV = {**os.environ, "CI": "1"}  # no progress bar, whatever the terminal


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def median_of(command: list[str], cwd: Path, runs: int = 5) -> tuple[float, float]:
    results = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def scramble(path: Path) -> None:
    """Move the first key (id) below the second, as a careless edit does."""
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("id: "))
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    path.write_text("\n".join(lines), encoding="utf-8")


def round_trip_per_file(files: list[Path]) -> float:
    """Seconds a file for fmt's round trip (format_text), in process, ruamel loaded."""
    from promptreg.edit.fmt import format_text

    texts = [p.read_text(encoding="utf-8") for p in files[:40]]
    format_text(texts[0])
    start = time.process_time()
    for text in texts:
        format_text(text)
    return (time.process_time() - start) / len(texts)


def row(label: str, figures: tuple[float, float], note: str = "") -> None:
    wall, cpu = figures
    print(f"  {label:44} {wall:7.3f} s wall {cpu:7.3f} s CPU  {note}")


def measure(name: str, work: Path, files: list[Path]) -> None:
    promptreg = str(BIN / "promptreg")
    one = str(files[len(files) // 2].relative_to(work))
    print(f"{name}: {len(files)} prompt files")
    shutil.rmtree(work / ".promptreg" / "cache", ignore_errors=True)
    lint = timed([promptreg, "lint", "--no-cache", "-q"], work)
    row("promptreg lint --no-cache (cold)", lint)
    check = timed([promptreg, "fmt", "--check"], work)
    row("promptreg fmt --check", check, f"{check[1] / lint[1]:.2f}x lint CPU")
    row(
        "promptreg fmt --check FILE (median of 5)",
        median_of([promptreg, "fmt", "--check", one], work),
    )
    for path in files[::10]:
        scramble(path)
    mixed = timed([promptreg, "fmt", "--check"], work)
    row("fmt --check, 1 file in 10 scrambled", mixed, f"{mixed[1] / lint[1]:.2f}x lint CPU")
    print(f"  {'round trip alone, in process, a file':44} {round_trip_per_file(files):7.3f} s CPU")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000, help="prompt files per corpus")
    parser.add_argument("--corpus", choices=("large", "small", "both"), default="both")
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    args = parser.parse_args()

    print(f"load average before: {LOADAVG.read_text(encoding='utf-8').strip()}")
    promptreg = str(BIN / "promptreg")
    print(f"embedded registry: {len(list((REPO / 'registry').rglob('*.prompt.yaml')))} files")
    row(
        "promptreg lint --no-cache (median of 5)",
        median_of([promptreg, "lint", "--no-cache", "-q"], REPO),
    )
    row("promptreg fmt --check (median of 5)", median_of([promptreg, "fmt", "--check"], REPO))
    root = args.keep or Path(tempfile.mkdtemp(prefix="promptreg-fmt-bench-"))
    corpora = ("large", "small") if args.corpus == "both" else (args.corpus,)
    for name in corpora:
        work = root / name
        generate = generate_large if name == "large" else generate_small
        measure(name, work, generate(work, args.files))
    bare = median_of([sys.executable, "-c", "pass"], root)
    row("bare interpreter (median of 5)", bare)
    print(f"load average after: {LOADAVG.read_text(encoding='utf-8').strip()}")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
