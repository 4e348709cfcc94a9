"""Which cases run, and the request each one sends.

Selecting is cheap and happens first (ids or paths, --changed against a git base, --tier,
--case); the requests are rendered lazily, one case at a time as the runner asks for
them, so a run of 100,000 cases holds a window of them, not all.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptreg.core.config import Settings
from promptreg.core.errors import InvalidPromptError, PromptregError, UsageError
from promptreg.core.hashing import canonical_json
from promptreg.core.loader import load_prompt
from promptreg.core.model import EvalCase, PromptSpec
from promptreg.core.tree import prompt_files, spec_by_id
from promptreg.evals.cache import cache_keys
from promptreg.evals.client import Connection
from promptreg.evals.grading import CaseError, PlannedAssertion, plan_assertions
from promptreg.evals.memo import memo_key, memoizable
from promptreg.evals.parsed import ParseCache
from promptreg.governance.fingerprint import JUDGED, CaseKey, case_keys, judge_spec
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


class Compiled:
    """A prompt's templates, compiled when a request is first rendered: a run whose every
    case the render memo answers never compiles them (nor imports Jinja2). Shared by
    the copies of a PlannedPrompt (`dataclasses.replace`), so they compile once."""

    __slots__ = ("_prompt", "spec")

    def __init__(self, spec: PromptSpec) -> None:
        self.spec = spec
        self._prompt: Prompt | None = None

    @property
    def prompt(self) -> Prompt:
        if self._prompt is None:
            try:
                self._prompt = Prompt(self.spec)
            except PromptregError as exc:
                raise CaseError(
                    f"{self.spec.id} cannot be tested: {exc.message}",
                    location=exc.location,
                    hint=exc.hint,
                ) from None
        return self._prompt


@dataclass(slots=True)
class PlannedPrompt:
    spec: PromptSpec
    compiled: Compiled
    cases: tuple[PlannedCase, ...]
    repeats: int
    encoding: str
    record: bool = True
    """False for the base side of --compare: graded and reported, never written."""
    all_keys: tuple[CaseKey, ...] = field(default=())

    @property
    def size(self) -> int:
        return len(self.cases) * self.repeats

    @property
    def prompt(self) -> Prompt:
        return self.compiled.prompt


class WorkItem:
    """One request of the run: a case and repeat of a planned prompt.

    Its request is rendered only when asked for (`request`, `cache_key`): an item whose
    `memo` the response cache knows is answered from the cache without it."""

    __slots__ = ("_keys", "_request", "_source", "case", "fingerprint", "memo", "prompt", "repeat")

    def __init__(
        self, source: _Requests, case: PlannedCase, repeat: int, fingerprint: str, memo: str
    ) -> None:
        self._source = source
        self.prompt = source.planned
        self.case = case
        self.repeat = repeat
        self.fingerprint = fingerprint
        self.memo = memo
        """The render memo's key (memo.memo_key), "" without one (no response cache)."""
        self._request: dict[str, Any] | None = None
        self._keys: list[str] = []

    @property
    def model(self) -> str:
        """The model the request names (as the endpoint knows it), without rendering."""
        return self._source.model

    @property
    def request(self) -> dict[str, Any]:
        if self._request is None:
            self._request, self._keys = self._source.render(self.case)
        return self._request

    @property
    def cache_key(self) -> str:
        if self._request is None:
            self._request, self._keys = self._source.render(self.case)
        return self._keys[self.repeat]


class _Requests:
    """The requests of one planned prompt, rendered on demand. Cases with the same
    variables send the same request: it is rendered, and its cache keys computed, once."""

    __slots__ = ("_rendered", "connection", "model", "planned")

    def __init__(self, planned: PlannedPrompt, connection: Connection) -> None:
        self.planned = planned
        self.connection = connection
        self.model = connection.endpoint.model_for(planned.spec.model.name)
        self._rendered: dict[str, tuple[dict[str, Any], list[str]]] = {}

    def render(self, case: PlannedCase) -> tuple[dict[str, Any], list[str]]:
        values = canonical_json(dict(case.case.vars))
        found = self._rendered.get(values)
        if found is None:
            connection = self.connection
            request = render_request(self.planned, case, connection)
            keys = cache_keys(
                connection.base_url, connection.endpoint.api, request, self.planned.repeats
            )
            found = self._rendered[values] = (request, keys)
        return found


