"""G: recorded eval results as evidence, read offline from `.promptreg/evals/`.

Tier 3 promises prompts that were evaluated recently and passed. `promptreg test`
records each case's result with the fingerprint of exactly what it tested; these rules
compute the fingerprints the cases have now and ask whether results for them exist,
passed, and are recent enough. Reading the files and matching them to the cases is
promptreg.governance.evidence's job, shared with `promptreg show` and `list`.
"""

from __future__ import annotations

from collections.abc import Iterator

from promptreg.governance.eval_scope import governs
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc

CODES = frozenset(("G015", "G016", "G017"))
"""The lint result cache adds promptreg.lint.evals_token.cache_token() to its key when
any of them is selected."""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.lint.evals_evidence import EvidenceIssue


def _issues(ctx: FileContext, *kinds: str) -> Iterator[EvidenceIssue]:
    if not governs(ctx.spec, ctx.settings):
        return iter(())  # a draft, or a tier without eval policy: nothing to read
    import datetime as dt

    from promptreg.lint.evals_evidence import evidence_issues

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
