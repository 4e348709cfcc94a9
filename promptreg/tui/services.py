"""What the screens ask of the library, injected so that tests replace only the edge.

Each service is a thin adapter over the typed functions the CLI calls (the index over
the loader and governance, history over promptreg.git, the renderer over
promptreg.render, the token meter over the token counter, the runner over the eval
runner's client): the screens hold no rule of their own about prompts. `Services.of`
builds the real ones; a test passes its own `runner` (say, pointed at a local server)
and keeps the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from promptreg.core.config import Settings
from promptreg.core.errors import PromptregError, TemplateError, VariableError
from promptreg.tui.index import PromptIndex

# History, diffs, the model, the renderer, the token counter and git load with the
# first prompt screen (or the first question asked of them), not before the list paints.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from promptreg.core.model import PromptSpec
    from promptreg.git.history import Comparison, Revision
    from promptreg.git.repo import Repository
    from promptreg.render.prompt import Messages, Prompt
    from promptreg.render.tokens import TokenCounter
    from promptreg.tui.eval_diff import EvalChanges
    from promptreg.tui.freshness import EvalFreshness

WORKING = "working"
"""promptreg.git.history.WORKING: the ref naming the working tree's file."""

__all__ = [
    "WORKING",
    "History",
    "ModelRunner",
    "Preview",
    "Renderer",
    "Services",
    "TokenMeter",
    "meter_text",
]


class History:
    """Committed versions and comparisons; outside git, `why_empty` says why."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._repo: Repository | None = None
        self._looked = False

    @property
    def repo(self) -> Repository | None:
        """The registry's repository, looked for when first asked: finding it runs git,
        which the list's first paint should not wait for."""
        if not self._looked:
            from promptreg.git.repo import Repository

            self._repo = Repository.at(self.settings.root)
            self._looked = True
        return self._repo

    def why_empty(self) -> str | None:
        if self.repo is None:
            return (
                "the registry is not inside a git repository (or git is not installed), "
                "so there is no committed version to list"
            )
        return None

    def revisions(self, prompt_id: str) -> list[Revision]:
        from promptreg.git.history import history

        if self.repo is None:
            return []
        return history(self.settings, prompt_id, repo=self.repo)

    def compare(self, prompt_id: str, a: str, b: str = WORKING) -> Comparison:
        from promptreg.git.history import compare_versions

        return compare_versions(self.settings, prompt_id, a, b, repo=self.repo)

    def compare_with_evals(
        self, prompt_id: str, a: str, b: str = WORKING
    ) -> tuple[Comparison, EvalChanges]:
        """compare(), and what the recorded eval results of the two states say changed
        (promptreg.tui.eval_diff); each state is read once for both."""
        from promptreg.core.diff import diff_specs
        from promptreg.git.history import Comparison, resolve_version
        from promptreg.tui.eval_diff import eval_changes

        label_a, old = resolve_version(self.settings, prompt_id, a, repo=self.repo)
        label_b, new = resolve_version(self.settings, prompt_id, b, repo=self.repo)
        comparison = Comparison(a, label_a, b, label_b, diff_specs(old, new))
        return comparison, eval_changes(self.settings, self.repo, ((a, old), (b, new)), label_a)

    def refresh(self) -> None:
        """Forget what git said: a commit was made while the app runs."""
        self._looked = False


@dataclass(frozen=True, slots=True)
class Preview:
    """One render of the test form: messages, or what is wrong with the inputs."""

    messages: Messages | None
    field_errors: Mapping[str, str] = field(default_factory=dict)
    """Variable name → what is wrong with its value, shown under its field."""
    errors: tuple[str, ...] = ()
    """Problems that belong to no one field (the template, the sandbox)."""
    values: Mapping[str, Any] = field(default_factory=dict)
    """The values as typed variables, for the request and the token meter."""


class Renderer:
    """Renders a spec with values typed as text, as `promptreg render --var` does."""

    def prompt(self, spec: PromptSpec) -> Prompt:
        from promptreg.render.prompt import Prompt

        return Prompt(spec)

    def preview(self, prompt: Prompt, raw: Mapping[str, str | bool | None]) -> Preview:
        """`raw` maps a variable to its field's text (None: left empty, so the default
        or the binder's "required" applies; a bool from a switch)."""
        from promptreg.render.values import ValueFormatError, parse_value

        values: dict[str, Any] = {}
        field_errors: dict[str, str] = {}
        for name, text in raw.items():
            if text is None:
                continue
            variable = prompt.variables.get(name)
            try:
                values[name] = text if isinstance(text, bool) else parse_value(text, variable, name)
            except ValueFormatError as exc:
                field_errors[name] = f"{exc.message} ({exc.hint})"
        if field_errors:
            return Preview(None, field_errors)
        try:
            return Preview(prompt.render(**values), values=values)
        except VariableError as exc:
            for problem in exc.problems:
                name = problem.split(" ", 1)[0]
                field_errors[name] = problem
            return Preview(None, field_errors)
        except TemplateError as exc:
            return Preview(None, errors=(str(exc),))

    def request(self, prompt: Prompt, preview: Preview) -> dict[str, Any]:
        """The chat request for a preview that rendered."""
        return prompt.openai_chat(**preview.values)


