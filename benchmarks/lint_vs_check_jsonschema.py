"""promptreg lint against check-jsonschema, side by side, on generated registries.

Generates N realistic prompt files (default 2,000) from the embedded registry's prompts:
each gets its own id, version and a sentence of its own in the system message (so every
template is parsed and every file hashed anew), with its approvals re-signed for the new
content, its eval cases and its output schema. Then times, in one run:

1. check-jsonschema --schemafile schemas/prompt.schema.json over all files (it checks the
   schema only: no templates, no governance, no tokens, no security);
2. promptreg lint, cold (no result cache; every rule selected);
3. promptreg lint, warm (the result cache from run 2);
4. promptreg lint of one file whose content changed (the pre-commit case), and of one
   file with no cache at all.

Targets: cold <= 0.2x check-jsonschema, warm <= 0.05x, one file <= 0.15 s wall.

    .venv/bin/python benchmarks/lint_vs_check_jsonschema.py [--files 2000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def generate(target: Path, count: int) -> list[Path]:
    """Write promptreg.yaml and `count` prompt files under target/registry."""
    from promptreg.core.hashing import content_hash
    from promptreg.core.yamlio import read_document

    shutil.copy(REPO / "promptreg.yaml", target / "promptreg.yaml")
    shutil.copytree(REPO / "schemas", target / "schemas")
    sources = sorted((REPO / "registry").rglob("*.prompt.yaml"))
    texts = [(path, path.read_text(encoding="utf-8")) for path in sources]
    written = []
    for number in range(count):
        source, text = texts[number % len(texts)]
        document = read_document(source)
        old_id = document.value["id"]
        namespace, name = old_id.split("/")
        new_id = f"{namespace}{number // len(texts)}/{name}"
        marker = f"Case reference R{number:05d}."
        content = document.value["messages"][0]["content"]
        first_line = content.split("\n", 1)[0]
        new_text = text.replace(f"id: {old_id}", f"id: {new_id}", 1).replace(
            first_line, f"{first_line} {marker}", 1
        )
        path = target / "registry" / f"{new_id}.prompt.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
        # Re-sign the approvals for the new content, as a reviewer would.
        data = read_document(path).value
        old_hash = content_hash(document.value)
        path.write_text(new_text.replace(old_hash, content_hash(data)), encoding="utf-8")
        written.append(path)
    return written


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{process.stdout[-2000:]}{process.stderr[-2000:]}")
    return elapsed, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="promptreg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    files = generate(work, args.files)
    relative = [str(p.relative_to(work)) for p in files]
    print(f"{len(files)} prompt files in {work}")

    promptreg = [str(BIN / "promptreg"), "lint", "-q"]
    peer, _ = timed(
        [str(BIN / "check-jsonschema"), "--schemafile", "schemas/prompt.schema.json", *relative],
        work,
    )
    shutil.rmtree(work / ".promptreg", ignore_errors=True)
    cold, status = timed(promptreg, work)
    if status != 0:
        out = subprocess.run(promptreg, cwd=work, capture_output=True, text=True).stdout
        sys.exit(f"the generated registry should lint clean:\n{out[:3000]}")
    warm, _ = timed(promptreg, work)

    one = files[len(files) // 2]
    original = one.read_text(encoding="utf-8")
    edited_times = []
    for attempt in range(5):  # a metadata edit: cache miss for this file only
        one.write_text(original.replace("title: ", f"title: ({attempt}) ", 1), encoding="utf-8")
        edited_times.append(timed([*promptreg, str(one.relative_to(work))], work)[0])
    one.write_text(original, encoding="utf-8")
    no_cache = [
        timed([*promptreg, "--no-cache", str(one.relative_to(work))], work)[0] for _ in range(5)
    ]
    bare = [timed([sys.executable, "-c", "pass"], work)[0] for _ in range(5)]

    print(f"{'check-jsonschema':36} {peer:7.2f} s")
    print(
        f"{'promptreg lint, cold':36} {cold:7.2f} s  {cold / peer:5.2f}x   target <= 0.20x "
        f"{'OK' if cold / peer <= 0.2 else 'MISSED'}"
    )
    print(
        f"{'promptreg lint, warm':36} {warm:7.2f} s  {warm / peer:5.2f}x   target <= 0.05x "
        f"{'OK' if warm / peer <= 0.05 else 'MISSED'}"
    )
    edited = statistics.median(edited_times)
    print(
        f"{'one edited file (median of 5)':36} {edited:7.3f} s            target <= 0.15 s  "
        f"{'OK' if edited <= 0.15 else 'MISSED'}"
    )
    print(f"{'one file, no cache (median of 5)':36} {statistics.median(no_cache):7.3f} s")
    print(f"{'bare interpreter (median of 5)':36} {statistics.median(bare):7.3f} s")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
