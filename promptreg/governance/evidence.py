"""Recorded eval results as evidence: their file format, reading them back offline, and
what they say about a prompt today.

`promptreg test` writes one file per prompt, `.promptreg/evals/<id>.json`, committed
with the prompt: the audit trail of what was asked, what the model answered and how
each assertion graded it. The eval rules (G015 to G017), `promptreg show` and
`promptreg list` read them here, without a network and without the openai client.

A results file comes in pull requests, so it is untrusted: one too large, not JSON, or
not of this format reads as a problem with a message, never an exception. A record
counts for a case only when its fingerprint equals the case's now; anyone can compute
those, so with `evals.signed_by` a file counts only when signed (results_signature.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.loader import ID_RE
from promptreg.core.model import PromptSpec
from promptreg.governance.eval_scope import GOVERNED_STATUSES as GOVERNED_STATUSES
from promptreg.governance.eval_scope import MAX_RESULTS_BYTES as MAX_RESULTS_BYTES
from promptreg.governance.eval_scope import RESULTS_DIR as RESULTS_DIR
from promptreg.governance.eval_scope import governs as governs
from promptreg.governance.eval_scope import results_dir as results_dir
from promptreg.governance.fingerprint import CaseKey, case_keys

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESULTS_FORMAT = 1


def results_path(settings: Settings, prompt_id: str) -> Path:
    """`.promptreg/evals/<namespace>/<name>.json`; the id is checked, so no path leaves
    the folder."""
    if not ID_RE.match(prompt_id):
        raise PromptregError(f"{prompt_id!r} is not a prompt id; no results file for it")
    return results_dir(settings) / f"{prompt_id}.json"


def parse_time(text: str) -> dt.datetime:
    """ValueError also for a time UTC cannot hold (year 1 at +01:00): it overflows."""
    moment = dt.datetime.fromisoformat(text)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"the time {text[:40]!r} is out of range") from None
    return moment


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class AssertionResult:
    type: str
    passed: bool
    detail: str = ""
    score: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "passed": self.passed, "detail": self.detail}
        if self.score is not None:
            data["score"] = self.score
        return data


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One answer to one case (one repeat), graded."""

    case: str
    repeat: int
    fingerprint: str
    components: Mapping[str, Any]
    passed: bool
    answered_at: str
    """When the model answered: a cached answer keeps the time it was first given."""
    run_at: str
    endpoint: str
    """The endpoint's host and port; never its key or path."""
    model_requested: str
    model_reported: str | None = None
    latency_ms: float | None = None
    usage: Mapping[str, int] = field(default_factory=dict)
    cost_usd: float | None = None
    cached: bool = False
    error: str | None = None
    assertions: tuple[AssertionResult, ...] = ()
    output: str | None = None
    output_policy: str = "full"
    """full (as answered), redacted (secrets and personal data replaced) or omitted."""

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "repeat": self.repeat,
            "fingerprint": self.fingerprint,
            "components": dict(self.components),
            "passed": self.passed,
            "error": self.error,
            "answered_at": self.answered_at,
            "run_at": self.run_at,
            "cached": self.cached,
            "endpoint": self.endpoint,
            "model_requested": self.model_requested,
            "model_reported": self.model_reported,
            "latency_ms": self.latency_ms,
            "usage": dict(self.usage),
            "cost_usd": self.cost_usd,
            "assertions": [a.to_json() for a in self.assertions],
            "output_policy": self.output_policy,
            "output": self.output,
        }


class ResultsFormatError(ValueError):
    """A results file that is not what promptreg writes."""


def _get(
    data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], optional: bool = False
) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
        raise ResultsFormatError(f"`{key}` is missing or not a {getattr(kind, '__name__', kind)}")
    return value


