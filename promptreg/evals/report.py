"""Run reports on stdout: text, JSON, JUnit XML and Markdown (for a pull-request comment).

Reporters receive one prompt at a time, as the runner finishes it, and write what they
can straight away: a run of 100,000 cases is never held in memory for its report.
Markdown keeps only what a comment shows (a line per prompt, failing cases up to a
limit) and writes at the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from promptreg.governance.evidence import CaseResult

if TYPE_CHECKING:
    from promptreg.evals.compare import Comparison
    from promptreg.evals.runner import PromptOutcome, RunStats

MARKDOWN_ROWS = 50
"""Failing cases (or changes) listed in a Markdown report before "and N more"."""


@dataclass(frozen=True, slots=True)
class Summary:
    stats: RunStats
    """Of every request, the base side's of --compare included."""
    prompts: int
    cases: int
    passed: int
    """Prompts, cases and passes of the working tree (the side that is recorded)."""
    seconds: float
    cache_bytes: int | None
    comparison: Comparison | None = None


class Reporter(Protocol):
    def prompt(self, outcome: PromptOutcome, path: Path | None) -> None: ...
    def finish(self, summary: Summary) -> None: ...


def _label(result: CaseResult) -> str:
    return result.case + (f" [repeat {result.repeat + 1}]" if result.repeat else "")


def _why(result: CaseResult) -> list[str]:
    if result.error:
        return [f"error: {result.error}"]
    return [f"{a.type}: {a.detail}" for a in result.assertions if not a.passed]


def _counts(outcome: PromptOutcome) -> tuple[int, int, int]:
    results = outcome.results
    return len(results), sum(r.passed for r in results), sum(r.cached for r in results)


class TextReporter:
    def __init__(self, out: TextIO, root: Path) -> None:
        self.out = out
        self.root = root

    def prompt(self, outcome: PromptOutcome, path: Path | None) -> None:
        spec = outcome.planned.spec
        total, passed, cached = _counts(outcome)
        mark = "PASS" if passed == total else "FAIL"
        side = "" if outcome.planned.record else " (base)"
        line = f"{mark} {spec.id} {spec.version}{side}: {passed}/{total} passed"
        if cached:
            line += f" ({cached} from cache)"
        if path is not None:
            line += f" -> {_relative(path, self.root)}"
        self.out.write(line + "\n")
        for result in outcome.results:
            if not result.passed:
                self.out.write(f"  FAIL {_label(result)}\n")
                self.out.writelines(f"    {reason}\n" for reason in _why(result))

    def finish(self, summary: Summary) -> None:
        stats = summary.stats
        failed = summary.cases - summary.passed
        text = (
            f"{summary.cases} case{'s' if summary.cases != 1 else ''} in {summary.prompts} "
            f"prompt{'s' if summary.prompts != 1 else ''}: {summary.passed} passed, "
            f"{failed} failed ({stats.errors} errors); {stats.requests} requests, "
            f"{stats.cached} from cache, {stats.retries} retried; {summary.seconds:.1f} s"
        )
        if stats.spent_usd:
            text += f"; ${stats.spent_usd:.4f}"
        self.out.write(text + "\n")
        if summary.comparison is not None:
            self.out.write(summary.comparison.text() + "\n")
        if summary.cache_bytes is not None:
            self.out.write(f"response cache: {summary.cache_bytes / 1e6:.1f} MB\n")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class JsonReporter:
    """`{"prompts": [...], "summary": {...}}`, written prompt by prompt."""

    def __init__(self, out: TextIO, root: Path) -> None:
        self.out = out
        self.root = root
        self.first = True
        out.write('{"prompts": [')

    def prompt(self, outcome: PromptOutcome, path: Path | None) -> None:
        spec = outcome.planned.spec
        entry = {
            "id": spec.id,
            "version": spec.version,
            "content_hash": spec.content_hash,
            "side": "head" if outcome.planned.record else "base",
            "results_file": _relative(path, self.root) if path else None,
            "results": [r.to_json() for r in outcome.results],
        }
        self.out.write(("\n" if self.first else ",\n") + json.dumps(entry, ensure_ascii=False))
        self.first = False

    def finish(self, summary: Summary) -> None:
        stats = summary.stats
        data = {
            "cases": summary.cases,
            "passed": summary.passed,
            "failed": summary.cases - summary.passed,
            "errors": stats.errors,
            "requests": stats.requests,
            "cached": stats.cached,
            "retries": stats.retries,
            "spent_usd": round(stats.spent_usd, 6),
            "seconds": round(summary.seconds, 3),
        }
        comparison = summary.comparison.to_json() if summary.comparison else None
        self.out.write(
            f'\n], "summary": {json.dumps(data)}, "comparison": {json.dumps(comparison)}}}\n'
        )


