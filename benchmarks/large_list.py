"""One invalid prompt file of about 800 KB whose `tags` hold 400,000 items: the cost of
linting it, and the size of what lint prints.

Before the detailed schema check was bounded, the file took about 5 s of processor time
and gave a 2 MB S001 message; the check now reads the first 1,000 entries of any list
and quotes values in short, so what remains is parsing the YAML, which the 1 MiB file
limit (F005) bounds.

    .venv/bin/python benchmarks/large_list.py [--items 400000] [--runs 3]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROMPT = "support/summarize-ticket"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry" / f"{PROMPT}.prompt.yaml"
        path.parent.mkdir(parents=True)
        (Path(tmp) / "promptreg.yaml").write_bytes((REPO / "promptreg.yaml").read_bytes())
        text = (REPO / "registry" / f"{PROMPT}.prompt.yaml").read_text(encoding="utf-8")
        tags = "tags: [" + ",".join(["a"] * args.items) + "]"
        path.write_text(re.sub(r"^tags: .*$", tags, text, count=1, flags=re.M), "utf-8")
        print(f"file: {path.stat().st_size:,} bytes, {args.items:,} items")
        best = float("inf")
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run = subprocess.run(
                [sys.executable, "-m", "promptreg", "lint", str(path), "--no-cache"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best = min(best, cpu)
        print(f"processor time, best of {args.runs}: {best:.2f} s")
        print(f"output: {len(run.stdout):,} characters, exit {run.returncode}")


if __name__ == "__main__":
    main()
