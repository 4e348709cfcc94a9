"""Which prompts the eval rules govern and where their evidence lies, decided from the
spec and the policy alone: the rule checks ask this first and load the results reader
(promptreg.governance.evidence) only for prompts it governs, and the cached lint answer
watches these places without reading a result."""

from __future__ import annotations

from pathlib import Path

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError
from promptreg.core.model import PromptSpec
from promptreg.core.tree import path_for_id

RESULTS_DIR = (".promptreg", "evals")
MAX_RESULTS_BYTES = 64 * 1024 * 1024
"""Larger files are refused unread: a results file is a few kilobytes per case."""


def results_dir(settings: Settings) -> Path:
    return settings.root.joinpath(*RESULTS_DIR)


def judge_file(settings: Settings) -> Path | None:
    """The judge prompt's file when promptreg.yaml names one (it may not exist)."""
    judge = settings.evals.judge
    if judge is None:
        return None
    try:
        return path_for_id(settings.registry_dir, judge)
    except PromptregError:
        return None


GOVERNED_STATUSES = ("review", "approved")


def governs(spec: PromptSpec, settings: Settings) -> bool:
    """Whether the eval rules apply: tier 3, or a tier whose policy sets a pass rate or
    an age; only prompts in review or approved (a draft is still being written)."""
    policy = settings.tier(spec.tier)
    applies = (
        spec.tier == 3
        or policy.min_eval_pass_rate is not None
        or policy.eval_max_age_days is not None
    )
    return applies and spec.status in GOVERNED_STATUSES and bool(spec.evals)
