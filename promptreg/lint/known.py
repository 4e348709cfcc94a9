"""A findings baseline: the findings a team accepted when it adopted promptreg on an
existing corpus, so that `lint --baseline FILE` reports only what is new.

Not promptreg.git.baseline.Baseline, which is the git revision the V rules compare
with: this one is a file of findings. Entries name a finding by the file's path
relative to promptreg.yaml's folder, its code and its message, not its line, so an edit
above a known finding does not make it new; the same finding twice in a file is
counted. Entries that match no finding of a linted file any more are stale: the
finding was fixed, and the entry should go (`--write-baseline` again).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from promptreg.core.errors import UsageError
from promptreg.core.fs import atomic_write
from promptreg.lint.finding import Finding

FORMAT_VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
"""A baseline file larger than this is refused rather than read."""

Key = tuple[str, str, str]
"""(path relative to the configuration's folder, code, message)."""


@dataclass(frozen=True, slots=True)
class Filtered:
    findings: tuple[Finding, ...]
    """The findings the baseline does not cover: the new ones."""
    known: int
    """Findings the baseline covered."""
    stale: tuple[Key, ...]
    """Entries of linted files that matched no finding (each as often as unmatched)."""


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def key_of(finding: Finding, root: Path) -> Key:
    return (_relative(finding.path, root), finding.code, finding.message)


def write_baseline(path: Path, findings: Iterable[Finding], root: Path) -> int:
    """Write every finding as an entry; the number written."""
    counts = Counter(key_of(finding, root) for finding in findings)
    entries = [
        {"path": p, "code": c, "message": m, "count": n} for (p, c, m), n in sorted(counts.items())
    ]
    text = json.dumps(
        {"version": FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False
    )
    atomic_write(path, text + "\n")
    return sum(counts.values())


def read_baseline(path: Path) -> Counter[Key]:
    """The entries of a baseline file; UsageError naming the file when it is not one."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UsageError(f"{path}: the baseline file is larger than {MAX_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such baseline file",
            hint=f"write one with `promptreg lint --write-baseline {path}`",
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{path}: not a readable baseline file: {error}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != FORMAT_VERSION:
        raise UsageError(
            f"{path}: not a promptreg baseline (version {FORMAT_VERSION} with a findings list)",
            hint=f"write one with `promptreg lint --write-baseline {path}`",
        )
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        fields = [entry.get(name) if isinstance(entry, dict) else None for name in _FIELDS]
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not all(isinstance(f, str) for f in fields) or not isinstance(count, int) or count < 1:
            raise UsageError(
                f"{path}: findings[{index}] needs path, code and message strings and a "
                "positive count"
            )
        counts[(fields[0], fields[1], fields[2])] += count  # type: ignore[index]
    return counts


_FIELDS = ("path", "code", "message")


def filter_known(
    findings: Sequence[Finding], known: Counter[Key], linted: Iterable[Path], root: Path
) -> Filtered:
    """The findings `known` does not cover, and its entries for `linted` files that no
    finding matched."""
    left = Counter(known)
    new: list[Finding] = []
    for finding in findings:
        key = key_of(finding, root)
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(finding)
    files = {_relative(path, root) for path in linted}
    stale = tuple(
        key for key, count in sorted(left.items()) if key[0] in files for _ in range(count)
    )
    return Filtered(tuple(new), len(findings) - len(new), stale)
