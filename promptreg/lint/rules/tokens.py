"""K: tokens. Budgets, context windows, bounds on untrusted input and on eval data.

Token counts come from promptreg.render.tokens (tiktoken's encoder, offline). Loading an
encoding takes a few hundred milliseconds, so the checks count only when they must:
every token covers at least one byte of UTF-8, so text whose byte length already fits a
limit fits it in tokens too, and most prompts are settled without loading an encoding.
A prompt whose model is not in promptreg.yaml is not counted at all: S005 reports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from promptreg.core.records import Record
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.render.facts import TemplateProblemError

if TYPE_CHECKING:
    from promptreg.core.config import ModelInfo

DEFAULT_MAX_PROMPT_TOKENS = 4000
"""lint.max_prompt_tokens when promptreg.yaml does not set it."""

TOKENS_PER_MESSAGE = 4
"""Chat framing per message: three tokens around it plus its role, which is one token
in both encodings (system, developer, user, assistant), as OpenAI's cookbook counts."""

REPLY_PRIMING = 3
"""Tokens that open the model's reply."""

UNBOUNDED_TYPES = frozenset(("string", "array", "object"))
"""Variable types that can carry text of any length."""


class _Size(Record):
    """A prompt's size in tokens, by where the tokens come from."""

    text: int
    variables: int
    framing: int

    @property
    def total(self) -> int:
        return self.text + self.variables + self.framing

    def describe(self) -> str:
        return (
            f"{self.text:,} of message text, {self.variables:,} of variables at their "
            f"max_tokens, {self.framing:,} of chat framing"
        )


def _model(ctx: FileContext) -> ModelInfo | None:
    return ctx.settings.models.get(ctx.spec.model.name)


def _prompt_size(ctx: FileContext, limit: int) -> _Size | None:
    """The prompt's size in tokens when it may exceed `limit`, else None.

    None also when it cannot be counted: the model is unknown (S005) or a template does
    not compile (T001). The encoding is loaded only when the byte length of the literal
    text, an upper bound on its tokens, does not settle the question.
    """
    model = _model(ctx)
    if model is None:
        return None
    upper = 0
    used: set[str] = set()
    for message in ctx.spec.messages:
        facts = ctx.analyse(message.content)
        if isinstance(facts, TemplateProblemError):
            return None  # T001 reports it
        upper += facts.literal_bytes
        used |= facts.variables
    declared = ctx.spec.variables
    variables = sum(declared[name].max_tokens or 0 for name in used if name in declared)
    framing = TOKENS_PER_MESSAGE * len(ctx.spec.messages) + REPLY_PRIMING
    if upper + variables + framing <= limit:
        return None
    counted = sum(ctx.literal_tokens(m.content, model.encoding) for m in ctx.spec.messages)
    return _Size(counted, variables, framing)


def _budget(ctx: FileContext) -> int:
    return int(ctx.settings.lint.options.get("max_prompt_tokens", DEFAULT_MAX_PROMPT_TOKENS))


def check_prompt_budget(ctx: FileContext) -> Iterator[Hit]:
    budget = _budget(ctx)
    size = _prompt_size(ctx, budget)
    if size is not None and size.total > budget:
        yield ctx.hit(
            f"the prompt can reach {size.total:,} tokens ({size.describe()}), over the "
            f"budget of {budget:,} set by lint.max_prompt_tokens; shorten the messages or "
            "lower the variables' max_tokens",
            ("messages",),
            key=True,
        )


def check_context_window(ctx: FileContext) -> Iterator[Hit]:
    model = _model(ctx)
    if model is None:
        return
    if ctx.spec.model.max_output_tokens is not None:
        output = ctx.spec.model.max_output_tokens
        where: tuple[str, ...] = ("model", "max_output_tokens")
        reserved = f"with the {output:,} output tokens of model.max_output_tokens"
    else:
        output = model.max_output_tokens or 0
        where = ("model", "name")
        reserved = (
            f"with the model's {output:,} output tokens (promptreg.yaml)"
            if output
            else "with no output reserved"
        )
    size = _prompt_size(ctx, model.context_window - output)
    if size is not None and size.total + output > model.context_window:
        yield ctx.hit(
            f"the prompt can reach {size.total:,} tokens ({size.describe()}); {reserved} "
            f"that makes {size.total + output:,}, over {model.name}'s context window of "
            f"{model.context_window:,}; lower max_output_tokens or the variables' "
            "max_tokens, or choose a model with a larger window",
            where,
        )


