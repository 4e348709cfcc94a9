"""T: message templates, checked statically without rendering them."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc
from promptreg.location import Span
from promptreg.templating import TemplateProblemError, parse, variables_of


@functools.lru_cache(maxsize=4096)
def _analyse(content: str) -> frozenset[str] | TemplateProblemError:
    """Variables of one template, or its compile problem; shared by the T rules."""
    try:
        return variables_of(parse(content))
    except TemplateProblemError as exc:
        return exc


def _template_variables(
    ctx: FileContext,
) -> Iterator[tuple[int, frozenset[str] | TemplateProblemError]]:
    for index, message in enumerate(ctx.spec.messages):
        yield index, _analyse(message.content)


def check_syntax(ctx: FileContext) -> Iterator[Hit]:
    for index, result in _template_variables(ctx):
        if isinstance(result, TemplateProblemError):
            line = ctx.document.text_line(("messages", index, "content"), result.problem.line)
            yield Hit(result.problem.message, Span.at(line, 1))


def check_undeclared(ctx: FileContext) -> Iterator[Hit]:
    declared = ctx.spec.variables
    for index, result in _template_variables(ctx):
        if isinstance(result, TemplateProblemError):
            continue
        for name in sorted(result - declared.keys()):
            yield ctx.hit(
                f"message {index + 1} uses variable {name!r}, which is not declared under "
                "variables:; declare it with a type and description",
                ("messages", index, "content"),
            )


def check_unused(ctx: FileContext) -> Iterator[Hit]:
    used: set[str] = set()
    for _, result in _template_variables(ctx):
        if isinstance(result, TemplateProblemError):
            return
        used |= result
    for name in ctx.spec.variables:
        if name not in used:
            yield ctx.hit(
                f"variable {name!r} is declared but no message uses it; remove it or use it",
                ("variables", name),
                key=True,
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "T001",
        "template-syntax-error",
        "A message template does not compile.",
        RuleDoc(
            what="Jinja2 syntax errors, and `include`, `import` or `extends` (templates "
            "cannot read other files).",
            why="A template that does not compile fails at request time in production.",
            example='content: "Hello {{ name "\n',
            use_instead='content: "Hello {{ name }}"\n',
        ),
        check=check_syntax,
    ),
    Rule(
        "T002",
        "undeclared-variable",
        "A template uses a variable that is not declared.",
        RuleDoc(
            what="Names a template reads that are not keys of `variables:`.",
            why="Undeclared variables have no type, no trust level and no token bound, and "
            "rendering fails when the caller does not pass them.",
            example='variables: {}\nmessages:\n  - {role: user, content: "{{ question }}"}\n',
            use_instead="variables:\n  question: {type: string, description: The question.}\n",
        ),
        check=check_undeclared,
    ),
    Rule(
        "T003",
        "unused-variable",
        "A declared variable is used by no message.",
        RuleDoc(
            what="Keys of `variables:` that no message template reads.",
            why="Callers must pass required variables; an unused one is dead weight or a sign "
            "that a template lost a placeholder in an edit.",
            example="variables:\n  tone: {type: string, description: Tone.}\n",
            use_instead="Remove the variable, or use `{{ tone }}` in a message.",
        ),
        severity="warning",
        check=check_unused,
    ),
)