@dataclass(frozen=True, slots=True)
class Meter:
    """Offline token counts of a rendered prompt against the limits that apply."""

    prompt_tokens: int
    budget: int
    """lint.max_prompt_tokens: what the registry allows a prompt."""
    context_window: int | None
    """The model's, from promptreg.yaml; None for an unlisted model."""
    variables: Mapping[str, tuple[int, int]]
    """Variable → (tokens of its value, its max_tokens), for bounded ones."""
    encoding: str


def meter_text(meter: Meter) -> str:
    window = f" of a {meter.context_window:,}-token context window" if meter.context_window else ""
    over = "  OVER BUDGET" if meter.prompt_tokens > meter.budget else ""
    lines = [
        f"prompt: {meter.prompt_tokens:,} tokens ({meter.encoding}); budget "
        f"{meter.budget:,}{window}{over}"
    ]
    for name, (used, bound) in meter.variables.items():
        flag = "  OVER" if used > bound else ""
        lines.append(f"  {name}: {used:,} / {bound:,} tokens{flag}")
    return "\n".join(lines)


class TokenMeter:
    def __init__(self, settings: Settings, counter: TokenCounter | None = None) -> None:
        self.settings = settings
        self._counter = counter

    @property
    def counter(self) -> TokenCounter:
        """The token counter, made when first asked (at the first count, not before
        the list's first paint)."""
        if self._counter is None:
            from promptreg.render.tokens import TokenCounter

            self._counter = TokenCounter()
        return self._counter

    def measure(self, spec: PromptSpec, messages: Messages, values: Mapping[str, Any]) -> Meter:
        from promptreg.lint.rules.tokens import (
            DEFAULT_MAX_PROMPT_TOKENS,
            REPLY_PRIMING,
            TOKENS_PER_MESSAGE,
        )

        model = self.settings.models.get(spec.model.name)
        encoding = model.encoding if model else "o200k_base"
        count = self.counter.count
        total = REPLY_PRIMING + sum(
            TOKENS_PER_MESSAGE + count(m["content"], encoding) for m in messages
        )
        bounded = {
            name: (count(str(values.get(name, "")), encoding), var.max_tokens)
            for name, var in spec.variables.items()
            if var.max_tokens is not None
        }
        budget = int(self.settings.lint.options.get("max_prompt_tokens", DEFAULT_MAX_PROMPT_TOKENS))
        return Meter(total, budget, model.context_window if model else None, bounded, encoding)


class ModelRunner(Protocol):
    def stream(self, request: Mapping[str, Any]) -> AsyncIterator[str]: ...


class EndpointRunner:
    """The configured eval endpoint, through the eval runner's client."""

    def __init__(self, settings: Settings, endpoint: str | None = None) -> None:
        self.settings = settings
        self.endpoint = endpoint

    def stream(self, request: Mapping[str, Any]) -> AsyncIterator[str]:
        from promptreg.evals.trial import stream_answer  # the openai client, when first run

        return stream_answer(self.settings, request, endpoint=self.endpoint)


@dataclass
class Services:
    index: PromptIndex
    history: History
    renderer: Renderer
    tokens: TokenMeter
    runner: ModelRunner
    facts: EvalFreshness | None = None
    """What `stale:evals` asks (None: the filter cannot be answered)."""
    endpoint: str | None = None
    """The evals.endpoints entry that "run evals" uses (None: the configured default)."""

    def why_no_runs(self) -> str | None:
        """Why the model cannot be called from here (None: it can)."""
        return None

    @classmethod
    def of(cls, settings: Settings, *, runner: ModelRunner | None = None) -> Services:
        from promptreg.tui.freshness import EvalFreshness

        return cls(
            PromptIndex(settings),
            History(settings),
            Renderer(),
            TokenMeter(settings),
            runner or EndpointRunner(settings),
            EvalFreshness(settings, background=True),
        )

    def spec(self, prompt_id: str) -> PromptSpec:
        """The prompt with positions, for the screens that point into the file."""
        from promptreg.core.tree import spec_by_id

        return spec_by_id(self.index.settings, prompt_id)


def explain(error: Exception) -> str:
    """An error as one shows it in a notification: message and hint, no traceback."""
    if isinstance(error, PromptregError):
        return str(error)
    return f"{type(error).__name__}: {error}"