class JunitReporter:
    """One <testsuite> per prompt, one <testcase> per case and repeat."""

    def __init__(self, out: TextIO, root: Path) -> None:
        self.out = out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="promptreg test">\n')

    def prompt(self, outcome: PromptOutcome, path: Path | None) -> None:
        spec = outcome.planned.spec
        total, passed, _ = _counts(outcome)
        errors = sum(r.error is not None for r in outcome.results)
        seconds = sum((r.latency_ms or 0) for r in outcome.results) / 1000
        self.out.write(
            f'  <testsuite name={quoteattr(spec.id)} tests="{total}" '
            f'failures="{total - passed - errors}" errors="{errors}" time="{seconds:.3f}">\n'
        )
        for result in outcome.results:
            time = (result.latency_ms or 0) / 1000
            self.out.write(
                f"    <testcase classname={quoteattr(spec.id)} name={quoteattr(_label(result))} "
                f'time="{time:.3f}"'
            )
            if result.passed:
                self.out.write("/>\n")
                continue
            tag = "error" if result.error else "failure"
            reasons = _why(result)
            self.out.write(
                f">\n      <{tag} message={quoteattr(reasons[0] if reasons else 'failed')}>"
                f"{xml_escape(chr(10).join(reasons))}</{tag}>\n    </testcase>\n"
            )
        self.out.write("  </testsuite>\n")

    def finish(self, summary: Summary) -> None:
        self.out.write("</testsuites>\n")


class MarkdownReporter:
    def __init__(self, out: TextIO, root: Path) -> None:
        self.out = out
        self.rows: list[str] = []
        self.failures: list[str] = []
        self.more = 0

    def prompt(self, outcome: PromptOutcome, path: Path | None) -> None:
        if not outcome.planned.record:
            return  # the base side shows in the comparison only
        spec = outcome.planned.spec
        total, passed, cached = _counts(outcome)
        mark = "✅" if passed == total else "❌"
        self.rows.append(f"| {mark} | `{spec.id}` | {spec.version} | {passed}/{total} | {cached} |")
        for result in outcome.results:
            if result.passed:
                continue
            if len(self.failures) >= MARKDOWN_ROWS:
                self.more += 1
                continue
            why = "; ".join(_why(result)).replace("|", "\\|").replace("\n", " ")[:300]
            self.failures.append(f"| `{spec.id}` | {_label(result)} | {why} |")

    def finish(self, summary: Summary) -> None:
        stats = summary.stats
        out = [
            "## promptreg test",
            "",
            f"**{summary.passed} of {summary.cases} cases passed** in {summary.prompts} prompts "
            f"({stats.cached} answers from cache, {summary.seconds:.1f} s).",
            "",
        ]
        if summary.comparison is not None:
            out += [summary.comparison.markdown(MARKDOWN_ROWS), ""]
        out += ["| | prompt | version | passed | cached |", "|---|---|---|---|---|", *self.rows, ""]
        if self.failures:
            out += ["### Failing cases", "", "| prompt | case | why |", "|---|---|---|"]
            out += self.failures
            if self.more:
                out.append(f"| | and {self.more} more | |")
            out.append("")
        self.out.write("\n".join(out))


REPORTERS: dict[str, Callable[[TextIO, Path], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "junit": JunitReporter,
    "markdown": MarkdownReporter,
}
