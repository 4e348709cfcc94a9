"""A loaded prompt that application code renders: validated variables in, messages out.

Compiled once and cached by the Registry, so the per-request cost is checking the
variables and running the compiled templates, close to raw Jinja2. A Prompt holds
nothing that changes after it is built, so one Prompt renders from many threads.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from promptreg.core.errors import InvalidPromptError, Problem, VariableError
from promptreg.core.location import Location, Span
from promptreg.core.model import PromptSpec, Variable
from promptreg.core.suggest import did_you_mean

# typing costs ~15 ms to import and the SDK path needs it only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from promptreg.render.sandbox import CompiledTemplate, Sandbox

Messages = list[dict[str, str]]

_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list | tuple),
    "object": lambda v: isinstance(v, Mapping),
}


FALLBACK_ENCODING = "o200k_base"
"""What a served prompt counts `max_tokens` with when its model's encoding is not known
(a bundle, a model missing from promptreg.yaml): the encoding of current OpenAI models."""


def serving_encoding(spec: PromptSpec, models: Mapping[str, Any] | None = None) -> str:
    """The encoding a served prompt's values are counted with: its model's in `models`
    (promptreg.yaml's `models:`), else FALLBACK_ENCODING."""
    model = models.get(spec.model.name) if models else None
    encoding = getattr(model, "encoding", None)
    return encoding if isinstance(encoding, str) and encoding else FALLBACK_ENCODING


def _over_max_tokens(var: Variable, value: Any, encoding: str) -> str | None:
    """Why `value` is over `var.max_tokens` in `encoding`, or None.

    The bound is what the token rules (K001, K002) count with; a value over it renders a
    prompt nobody checked the size of. A value no longer in UTF-8 bytes than the bound
    is never counted (every token is at least one byte), so the tokenizer loads only
    for a long value.
    """
    if var.max_tokens is None or value is None:
        return None
    if isinstance(value, str):
        text = value
    else:
        import json  # an array or object: counted as the JSON the template prints

        text = json.dumps(value, default=str)
    if len(text) <= var.max_tokens // 4 or len(text.encode("utf-8")) <= var.max_tokens:
        return None
    from promptreg.render.tokens import count_tokens  # loads tiktoken: long values only

    tokens = count_tokens(text, encoding)
    if tokens <= var.max_tokens:
        return None
    return (
        f"{var.name} is {tokens:,} tokens, over its max_tokens of {var.max_tokens:,}; "
        "shorten it (the application must enforce the same bound)"
    )


_CODES = {"unknown-name": "T006", "too-deep": "T008"}
"""The lint rule of each kind of template problem; the rest are T001's."""


def compile_messages(
    spec: PromptSpec, sandbox: Sandbox | None = None
) -> tuple[CompiledTemplate, ...]:
    """Compile every message template, or raise one error listing each bad message.

    The templates are compiled in `sandbox`, or in a new one shared by this spec's
    messages.
    """
    # Deferred: Jinja2 costs ~40 ms to import, and listing or showing prompts never
    # compiles a template; the first get() pays it instead of every `import promptreg`.
    from promptreg.render.analysis import TemplateProblemError
    from promptreg.render.sandbox import Sandbox

    if sandbox is None:
        sandbox = Sandbox()
    compiled: list[CompiledTemplate] = []
    problems: list[Problem] = []
    for index, message in enumerate(spec.messages):
        label = f"{spec.id} message {index + 1} ({message.role})"
        try:
            compiled.append(sandbox.compile(message.content, label))
        except TemplateProblemError as exc:
            document = spec.document
            where = ("messages", index, "content")
            line = document.text_line(where, exc.problem.line) if document else 1
            code = _CODES.get(exc.problem.kind, "T001")
            location = Location(spec.location().path, Span.at(line, 1))
            problems.append(Problem(code, exc.problem.message, location))
    if problems:
        raise InvalidPromptError(problems)
    return tuple(compiled)


class VariableBinder:
    """Checks values against a prompt's declared variables; no templates needed.

    Shared by rendering (the SDK, `promptreg render`, the TUI) and by the linter's eval
    checks, so an eval case fails lint for exactly the reasons it would fail to render,
    and every caller refuses the same values. With an `encoding`, a value over its
    variable's `max_tokens` is refused too; a number must be finite (`nan` and `inf`
    mean nothing as a price or a threshold, and JSON has no such values).
    """

    __slots__ = ("_checks", "_encoding", "_variables", "prompt_id")

    def __init__(self, spec: PromptSpec, encoding: str | None = None) -> None:
        self.prompt_id = spec.id
        self._encoding = encoding
        self._variables = spec.variables
        # Per variable: its type check, whether it is a number (finite only), and the
        # max_tokens to count against (None: not counted), so bind() tests no more than
        # a variable needs on every render.
        self._checks = tuple(
            (
                var,
                _TYPE_CHECKS[var.type],
                var.type == "number",
                var.max_tokens if encoding is not None else None,
            )
            for var in spec.variables.values()
        )

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Check `values` against the declared variables; defaults filled in.

        Every problem is collected before raising, so a caller fixes them in one go.
        """
        bound: dict[str, Any] = {}
        problems: list[str] | None = None
        given = 0
        for var, check, number, limit in self._checks:
            name = var.name
            if name in values:
                given += 1
                value = values[name]
                if not check(value):
                    problems = problems or []
                    problems.append(
                        f"{name} must be {_article(var.type)}, "
                        f"not {type(value).__name__} {value!r:.40}"
                    )
                elif number and isinstance(value, float) and not math.isfinite(value):
                    problems = problems or []
                    problems.append(f"{name} must be a finite number, not {value!r}")
                elif var.enum is not None and value not in var.enum:
                    problems = problems or []
                    options = ", ".join(repr(o) for o in var.enum)
                    problems.append(f"{name} must be one of {options}, not {value!r:.40}")
                elif (
                    limit is not None
                    and not (value.__class__ is str and len(value) <= limit >> 2)
                    and (over := _over_max_tokens(var, value, self._encoding or ""))
                ):
                    problems = problems or []
                    problems.append(over)
                bound[name] = value
            elif var.has_default:
                bound[name] = var.default
            elif var.required:
                problems = problems or []
                problems.append(f"{name} is required ({var.type}): {var.description}")
            else:
                bound[name] = None
        if given != len(values):
            for name in values:
                if name not in self._variables:
                    problems = problems or []
                    hint = did_you_mean(name, self._variables)
                    problems.append(f"{name} is not a variable of this prompt{hint}")
        if problems:
            raise VariableError(self.prompt_id, problems)
        return bound


class Prompt:
    """An approved (or explicitly allowed) prompt, ready to render.

    Its templates are compiled in `sandbox` when one is given (a registry may share
    one across its prompts), else in a sandbox of the prompt's own.
    """

    __slots__ = (
        "_binder",
        "_labels",
        "_render_all",
        "_roles",
        "_templates",
        "bind",
        "observer",
        "spec",
    )

    def __init__(
        self,
        spec: PromptSpec,
        sandbox: Sandbox | None = None,
        *,
        encoding: str | None = None,
    ) -> None:
        """`encoding` is what values are counted with against their `max_tokens`: the
        registry and a bundle pass the model's (`serving_encoding`). None leaves sizes
        unchecked: the eval runner and the TUI render what the file itself holds, which
        the token rules bound."""
        self.spec = spec
        self._templates = compile_messages(spec, sandbox)
        from promptreg.render.sandbox import render_all  # loaded by compile_messages

        self._render_all = render_all
        self._roles = tuple(message.role for message in spec.messages)
        self._labels = tuple(
            f"{spec.id} message {number} ({role})" for number, role in enumerate(self._roles, 1)
        )
        self._binder = VariableBinder(spec, encoding)
        self.bind = self._binder.bind
        """Check values against the declared variables; VariableError lists every problem."""
        self.observer: Callable[[Prompt, str, Mapping[str, Any]], None] | None = None
        """Called once per render or openai_* call with the prompt, the call's name and the
        bound variables: the registry that serves the prompt sets it to write audit records,
        so render/ needs to know nothing of logging. None renders silently."""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def content_hash(self) -> str:
        return self.spec.content_hash

    @property
    def variables(self) -> Mapping[str, Variable]:
        return self.spec.variables

    def __repr__(self) -> str:
        return (
            f"<Prompt {self.spec.id} {self.spec.version} tier {self.spec.tier} {self.spec.status}>"
        )

    def render(self, **values: Any) -> Messages:
        """The chat messages, rendered in the sandbox after checking the variables."""
        return self._messages(values, "render")

    def _messages(self, values: Mapping[str, Any], call: str) -> Messages:
        """Render, then tell the observer: one record per public call, after it succeeded."""
        bound = self._binder.bind(values)
        texts = self._render_all(self._templates, bound, self._labels)
        messages = [
            {"role": role, "content": text} for role, text in zip(self._roles, texts, strict=True)
        ]
        if self.observer is not None:
            self.observer(self, call, bound)
        return messages

    def openai_chat(self, **values: Any) -> dict[str, Any]:
        """Keyword arguments for `client.chat.completions.create(**...)`."""
        from promptreg.render.openai_format import response_format, sampling

        model = self.spec.model
        kwargs: dict[str, Any] = {
            "model": model.name,
            "messages": self._messages(values, "openai_chat"),
            **sampling(self.spec),
        }
        if model.max_output_tokens is not None:
            kwargs["max_completion_tokens"] = model.max_output_tokens
        if model.seed is not None:
            kwargs["seed"] = model.seed
        answer_format = response_format(self.spec)
        if answer_format is not None:
            kwargs["response_format"] = answer_format
        return kwargs

    def openai_responses(self, **values: Any) -> dict[str, Any]:
        """Keyword arguments for `client.responses.create(**...)`: `instructions`, `input`
        and `text.format` with the output JSON Schema."""
        from promptreg.render.openai_format import responses_kwargs

        return responses_kwargs(self.spec, self._messages(values, "openai_responses"))


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"