def _changed_files(settings: Settings, base: str) -> set[Path]:
    from promptreg.git.gitio import git, repo_root, resolve, zsplit  # only with --changed

    root = repo_root(settings.root)
    commit = resolve(root, base)
    names = zsplit(git(["diff", "--name-only", "-z", commit, "--"], root).stdout)
    names += zsplit(git(["ls-files", "--others", "--exclude-standard", "-z"], root).stdout)
    return {(root / name).resolve() for name in names}


def _candidates(
    settings: Settings, targets: Sequence[str], parsed: ParseCache | None
) -> Iterator[PromptSpec]:
    """The specs the targets name, one at a time (a registry walk keeps none of them)."""
    if not targets:
        for path in prompt_files(settings.registry_dir):
            result = parsed.load(path) if parsed else load_prompt(path, positions=False)
            if result.spec is not None:
                yield result.spec
        return
    for target in targets:
        path = Path(target)
        if not path.exists():
            yield spec_by_id(settings, target)
            continue
        for file in prompt_files(path) if path.is_dir() else [path]:
            result = load_prompt(file)
            if result.spec is None:
                raise InvalidPromptError(result.problems)
            yield result.spec


@dataclass(frozen=True, slots=True)
class Target:
    """A selected prompt, without its content: planned (and loaded again) only when the
    run reaches it, so a large run holds a few prompts at a time, not all."""

    id: str
    path: Path
    cases: int
    """The selected cases (before --repeat)."""
    judged: bool
    """Whether a selected case has an llm-rubric assertion."""
    spec: PromptSpec | None = field(default=None, repr=False, compare=False)
    """Kept from selection while the run is small (KEEP_CASES), so it is not read twice."""
    assertions: Mapping[int, tuple[PlannedAssertion, ...]] | None = field(
        default=None, repr=False, compare=False
    )
    """The selected cases' assertions as selection resolved them, kept with `spec`."""


KEEP_CASES = 20_000
"""Selections up to this many cases keep their prompts loaded between selecting and
running; larger ones read each file again when the run reaches it, to bound memory."""


def select(
    settings: Settings, selection: Selection, parsed: ParseCache | None = None
) -> list[Target]:
    """The prompts to test, sorted by id, each once; only those with selected cases.

    Every selected case's assertions are checked here, so a bad value stops the run
    before any request is sent. A registry walk reads its files through `parsed`.
    """
    changed = None
    if selection.changed_base is not None:
        changed = _changed_files(settings, selection.changed_base)
    chosen: dict[str, Target] = {}
    kept = 0
    for spec in _candidates(settings, selection.targets, parsed):
        path = spec.path
        if path is None or (changed is not None and path.resolve() not in changed):
            continue
        if selection.tier is not None and spec.tier != selection.tier:
            continue
        cases = [i for i, c in enumerate(spec.evals) if _selected(c, selection)]
        if not cases:
            continue
        assertions = _check_assertions(spec, cases)
        judged = any(a.type == JUDGED for i in cases for a in spec.evals[i].asserts)
        kept += len(cases)
        if kept <= KEEP_CASES:
            chosen[spec.id] = Target(spec.id, path, len(cases), judged, spec, assertions)
        else:
            chosen[spec.id] = Target(spec.id, path, len(cases), judged)
    if selection.case is not None and not chosen:
        raise UsageError(
            f"no eval case named {selection.case!r} in the selected prompts",
            hint="`promptreg show ID` lists a prompt's cases; --case takes a name or a glob",
        )
    return [chosen[key] for key in sorted(chosen)]


def _check_assertions(
    spec: PromptSpec, cases: Sequence[int]
) -> dict[int, tuple[PlannedAssertion, ...]]:
    seen: dict[tuple[str, str], str | None] = {}
    try:
        return {index: plan_assertions(spec, index, seen=seen) for index in cases}
    except CaseError:
        if spec.document is not None and spec.document.positions:
            raise
        for index in cases:
            plan_assertions(located(spec), index)
        raise