def check_unbounded_untrusted(ctx: FileContext) -> Iterator[Hit]:
    for name, variable in ctx.spec.variables.items():
        if (
            not variable.trusted
            and variable.type in UNBOUNDED_TYPES
            and variable.enum is None
            and variable.max_tokens is None
        ):
            yield ctx.hit(
                f"untrusted {variable.type} variable {name!r} has no max_tokens, so nothing "
                "bounds how much of the prompt it can take; declare `max_tokens:`",
                ("variables", name),
                key=True,
            )


def _as_text(value: object) -> str:
    """A variable's value as the model reads it: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def check_eval_values(ctx: FileContext) -> Iterator[Hit]:
    declared = ctx.spec.variables
    for index, case in enumerate(ctx.spec.evals):
        for name, value in case.vars.items():
            variable = declared.get(name)
            if variable is None or variable.max_tokens is None:
                continue
            text = _as_text(value)
            if len(text.encode("utf-8")) <= variable.max_tokens:
                continue  # every token is at least one byte
            model = _model(ctx)
            if model is None:
                return
            tokens = ctx.count_tokens(text, model.encoding)
            if tokens > variable.max_tokens:
                yield ctx.hit(
                    f"eval {case.name!r} passes {name!r} as {tokens:,} tokens, over the "
                    f"variable's max_tokens of {variable.max_tokens:,}; shorten the value or "
                    "raise the bound",
                    ("evals", index, "vars", name),
                    key=True,
                )


def check_output_limit(ctx: FileContext) -> Iterator[Hit]:
    model = _model(ctx)
    wanted = ctx.spec.model.max_output_tokens
    if model is None or model.max_output_tokens is None or wanted is None:
        return
    if wanted > model.max_output_tokens:
        yield ctx.hit(
            f"max_output_tokens is {wanted:,}, but {model.name} writes at most "
            f"{model.max_output_tokens:,} tokens per answer (models: in promptreg.yaml)",
            ("model", "max_output_tokens"),
        )


_COUNTING = (
    "Counted with the model's tiktoken encoding (models: in promptreg.yaml), offline. "
    "The figure is the literal text of every message (each literal counted once, even "
    "inside a loop; both branches of an `if`), plus each variable the templates use at "
    "its declared max_tokens (a variable without max_tokens counts 0: K003 reports the "
    "untrusted ones), plus the chat framing of 4 tokens per message and 3 for the reply. "
    "Not checked when the model is unknown (S005) or a template does not compile (T001)."
)

RULES: tuple[Rule, ...] = (
    Rule(
        "K001",
        "prompt-over-budget",
        "The prompt can be longer than the organisation's token budget.",
        RuleDoc(
            what="Prompts whose messages, with every variable at its max_tokens, can exceed "
            "`lint.max_prompt_tokens` tokens. " + _COUNTING,
            why="Every prompt token is paid for on every request and slows the answer, and "
            "a long prompt dilutes the instructions that matter. A budget makes growth a "
            "decision someone reviews instead of an accident.",
            example="variables:\n  contract_text:\n    type: string\n"
            "    description: The contract.\n    max_tokens: 12000\n",
            use_instead="variables:\n  contract_text:\n    type: string\n"
            "    description: One clause of the contract.\n    max_tokens: 3000\n",
            options="`lint.max_prompt_tokens` in promptreg.yaml (default "
            f"{DEFAULT_MAX_PROMPT_TOKENS}): the largest prompt, in tokens, any file may have. "
            "The encoding is `models.<name>.encoding`.",
            fix_safety="No automatic fix: what to cut, or whether to raise the budget, is a "
            "decision for the prompt's owner.",
        ),
        check=check_prompt_budget,
        options=("max_prompt_tokens",),
    ),
    Rule(
        "K002",
        "context-window-exceeded",
        "The prompt plus the reserved output can exceed the model's context window.",
        RuleDoc(
            what="Prompts whose size (as K001 counts it) plus the output they reserve is "
            "over the model's `context_window` in promptreg.yaml. The reservation is "
            "`model.max_output_tokens`, else the model's `max_output_tokens` in "
            "promptreg.yaml, else nothing. " + _COUNTING,
            why="The API rejects a request that does not fit the window, so the prompt "
            "fails in production exactly when a customer sends a long input.",
            example="model:\n  name: gpt-3.5-turbo   # context window 16385\n"
            "  max_output_tokens: 16000\n",
            use_instead="model:\n  name: gpt-3.5-turbo\n  max_output_tokens: 1000\n",
            options="`models.<name>.context_window` and `models.<name>.max_output_tokens` "
            "in promptreg.yaml (the window is required; the output limit has no default).",
            fix_safety="No automatic fix: lowering the output reservation, the input bounds "
            "or changing the model each change what the prompt can do.",
        ),
        check=check_context_window,
    ),
    Rule(
        "K003",
        "unbounded-untrusted-variable",
        "An untrusted variable that can hold long text has no max_tokens.",
        RuleDoc(
            what="Variables with `trusted: false` (the default) of type string, array or "
            "object, without `enum` and without `max_tokens`. Booleans, numbers and "
            "enum-constrained variables cannot carry long text and are not reported.",
            why="Untrusted input is what a customer, a web page or a document supplies. "
            "Without a bound nobody can say whether the prompt fits its budget or the "
            "context window, and a huge input is also a cheap way to push the "
            "instructions out of the model's attention. The bound is what K001 and K002 "
            "count; the application truncates or rejects longer input.",
            example="variables:\n  ticket_text:\n    type: string\n"
            "    description: The ticket as the customer wrote it.\n",
            use_instead="variables:\n  ticket_text:\n    type: string\n"
            "    description: The ticket as the customer wrote it.\n    max_tokens: 3000\n",
            options="None. A variable declared `trusted: true` (its value comes from the "
            "organisation, not from users) or constrained by `enum` is not reported. A "
            "warning on tier 1 (internal, low-risk prompts), an error on tiers 2 and 3; "
            "`lint.severity` in promptreg.yaml overrides both.",
            fix_safety="No automatic fix: the bound must match what the application "
            "enforces before it calls the model.",
        ),
        check=check_unbounded_untrusted,
        tier_severity=((1, "warning"),),
    ),
    Rule(
        "K004",
        "eval-value-over-max-tokens",
        "An eval case passes a variable a value longer than its max_tokens.",
        RuleDoc(
            what="Values under `evals[].vars` that take more tokens than the variable's "
            "`max_tokens`, counted with the model's encoding (strings as they are, other "
            "values as JSON). Variables without max_tokens are not checked. This is the "
            "K rule that stands where an 'unknown model' K rule might: S005 already "
            "reports unknown models, a second finding on the same line would only repeat "
            "it, and every K rule that counts simply skips such a prompt.",
            why="An eval should exercise inputs production can send. A value over the "
            "bound tests a case the application is supposed to cut off, and it usually "
            "means the bound is too small for real input, which makes K001 and K002 "
            "count with a figure that is wrong.",
            example="variables:\n  note: {type: string, description: A note., max_tokens: 5}\n"
            "evals:\n  - name: long note\n"
            '    vars: {note: "A note that runs well past five tokens of text."}\n',
            use_instead="variables:\n  note: {type: string, description: A note., "
            "max_tokens: 50}\n",
            options="None. The encoding is `models.<name>.encoding` in promptreg.yaml.",
            fix_safety="No automatic fix: either the eval value or the bound is wrong, and "
            "only a person can tell which.",
        ),
        severity="warning",
        check=check_eval_values,
    ),
    Rule(
        "K005",
        "output-over-model-limit",
        "model.max_output_tokens is more than the model can write.",
        RuleDoc(
            what="A prompt's `model.max_output_tokens` above the model's own "
            "`max_output_tokens` in promptreg.yaml. Models without that setting are not "
            "checked.",
            why="The API rejects a request that asks for more output than the model can "
            "produce, and the reserved output is part of what K002 checks against the "
            "context window.",
            example="model:\n  name: gpt-4o-mini   # max_output_tokens: 16384\n"
            "  max_output_tokens: 32000\n",
            use_instead="model:\n  name: gpt-4o-mini\n  max_output_tokens: 4000\n",
            options="`models.<name>.max_output_tokens` in promptreg.yaml (no default: "
            "unset means not checked).",
            fix_safety="No automatic fix: capping max_output_tokens can cut answers short, "
            "so the owner chooses the new figure.",
        ),
        check=check_output_limit,
    ),
)
