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

from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_context
from jinja2.visitor import NodeTransformer

from promptreg.core.errors import TemplateError
from promptreg.render.analysis import REMOVED_GLOBALS, parse, variables_of
from promptreg.render.budget import (
    BINARY_OPERATORS,
    CURRENT,
    MACRO_WEIGHT,
    Budget,
    LimitExceeded,
    charge,
    checked_binop,
    concat,
    current,
    iterate,
)
from promptreg.render.guards import BOUNDED_FILTERS, blocked_method, guard_method
from promptreg.render.measure import text_bound
from promptreg.render.nesting import BracketGuard

__all__ = ["BoundedEnvironment", "CompiledTemplate", "Sandbox", "render_all"]

_HOOKS = "promptreg.render.budget"
"""The module the rewritten template imports its budget hooks from: an imported name
is not a template variable, so no `{% set %}` or macro of a template can rebind it."""
_INTERNAL = frozenset(map(id, (iterate, charge, concat)))
"""The hooks, known by identity (`in` on a tuple would call __eq__ of template values)."""


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with every way to make work or output drawing from one budget."""

    intercepted_binops = BINARY_OPERATORS

    def __init__(self) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            finalize=self._finalize,
            loader=None,
            cache_size=0,
            auto_reload=False,
            extensions=[BracketGuard],
        )
        for name in REMOVED_GLOBALS:
            self.globals.pop(name, None)
        self.filters = dict(BOUNDED_FILTERS)

    @staticmethod
    @pass_context
    def _finalize(context: Any, value: Any) -> str:
        """The text of a printed value, charged at its real length; values whose text
        would not fit are refused before their text is built. Needing the context keeps
        Jinja2 from printing constants at compile time, where nothing would charge a
        literal printed in a loop on each iteration."""
        del context
        budget = current()
        if type(value) is str:
            text = value
        else:
            if text_bound(value, budget.output + 1) > budget.output:
                budget.emit(budget.output + 1)
            text = str(value)
        budget.emit(len(text))
        return text

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if blocked_method(obj, attr):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return checked_binop(operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if id(__obj) in _INTERNAL:
            return __context.call(__obj, *args, **kwargs)
        budget = current()
        # A macro call costs ten times a loop iteration, so it draws ten steps.
        budget.step(MACRO_WEIGHT if isinstance(__obj, Macro) else 1)
        owner = getattr(__obj, "__self__", None)
        if owner is not None:
            args = guard_method(owner, getattr(__obj, "__name__", ""), args)
        return budget.charge_result(super().call(__context, __obj, *args, **kwargs))


def _static_size(body: list[nodes.Node]) -> int:
    return sum(len(n.data) for node in body for n in node.find_all(nodes.TemplateData))


def _hook(name: str, args: list[Any], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.ImportedName(f"{_HOOKS}.{name}"), args, [], None, None, lineno=lineno)


class _Bounder(NodeTransformer):
    """Rewrites a parsed template so loops, macro calls and `~` draw from the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _hook("iterate", [node.iter], node.lineno)
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
        return _hook("concat", list(node.nodes), node.lineno)


def _charge_node(size: int, lineno: int) -> nodes.Output:
    return nodes.Output([_hook("charge", [nodes.Const(size)], lineno)], lineno=lineno)


class Sandbox:
    """One bounded environment, and the templates compiled in it.

    Building one costs about 5 µs and 4 KB; a caller compiling many templates (a
    registry, the TUI) may share one, from any number of threads.
    """

    __slots__ = ("environment",)

    def __init__(self) -> None:
        self.environment = BoundedEnvironment()

    def compile(self, source: str, label: str | None = None) -> CompiledTemplate:
        """Compile one template; TemplateProblemError with its line if it cannot run."""
        return CompiledTemplate(source, self, label)


class CompiledTemplate:
    """One message template, compiled once, rendered many times within a budget."""

    __slots__ = ("_blocks", "_environment", "_globals", "_root", "_template", "source", "variables")

    def __init__(
        self, source: str, sandbox: Sandbox | None = None, label: str | None = None
    ) -> None:
        """TemplateProblemError (with the template line) for what analysis finds;
        TemplateError naming `label` if compiling fails in any other way."""
        env = (sandbox if sandbox is not None else Sandbox()).environment
        ast = parse(source, env)
        self.source = source
        self.variables = variables_of(ast)
        try:
            _Bounder().visit(ast)
            code = env.compile(ast)
            # A plain dict of the globals, not make_globals' ChainMap over them: each
            # render copies the globals into its context, and a ChainMap is iterated and
            # read key by key in Python, a KeyError caught for each (about 10 µs a
            # render of a short template). Nothing changes the environment's globals
            # after it is built, so the copy stays true.
            self._globals: dict[str, Any] = dict(env.make_globals(None))
            self._template = env.template_class.from_code(env, code, self._globals, None)
        except Exception as exc:
            raise TemplateError(
                f"{label or 'template'}: template could not be compiled: "
                f"{type(exc).__name__}: {exc}",
                hint="templates are limited in nesting so that they compile; simplify it",
            ) from None
        self._environment = env
        self._blocks = self._template.blocks
        self._root = self._template.root_render_func

    def render(self, values: Mapping[str, Any]) -> str:
        """Render alone, under a budget of its own (render_all shares one across messages)."""
        return render_all((self,), values)[0]

    def _render_within_budget(self, values: Mapping[str, Any]) -> str:
        """What Template.render does (jinja2.runtime.new_context, then the root function),
        less its second copy of `values` and its rewriting of the traceback, which
        render_all drops for an error naming the template."""
        env = self._environment
        parent = {**self._globals, **values}
        context = env.context_class(env, parent, None, self._blocks, globals=self._globals)
        return "".join(self._root(context))


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
    if isinstance(exc, MemoryError | RecursionError):
        return (
            f"template stopped: {type(exc).__name__}",
            "templates are bounded so a prompt cannot exhaust memory or the stack; "
            "simplify the template (recursive macros, for one)",
        )
    return f"template failed: {type(exc).__name__}: {exc}", None


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
    except Exception as exc:
        message, hint = _explain(exc)
        where = labels[index] if labels and index < len(labels) else f"template {index + 1}"
        raise TemplateError(f"{where}: {message}", hint=hint) from None
    finally:
        CURRENT.reset(token)