def load(target: Target, parsed: ParseCache | None = None) -> PromptSpec:
    """The target's prompt, loaded again as the run reaches it. Without positions, which
    cost a third of the parse: an error about a case loads the file again for its line."""
    if target.spec is not None:
        return target.spec
    result = parsed.load(target.path) if parsed else load_prompt(target.path, positions=False)
    if result.spec is None:
        raise InvalidPromptError(load_prompt(target.path).problems or result.problems)
    return result.spec


def located(spec: PromptSpec) -> PromptSpec:
    """`spec` with positions, for an error's line (loaded again if it has none)."""
    if spec.path is None or (spec.document is not None and spec.document.positions):
        return spec
    return load_prompt(spec.path).spec or spec


def _selected(case: EvalCase, selection: Selection) -> bool:
    return selection.case is None or _case_matches(case, selection.case)


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
    checked: bool = False,
    assertions: Mapping[int, tuple[PlannedAssertion, ...]] | None = None,
) -> PlannedPrompt:
    """Compute the prompt's case keys and resolve its assertions (checking their values,
    unless select() already did; `assertions`, by case index, are those it resolved).
    Its templates are compiled when first rendered."""
    keys = case_keys(spec, settings, connection.endpoint, judge)
    resolved = assertions or {}
    cases = tuple(
        PlannedCase(
            index,
            case,
            keys[index],
            resolved.get(index) or plan_assertions(spec, index, checked=checked),
        )
        for index, case in enumerate(spec.evals)
        if selection.case is None or _case_matches(case, selection.case)
    )
    info = settings.models.get(spec.model.name)
    return PlannedPrompt(
        spec,
        Compiled(spec),
        cases,
        max(1, selection.repeat),
        info.encoding if info else DEFAULT_ENCODING,
        record,
        tuple(keys),
    )


def load_judge(settings: Settings, targets: Sequence[Target]) -> PromptSpec | None:
    """The judge prompt, when a selected case needs it."""
    return judge_spec(settings) if any(t.judged for t in targets) else None


def render_request(
    planned: PlannedPrompt, case: PlannedCase, connection: Connection
) -> dict[str, Any]:
    """The chat completion arguments of one case, model named as the endpoint knows it."""
    try:
        request = planned.prompt.openai_chat(**case.case.vars)
    except PromptregError as exc:
        spec = located(planned.spec)
        raise CaseError(
            f"{spec.id} case {case.case.name!r} cannot be rendered: {exc.message}",
            location=spec.location(("evals", case.index, "vars")),
            hint=exc.hint,
        ) from None
    request["model"] = connection.endpoint.model_for(planned.spec.model.name)
    return request


def work_items(
    prompts: Iterable[PlannedPrompt], connection: Connection, renderer: str = ""
) -> Iterator[WorkItem]:
    """Every request of the run, rendered as it is asked for."""
    for planned in prompts:
        yield from prompt_items(planned, connection, renderer)


def prompt_items(
    planned: PlannedPrompt, connection: Connection, renderer: str = ""
) -> Iterator[WorkItem]:
    """The work items of one prompt's cases and repeats. With `renderer` (the identity
    of the code that renders requests, memo.renderer_identity) each carries its key in
    the render memo; without, none."""
    source = _Requests(planned, connection)
    base_url = connection.base_url
    if not memoizable(planned.spec):
        renderer = ""
    for case in planned.cases:
        for repeat in range(planned.repeats):
            fingerprint = case.key.fingerprint(repeat)
            memo = memo_key(renderer, base_url, fingerprint) if renderer else ""
            yield WorkItem(source, case, repeat, fingerprint, memo)


def windows(items: Iterable[WorkItem], most: int) -> Iterator[list[WorkItem]]:
    """`items` in lists of 8, 16, 32 ... up to `most`."""
    size = min(8, most)
    window: list[WorkItem] = []
    for item in items:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
            size = min(size * 2, most)
    if window:
        yield window