def case_result_from_json(data: Any) -> CaseResult:
    if not isinstance(data, dict):
        raise ResultsFormatError("a result is not an object")
    assertions = []
    for item in _get(data, "assertions", list):
        if not isinstance(item, dict):
            raise ResultsFormatError("an assertion result is not an object")
        score = item.get("score")
        assertions.append(
            AssertionResult(
                _get(item, "type", str),
                _get(item, "passed", bool),
                str(item.get("detail", "")),
                float(score) if isinstance(score, int | float) else None,
            )
        )
    usage = data.get("usage") or {}
    parse_time(_get(data, "answered_at", str))
    return CaseResult(
        case=_get(data, "case", str),
        repeat=_get(data, "repeat", int),
        fingerprint=_get(data, "fingerprint", str),
        components=_get(data, "components", dict),
        passed=_get(data, "passed", bool),
        answered_at=data["answered_at"],
        run_at=_get(data, "run_at", str),
        endpoint=_get(data, "endpoint", str),
        model_requested=_get(data, "model_requested", str),
        model_reported=_get(data, "model_reported", str, optional=True),
        latency_ms=_get(data, "latency_ms", (int, float), optional=True),
        usage={k: v for k, v in usage.items() if isinstance(v, int)}
        if isinstance(usage, dict)
        else {},
        cost_usd=_get(data, "cost_usd", (int, float), optional=True),
        cached=bool(data.get("cached", False)),
        error=_get(data, "error", str, optional=True),
        assertions=tuple(assertions),
        output=_get(data, "output", str, optional=True),
        output_policy=str(data.get("output_policy", "full")),
    )


@dataclass(frozen=True, slots=True)
class ResultsFile:
    prompt: str
    version: str
    content_hash: str
    written_at: str
    results: tuple[CaseResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": RESULTS_FORMAT,
            "prompt": self.prompt,
            "version": self.version,
            "content_hash": self.content_hash,
            "written_at": self.written_at,
            "results": [r.to_json() for r in self.results],
        }

    def dumps(self) -> str:
        """Stable text: sorted keys and one result per line, in case order, so a re-run
        that changes nothing changes no line and a diff shows which results changed.
        (An indented file would take json's pure-Python encoder: ten times slower.)"""
        head = {k: v for k, v in self.to_json().items() if k != "results"}
        lines = [json.dumps(r.to_json(), sort_keys=True, ensure_ascii=False) for r in self.results]
        opening = json.dumps(head, sort_keys=True, ensure_ascii=False)[:-1]
        return f'{opening}, "results": [\n' + ",\n".join(lines) + "\n]}\n"


def results_from_bytes(data: bytes) -> ResultsFile:
    """Parse a results file; ResultsFormatError says what is wrong with it."""
    if len(data) > MAX_RESULTS_BYTES:
        raise ResultsFormatError(f"{len(data):,} bytes, over the limit of {MAX_RESULTS_BYTES:,}")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ResultsFormatError(f"not JSON: {str(exc)[:120]}") from None
    if not isinstance(raw, dict) or raw.get("format") != RESULTS_FORMAT:
        raise ResultsFormatError(f"not a promptreg results file of format {RESULTS_FORMAT}")
    results = _get(raw, "results", list)
    try:
        return ResultsFile(
            prompt=_get(raw, "prompt", str),
            version=_get(raw, "version", str),
            content_hash=_get(raw, "content_hash", str),
            written_at=_get(raw, "written_at", str),
            results=tuple(case_result_from_json(item) for item in results),
        )
    except (TypeError, ValueError) as exc:
        raise ResultsFormatError(str(exc)[:200]) from None


def read_results_bytes(path: Path) -> bytes | None:
    """The file's bytes, at most the limit and one; None when there is none."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_RESULTS_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ResultsFormatError(f"cannot be read: {exc.strerror}") from None


def read_results(path: Path) -> ResultsFile | None:
    """The file at `path`; None when there is none, ResultsFormatError when it is bad."""
    return None if (data := read_results_bytes(path)) is None else results_from_bytes(data)


def has_any_results(settings: Settings) -> bool:
    folder = results_dir(settings)
    return folder.is_dir() and next(folder.rglob("*.json"), None) is not None


@dataclass(frozen=True, slots=True)
class CaseState:
    key: CaseKey
    results: tuple[CaseResult, ...]
    """The recorded results whose fingerprint is this case's current one."""
    others: tuple[CaseResult, ...] = ()
    """Results recorded under this case's name for something else (older content...)."""

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    def newest(self) -> dt.datetime | None:
        times = [parse_time(r.answered_at) for r in self.results]
        return max(times) if times else None


