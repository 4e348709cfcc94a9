"""Jinja2 templates, sandboxed and bounded: compiled once, rendered within a budget.

Message templates come from pull requests, so CI renders code written by strangers.
Jinja2's sandbox stops attribute tricks (`''.__class__`), the missing loader stops
`include` reading files, and this module adds what the sandbox lacks: every way to make
work or output draws from the per-render budget of promptreg.render.budget, so a
hostile template stops with an error in milliseconds instead of hanging CI or
exhausting memory.

A `Sandbox` is owned by its caller (each Prompt has one unless given one to share).
Nothing in it changes after it is built, and each render's budget lives in the
render's own context, so one sandbox and its templates serve any number of threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from promptreg.core.errors import TemplateError
from promptreg.render.analysis import (
    BLOCKED_STR_METHODS,
    BUDGET_GLOBAL,
    CHARGE_GLOBAL,
    CONCAT_GLOBAL,
    REMOVED_GLOBALS,
    parse,
    variables_of,
)
from promptreg.render.budget import (
    CURRENT,
    MACRO_WEIGHT,
    MAX_OUTPUT,
    MAX_SEQUENCE,
    Budget,
    LimitExceeded,
    bounded_filter,
    check_sequence,
    checked_binop,
    current,
    guard_join,
    guard_replace,
    iterate,
    size_of,
)

__all__ = ["BoundedEnvironment", "CompiledTemplate", "Sandbox", "render_all"]


_BOUNDED_FILTERS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {name: bounded_filter(name, original) for name, original in FILTERS.items()}
)
"""Jinja2's filters, each drawing from the budget. Built once: the wrappers hold no
state, and wrapping them for every environment would cost most of its 20 µs."""


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with every way to make work or output drawing from one budget."""

    intercepted_binops = frozenset(("*", "**", "+", "%", "//"))

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            finalize=self._finalize,
            loader=None,
            cache_size=0,
            auto_reload=False,
        )
        for name in REMOVED_GLOBALS:
            self.globals.pop(name, None)
        self.globals[BUDGET_GLOBAL] = iterate
        self.globals[CHARGE_GLOBAL] = self._charge
        self.globals[CONCAT_GLOBAL] = self._concat
        # Identity, not equality: `in` on a tuple would call __eq__ of template values.
        self._internal = frozenset(map(id, (iterate, self._charge, self._concat)))
        self.filters = dict(_BOUNDED_FILTERS)

    @staticmethod
    def _finalize(value: Any) -> Any:
        current().emit(size_of(value, MAX_OUTPUT + 1))
        return value

    @staticmethod
    def _charge(size: int) -> str:
        current().emit(size)
        return ""

    @staticmethod
    def _concat(*parts: Any) -> str:
        total = sum(size_of(p, MAX_SEQUENCE + 1) for p in parts)
        check_sequence(total, "concatenation (~)")
        current().alloc(total)
        return "".join(str(p) for p in parts)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in BLOCKED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return checked_binop(operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if id(__obj) not in __self._internal:
            # A macro call costs ten times a loop iteration, so it draws ten steps.
            current().step(MACRO_WEIGHT if isinstance(__obj, Macro) else 1)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name == "replace" and len(args) >= 2:
                guard_replace(owner, args[0], args[1])
            elif name == "join" and args:
                args = (list(iterate(args[0])), *args[1:])
                guard_join(args[0], owner)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            current().alloc(len(result))
        return result


def _static_size(body: list[nodes.Node]) -> int:
    return sum(len(n.data) for node in body for n in node.find_all(nodes.TemplateData))


class _Bounder(NodeTransformer):
    """Rewrites a parsed template so loops, macro calls and `~` draw from the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.Name(BUDGET_GLOBAL, "load"), [node.iter], [], None, None, lineno=node.lineno
        )
        node.body.insert(0, _charge_node(_static_size(node.body), node.lineno))
        return node

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        self.generic_visit(node)
        node.body.insert(0, _charge_node(_static_size(node.body), node.lineno))
        return node

    def visit_CallBlock(self, node: nodes.CallBlock) -> nodes.Node:
        self.generic_visit(node)
        node.body.insert(0, _charge_node(_static_size(node.body), node.lineno))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(
            nodes.Name(CONCAT_GLOBAL, "load"), list(node.nodes), [], None, None, lineno=node.lineno
        )


def _charge_node(size: int, lineno: int) -> nodes.Output:
    call = nodes.Call(
        nodes.Name(CHARGE_GLOBAL, "load"), [nodes.Const(size)], [], None, None, lineno=lineno
    )
    return nodes.Output([call], lineno=lineno)


class Sandbox:
    """One bounded environment, and the templates compiled in it.

    Building one costs about 5 µs and 4 KB; a caller compiling many templates (a
    registry, the TUI) may share one, from any number of threads.
    """

    __slots__ = ("environment",)

    def __init__(self) -> None:
        self.environment = BoundedEnvironment()

    def compile(self, source: str) -> CompiledTemplate:
        """Compile one template; TemplateProblemError with its line if it cannot run."""
        return CompiledTemplate(source, self)


class CompiledTemplate:
    """One message template, compiled once, rendered many times within a budget."""

    __slots__ = ("_template", "source", "variables")

    def __init__(self, source: str, sandbox: Sandbox | None = None) -> None:
        env = (sandbox if sandbox is not None else Sandbox()).environment
        ast = parse(source, env)
        self.source = source
        self.variables = variables_of(ast)
        _Bounder().visit(ast)
        code = env.compile(ast)
        self._template = env.template_class.from_code(env, code, env.make_globals(None), None)

    def render(self, values: Mapping[str, Any]) -> str:
        """Render alone, under a budget of its own (render_all shares one across messages)."""
        return render_all((self,), values)[0]

    def _render_within_budget(self, values: Mapping[str, Any]) -> str:
        return self._template.render(values)


def _explain(exc: Exception) -> tuple[str, str | None]:
    """A sentence and a hint for an exception raised while rendering."""
    if isinstance(exc, LimitExceeded):
        return (
            f"template stopped: {exc}",
            "templates are bounded so a prompt cannot hang CI or exhaust memory; "
            "simplify the template",
        )
    if isinstance(exc, SecurityError):
        return (
            f"template refused by the sandbox: {exc}",
            "templates may only read their variables; attributes starting with '_', "
            "string formatting methods and file access are blocked",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return (
            f"template error: {exc.message}",
            "declare the variable under `variables:` or fix its name",
        )
    return f"template failed: {type(exc).__name__}: {exc}", None


_RENDER_ERRORS = (
    LimitExceeded,
    jinja2.TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    RecursionError,
    LookupError,
    AttributeError,
)


def render_all(
    templates: Sequence[CompiledTemplate],
    values: Mapping[str, Any],
    labels: Sequence[str] | None = None,
) -> list[str]:
    """Render templates under one shared budget; an error names the template it came from.

    `labels` name each template in errors, e.g. "support/summarize-ticket message 2 (user)".
    """
    token = CURRENT.set(Budget())
    index = 0
    try:
        out = []
        for index, template in enumerate(templates):  # noqa: B007 - index is read on error
            out.append(template._render_within_budget(values))
        return out
    except _RENDER_ERRORS as exc:
        message, hint = _explain(exc)
        where = labels[index] if labels and index < len(labels) else f"template {index + 1}"
        raise TemplateError(f"{where}: {message}", hint=hint) from None
    finally:
        CURRENT.reset(token)
