"""Which cases run, and the request each one sends.

Selecting is cheap and happens first (ids or paths, --changed against a git base, --tier,
--case); the requests are rendered lazily, one case at a time as the runner asks for
them, so a run of 100,000 cases holds a window of them, not all.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.errors import InvalidPromptError, PromptregError, UsageError
from promptreg.core.loader import load_prompt
from promptreg.core.model import EvalCase, PromptSpec
from promptreg.core.tree import prompt_files, spec_by_id
from promptreg.evals.cache import cache_key
from promptreg.evals.client import Connection
from promptreg.evals.grading import CaseError, PlannedAssertion, plan_assertions
from promptreg.governance.fingerprint import CaseKey, case_keys, judge_spec
from promptreg.render.prompt import Prompt

DEFAULT_ENCODING = "o200k_base"


@dataclass(frozen=True, slots=True)
class Selection:
    targets: tuple[str, ...] = ()
    """Prompt ids, files or folders; none means the whole registry."""
    changed_base: str | None = None
    tier: int | None = None
    case: str | None = None
    """A case name, or a glob of names (`refund*`)."""
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class PlannedCase:
    index: int
    case: EvalCase
    key: CaseKey
    assertions: tuple[PlannedAssertion, ...]

    @property
    def judged(self) -> tuple[PlannedAssertion, ...]:
        return tuple(a for a in self.assertions if a.judged)


@dataclass(slots=True)
class PlannedPrompt:
    spec: PromptSpec
    prompt: Prompt
    cases: tuple[PlannedCase, ...]
    repeats: int
    encoding: str
    record: bool = True
    """False for the base side of --compare: graded and reported, never written."""
    all_keys: tuple[CaseKey, ...] = field(default=())

    @property
    def size(self) -> int:
        return len(self.cases) * self.repeats


@dataclass(frozen=True, slots=True)
class WorkItem:
    prompt: PlannedPrompt
    case: PlannedCase
    repeat: int
    request: dict[str, Any]
    fingerprint: str
    cache_key: str


def _changed_files(settings: Settings, base: str) -> set[Path]:
    from promptreg.git.gitio import git, repo_root, resolve, zsplit  # only with --changed

    root = repo_root(settings.root)
    commit = resolve(root, base)
    names = zsplit(git(["diff", "--name-only", "-z", commit, "--"], root).stdout)
    names += zsplit(git(["ls-files", "--others", "--exclude-standard", "-z"], root).stdout)
    return {(root / name).resolve() for name in names}


def _specs_from_targets(settings: Settings, targets: Sequence[str]) -> list[PromptSpec]:
    if not targets:
        found = []
        for path in prompt_files(settings.registry_dir):
            spec = load_prompt(path, positions=False).spec
            if spec is not None:
                found.append(spec)
        return found
    specs = []
    for target in targets:
        path = Path(target)
        if path.exists():
            files = prompt_files(path) if path.is_dir() else [path]
            for file in files:
                result = load_prompt(file)
                if result.spec is None:
                    raise InvalidPromptError(result.problems)
                specs.append(result.spec)
        else:
            specs.append(spec_by_id(settings, target))
    return specs


def select(settings: Settings, selection: Selection) -> list[PromptSpec]:
    """The prompts to test, sorted by id, each once; only those with eval cases."""
    specs = _specs_from_targets(settings, selection.targets)
    if selection.changed_base is not None:
        changed = _changed_files(settings, selection.changed_base)
        specs = [s for s in specs if s.path is not None and s.path.resolve() in changed]
    if selection.tier is not None:
        specs = [s for s in specs if s.tier == selection.tier]
    unique = {spec.id: spec for spec in specs if spec.evals}
    chosen = [unique[key] for key in sorted(unique)]
    if selection.case is not None and not any(
        _case_matches(c, selection.case) for s in chosen for c in s.evals
    ):
        raise UsageError(
            f"no eval case named {selection.case!r} in the selected prompts",
            hint="`promptreg show ID` lists a prompt's cases; --case takes a name or a glob",
        )
    return chosen


def _case_matches(case: EvalCase, pattern: str) -> bool:
    return case.name == pattern or fnmatch.fnmatchcase(case.name, pattern)


def plan_prompt(
    spec: PromptSpec,
    settings: Settings,
    connection: Connection,
    selection: Selection,
    *,
    judge: PromptSpec | None = None,
    record: bool = True,
) -> PlannedPrompt:
    """Compile the prompt, compute its case keys and check every assertion's value."""
    try:
        prompt = Prompt(spec)
    except PromptregError as exc:
        raise CaseError(
            f"{spec.id} cannot be tested: {exc.message}", location=exc.location, hint=exc.hint
        ) from None
    keys = case_keys(spec, settings, connection.endpoint, judge)
    cases = tuple(
        PlannedCase(index, case, keys[index], plan_assertions(spec, index))
        for index, case in enumerate(spec.evals)
        if selection.case is None or _case_matches(case, selection.case)
    )
    info = settings.models.get(spec.model.name)
    return PlannedPrompt(
        spec,
        prompt,
        cases,
        max(1, selection.repeat),
        info.encoding if info else DEFAULT_ENCODING,
        record,
        tuple(keys),
    )


def needs_judge(prompts: Sequence[PromptSpec]) -> bool:
    return any(a.type == "llm-rubric" for s in prompts for c in s.evals for a in c.asserts)


def load_judge(settings: Settings, specs: Sequence[PromptSpec]) -> PromptSpec | None:
    return judge_spec(settings) if needs_judge(specs) else None


def render_request(
    planned: PlannedPrompt, case: PlannedCase, connection: Connection
) -> dict[str, Any]:
    """The chat completion arguments of one case, model named as the endpoint knows it."""
    try:
        request = planned.prompt.openai_chat(**case.case.vars)
    except PromptregError as exc:
        spec = planned.spec
        raise CaseError(
            f"{spec.id} case {case.case.name!r} cannot be rendered: {exc.message}",
            location=spec.location(("evals", case.index, "vars")),
            hint=exc.hint,
        ) from None
    request["model"] = connection.endpoint.model_for(planned.spec.model.name)
    return request


def work_items(prompts: Sequence[PlannedPrompt], connection: Connection) -> Iterator[WorkItem]:
    """Every request of the run, rendered as it is asked for."""
    api = connection.endpoint.api
    for planned in prompts:
        for case in planned.cases:
            request = render_request(planned, case, connection)
            for repeat in range(planned.repeats):
                yield WorkItem(
                    planned,
                    case,
                    repeat,
                    request,
                    case.key.fingerprint(repeat),
                    cache_key(connection.base_url, api, request, repeat),
                )