@dataclass(frozen=True, slots=True)
class EvalState:
    """What the recorded results say about a prompt's current content."""

    prompt: str
    path: Path
    cases: tuple[CaseState, ...]
    problem: str | None = None
    """Why the results file could not be used, when it could not."""

    @property
    def recorded(self) -> int:
        return sum(len(c.results) for c in self.cases)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def missing(self) -> tuple[CaseState, ...]:
        return tuple(c for c in self.cases if not c.results)

    def newest(self) -> dt.datetime | None:
        times = [t for t in (c.newest() for c in self.cases) if t is not None]
        return max(times) if times else None

    def oldest_case(self) -> dt.datetime | None:
        """The newest answer of the case answered longest ago: what freshness hangs on."""
        times = [c.newest() for c in self.cases]
        if not times or any(t is None for t in times):
            return None
        return min(t for t in times if t is not None)

    def label(self, now: dt.datetime | None = None) -> str:
        """A few words for `promptreg list`: 3/3 passed, 1/3 passed, 2 missing, ..."""
        if not self.cases:
            return "-"
        if self.problem:
            return "unreadable"
        if not self.recorded:
            return "not run"
        text = f"{self.passed}/{self.recorded} passed"
        if self.missing:
            text += f", {len(self.missing)} missing"
        newest = self.newest()
        if newest is not None:
            days = ((now or dt.datetime.now(dt.UTC)) - newest).days
            text += f", {days}d ago"
        return text


def eval_state(spec: PromptSpec, settings: Settings) -> EvalState:
    """Match the prompt's results file against its cases' current fingerprints."""
    path = results_path(settings, spec.id)
    try:
        keys = case_keys(spec, settings)
    except PromptregError as exc:  # the judge prompt is missing or broken
        return EvalState(spec.id, path, (), f"fingerprints cannot be computed: {exc.message}")
    problem = None
    recorded: tuple[CaseResult, ...] = ()
    try:
        data = read_results_bytes(path)
        unsigned = None
        if data is not None and settings.evals.signed_by:  # sshsig: only then
            from promptreg.governance.results_signature import unsigned_reason

            unsigned = unsigned_reason(data, path, settings)
        if unsigned is not None:
            problem = f"{shown(path, settings)} cannot be used: {unsigned}"
        elif data is not None:
            recorded = results_from_bytes(data).results
    except ResultsFormatError as exc:
        problem = f"{shown(path, settings)} cannot be used: {exc}"
    cases = []
    for key in keys:
        named = [r for r in recorded if r.case == key.name]
        mine = tuple(r for r in named if r.fingerprint == key.fingerprint(r.repeat))
        others = tuple(r for r in named if r not in mine)
        cases.append(CaseState(key, mine, others))
    return EvalState(spec.id, path, tuple(cases), problem)


def eval_label(spec: PromptSpec, settings: Settings) -> str:
    """The EVALS column of `promptreg list`: `3/3 passed, 2d ago`, `none`, `-`."""
    return eval_state(spec, settings).label() if spec.evals else "-"


def eval_report(spec: PromptSpec, settings: Settings) -> dict[str, Any]:
    """What `promptreg show` says about a prompt's recorded results (JSON-ready)."""
    state = eval_state(spec, settings)
    newest = state.newest()
    return {
        "label": state.label() if spec.evals else "-",
        "cases": len(spec.evals),
        "recorded": state.recorded,
        "passed": state.passed,
        "missing": [c.key.name for c in state.missing],
        "newest": format_time(newest) if newest else None,
        "results_file": shown(state.path, settings),
        "checked_by_lint": governs(spec, settings),
        "problem": state.problem,
    }


def shown(path: Path, settings: Settings) -> str:
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return path.as_posix()
