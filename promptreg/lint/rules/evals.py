"""G: recorded eval results as evidence, read offline from `.promptreg/evals/`.

Tier 3 promises prompts that were evaluated recently and passed. `promptreg test`
records each case's result with the fingerprint of exactly what it tested; these rules
compute the fingerprints the cases have now and ask whether results for them exist,
passed, and are recent enough. Reading the files and matching them to the cases is
promptreg.governance.evidence's job, shared with `promptreg show` and `list`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from promptreg.core.bounded import MAX_SIGNERS_BYTES, FileTooLargeError, read_bounded
from promptreg.core.config import Settings
from promptreg.core.model import PromptSpec
from promptreg.governance.evidence import (
    CaseResult,
    ResultsFormatError,
    eval_state,
    governs,
    has_any_results,
    parse_time,
    read_results_bytes,
    results_dir,
    results_from_bytes,
    shown,
)
from promptreg.governance.fingerprint import CaseKey
from promptreg.governance.provenance import allowed_signers_path
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc

CODES = frozenset(("G015", "G016", "G017"))
"""The lint result cache adds cache_token() to its key when any of them is selected."""


def why_not_current(key: CaseKey, other: CaseResult) -> str:
    """Which part of the fingerprint differs between a recorded result and now."""
    then = other.components
    for part, words in (
        ("content_hash", "the prompt's content changed since"),
        ("case_hash", "the case's variables or assertions changed since"),
        ("model", f"it was recorded for model {then.get('model')!r}, not {key.model!r}"),
        ("parameters", "the request parameters changed since"),
        ("judge", "the judge prompt or its model changed since"),
        ("runner", "it was graded by an older runner"),
    ):
        if then.get(part) != key.components().get(part):
            return words
    return "its fingerprint does not match"


@dataclass(frozen=True, slots=True)
class EvidenceIssue:
    kind: str
    """missing, failing, stale or unreadable."""
    message: str
    case_index: int | None = None


def evidence_issues(
    spec: PromptSpec, settings: Settings, now: dt.datetime
) -> Iterator[EvidenceIssue]:
    """What the eval rules report for `spec`, in case order."""
    if not governs(spec, settings):
        return
    if not settings.evals.require_results and not has_any_results(settings):
        return
    state = eval_state(spec, settings)
    policy = settings.tier(spec.tier)
    where = shown(state.path, settings)
    if state.problem:
        yield EvidenceIssue("unreadable", state.problem)
        return
    for case in state.missing:
        reason = why_not_current(case.key, case.others[-1]) if case.others else "none recorded"
        yield EvidenceIssue(
            "missing",
            f"eval case {case.key.name!r} has no result for the current content ({reason}); "
            f"run `promptreg test {spec.id}` and commit {where}",
            case.key.index,
        )
    if state.recorded:
        rate = policy.min_eval_pass_rate if policy.min_eval_pass_rate is not None else 1.0
        if state.passed < rate * state.recorded:
            failing = ", ".join(repr(c.key.name) for c in state.cases if c.passed < len(c.results))
            yield EvidenceIssue(
                "failing",
                f"{state.passed} of {state.recorded} recorded results of the current content "
                f"passed ({state.passed / state.recorded:.0%}); tier {spec.tier} requires "
                f"{rate:.0%} (min_eval_pass_rate). Failing: {failing}",
            )
    limit = policy.eval_max_age_days
    if limit is None:
        return
    for case in state.cases:
        newest = case.newest()
        if newest is None:
            continue
        age = now - newest
        if age > dt.timedelta(days=limit):
            yield EvidenceIssue(
                "stale",
                f"the newest result of eval case {case.key.name!r} was answered "
                f"{newest.date().isoformat()} ({age.days} days ago); tier {spec.tier} requires "
                f"results from the last {limit} day{'s' if limit != 1 else ''} "
                f"(eval_max_age_days). Run `promptreg test {spec.id}`",
                case.key.index,
            )


def cache_token(settings: Settings, now: dt.datetime) -> str:
    """What the eval rules' findings depend on beyond the prompt file, for the lint
    result cache: the bytes of every results file, and how many recorded answers have
    passed each age limit so far (findings change the moment one does)."""
    digest = hashlib.sha256()
    folder = results_dir(settings)
    limits = sorted(
        {p.eval_max_age_days for p in settings.tiers.values() if p.eval_max_age_days is not None}
    )
    crossed = [0] * len(limits)
    for path in sorted(folder.rglob("*.json*")) if folder.is_dir() else ():
        if not path.name.endswith((".json", ".json.sig")):
            continue
        try:  # bounded: a results file (or a "signature") is the pull request's to size
            data = read_results_bytes(path)
        except ResultsFormatError:
            continue
        if data is None:
            continue
        digest.update(path.as_posix().encode() + b"\0" + hashlib.sha256(data).digest())
        for moment in _answer_times(data) if path.name.endswith(".json") else ():
            for index, limit in enumerate(limits):
                crossed[index] += now - moment > dt.timedelta(days=limit)
    if settings.evals.signed_by:  # which keys may sign results decides what counts
        try:
            digest.update(read_bounded(allowed_signers_path(settings), MAX_SIGNERS_BYTES, "x"))
        except (OSError, FileTooLargeError):
            digest.update(b"\0unreadable")
    digest.update(repr((settings.evals.require_results, crossed)).encode())
    digest.update(repr(settings.evals.signed_by).encode())
    return digest.hexdigest()


def _answer_times(data: bytes) -> Iterator[dt.datetime]:
    try:
        loaded = results_from_bytes(data)
    except ResultsFormatError:
        return
    for result in loaded.results:
        yield parse_time(result.answered_at)


def _issues(ctx: FileContext, *kinds: str) -> Iterator[EvidenceIssue]:
    now = dt.datetime.now(dt.UTC)
    return (i for i in evidence_issues(ctx.spec, ctx.settings, now) if i.kind in kinds)


def _hit(ctx: FileContext, issue: EvidenceIssue) -> Hit:
    if issue.case_index is None:
        return ctx.hit(issue.message, ("evals",), key=True)
    return ctx.hit(issue.message, ("evals", issue.case_index, "name"))


def check_results_missing(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "missing", "unreadable"):
        yield _hit(ctx, issue)


def check_pass_rate(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "failing"):
        yield _hit(ctx, issue)


def check_results_age(ctx: FileContext) -> Iterator[Hit]:
    for issue in _issues(ctx, "stale"):
        yield _hit(ctx, issue)


_SCOPE = (
    "Prompts in review or approved, on tier 3 and on any tier whose policy sets "
    "`min_eval_pass_rate` or `eval_max_age_days`"
)
_OPTIONS = (
    "`tiers.<n>.min_eval_pass_rate` (default 1.0) and `tiers.<n>.eval_max_age_days` in "
    "promptreg.yaml; `evals.require_results: false` keeps the eval rules silent until the "
    "registry has recorded any result. The current fingerprints use the model names of "
    "`evals.endpoint`."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "G015",
        "eval-results-missing",
        "An eval case has no recorded result for the prompt's current content.",
        RuleDoc(
            what=f"{_SCOPE}: eval cases with no result in `.promptreg/evals/<id>.json` "
            "whose fingerprint (content hash, case, model and parameters, judge prompt, "
            "runner, repeat) is the case's current one. A results file that cannot be read "
            "is reported here too, and so is one without a good signature by a principal "
            "of `evals.signed_by` when that is set (FILE.sig, `ssh-keygen -Y sign -n "
            "promptreg-evals`). The message says why older results do not count (the "
            "content changed, the case changed, another model).",
            why="Tier 3 promises evaluation that ran on what is served. A result for last "
            "month's wording, another model or another judge is evidence of something "
            "else, and an edit must not keep the green mark of the content it replaced.",
            example="# registry/legal/dsar-triage.prompt.yaml edited after its last run\n"
            "evals:\n  - name: plain-language erasure request   # no current result\n",
            use_instead="promptreg test legal/dsar-triage\n"
            "git add .promptreg/evals/legal/dsar-triage.json\n",
            options=_OPTIONS,
            fix_safety="No automatic fix: only running the cases makes results.",
        ),
        check=check_results_missing,
    ),
    Rule(
        "G016",
        "eval-pass-rate-below-minimum",
        "Too few of the prompt's recorded eval results passed.",
        RuleDoc(
            what=f"{_SCOPE}: the share of current results (every case and repeat recorded "
            "for the current fingerprints) that passed is below the tier's "
            "`min_eval_pass_rate` (1.0 unless set: every result must pass). The message "
            "names the failing cases.",
            why="A failing case is a known wrong answer. Serving a high-risk prompt whose "
            "own checks fail contradicts the reason the checks were written.",
            example="# .promptreg/evals/legal/dsar-triage.json\n"
            '{"case": "delivery complaint is not a DSAR", "passed": false, ...}\n',
            use_instead="Fix the prompt (or the case, if its expectation was wrong), run "
            "`promptreg test ID` again and commit the passing results.\n",
            options=_OPTIONS,
            fix_safety="No automatic fix.",
        ),
        check=check_pass_rate,
    ),
    Rule(
        "G017",
        "eval-results-stale",
        "An eval case's newest current result is older than the tier allows.",
        RuleDoc(
            what=f"{_SCOPE}: cases whose newest current result was answered more than "
            "`eval_max_age_days` days ago. The age counts from when the model answered: "
            "a re-run answered from the response cache keeps the first answer's time.",
            why="The model behind an endpoint changes without the prompt changing. Tier 3 "
            "asks for regular evaluation so that drift shows before a customer sees it.",
            example="tiers:\n  3: {eval_max_age_days: 30}\n"
            "# newest result of a tier-3 case: 45 days ago\n",
            use_instead="promptreg test --tier 3   # on a schedule, and commit the results\n",
            options=_OPTIONS,
            fix_safety="No automatic fix.",
        ),
        check=check_results_age,
    ),
)
