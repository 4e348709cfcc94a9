"""Jinja2 templates, sandboxed and bounded: the only module that imports Jinja2.

Message templates come from pull requests, so CI renders code written by strangers.
Jinja2's sandbox stops attribute tricks (`''.__class__`), the missing loader stops
`include` reading files, and this module adds what the sandbox lacks: a budget on work
and output per render. Loops and calls draw from one budget, the arithmetic that can
make huge values (`'a' * 10**9`, `10**10**10`) is checked before it runs, and every byte
of output is charged, so a hostile template stops with an error in milliseconds instead
of hanging CI or exhausting memory.
"""

from __future__ import annotations

import contextvars
import functools
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from promptreg.core.errors import TemplateError
from promptreg.core.suggest import did_you_mean

MAX_ITERATIONS = 100_000
"""Loop iterations, items fed through iterating filters, and calls, per render."""
MAX_SEQUENCE = 100_000
"""Longest string or list one operator, padding, replace or join may produce."""
MAX_ALLOCATED = 10_000_000
"""Characters of strings that operators, filters and methods may build per render."""
MACRO_WEIGHT = 10
"""Steps one macro call draws: 10,000 macro calls per render at most."""
MAX_INT_BITS = 4096
MAX_OUTPUT = 1_000_000
"""Characters of output per render, all messages together."""
MAX_SECONDS = 1.0
"""Wall-clock safety net, checked as the budget is drawn."""

_BUDGET_GLOBAL = "__promptreg_budget"
_CHARGE_GLOBAL = "__promptreg_charge"
_CONCAT_GLOBAL = "__promptreg_concat"
_FORMAT_SPEC_RE = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_BLOCKED_STR_METHODS = frozenset(
    (
        "format",
        "format_map",
        "translate",
        "maketrans",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
    )
)
_ITERATING_FILTERS = frozenset(
    (
        "map",
        "select",
        "reject",
        "selectattr",
        "rejectattr",
        "sum",
        "join",
        "list",
        "unique",
        "batch",
        "slice",
        "groupby",
        "sort",
        "min",
        "max",
        "reverse",
    )
)
"""Filters that walk their input in Python: each item they take draws from the budget."""


class LimitExceeded(Exception):
    """Raised inside a render when a budget runs out; becomes a TemplateError."""


class _Budget:
    __slots__ = ("allocated", "deadline", "output", "steps")

    def __init__(self) -> None:
        self.steps = MAX_ITERATIONS
        self.output = MAX_OUTPUT
        self.allocated = MAX_ALLOCATED
        self.deadline = time.monotonic() + MAX_SECONDS

    def _check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"rendering took longer than {MAX_SECONDS:g} seconds")

    def step(self, weight: int = 1) -> None:
        before = self.steps
        self.steps -= weight
        if self.steps < 0:
            raise LimitExceeded(
                f"more than {MAX_ITERATIONS:,} loop iterations, filtered items and calls "
                "in one render"
            )
        if before >> 10 != self.steps >> 10:  # every 1,024 steps
            self._check_clock()

    def emit(self, size: int) -> None:
        self.output -= size
        if self.output < 0:
            raise LimitExceeded(f"output longer than {MAX_OUTPUT:,} characters")

    def alloc(self, size: int) -> None:
        self.allocated -= size
        if self.allocated < 0:
            raise LimitExceeded(
                f"more than {MAX_ALLOCATED:,} characters of strings built in one render"
            )
        self._check_clock()


_CURRENT: contextvars.ContextVar[_Budget] = contextvars.ContextVar("promptreg_budget")


def _budget() -> _Budget:
    try:
        return _CURRENT.get()
    except LookupError:
        # Only reachable when a compiled Jinja2 template is driven by hand: bound that one
        # operation, and leave no budget behind to starve later renders in this context.
        return _Budget()


def _size(value: Any, limit: int = MAX_OUTPUT) -> int:
    """Characters `str(value)` would take, roughly, without building it; stops at limit."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        total = 2
        items: Iterable[Any] = value.items() if isinstance(value, dict) else value
        for item in items:
            total += _size(item, limit - total) + 2
            if total > limit:
                return total
        return total
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() * 30 // 100 + 1
    return 16


def _check_sequence(size: int, what: str) -> None:
    if size > MAX_SEQUENCE:
        raise LimitExceeded(f"{what} would make {size:,} items, over the limit of {MAX_SEQUENCE:,}")


def _iterate(iterable: Any) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.step()
        yield item


def _checked_binop(op: str, left: Any, right: Any) -> Any:
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            bits = left.bit_length() * right
            if bits > MAX_INT_BITS:
                raise LimitExceeded(
                    f"{left} ** {right} would be a {bits:,}-bit number, over {MAX_INT_BITS:,} bits"
                )
        result = left**right
    elif op == "*":
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(f"multiplication result over {MAX_INT_BITS:,} bits")
        elif isinstance(right, int) and not isinstance(left, int | float):
            _check_sequence(_size(left, MAX_SEQUENCE + 1) * max(right, 0), "repetition")
        elif isinstance(left, int) and not isinstance(right, int | float):
            _check_sequence(_size(right, MAX_SEQUENCE + 1) * max(left, 0), "repetition")
        result = left * right
    elif op == "+":
        if not isinstance(left, int | float):
            _check_sequence(
                _size(left, MAX_SEQUENCE + 1) + _size(right, MAX_SEQUENCE + 1), "concatenation"
            )
        result = left + right
    elif op == "%" and isinstance(left, str):
        _check_format_spec(left)
        # Every conversion may print the whole argument: '%s%s%s' % (s, s, s).
        specs = left.count("%")
        _check_sequence(len(left) + specs * _size(right, MAX_SEQUENCE + 1), "% formatting")
        result = left % right
    else:
        result = _BINOPS[op](left, right)
    if isinstance(result, str | list | tuple):
        _budget().alloc(len(result))
    return result


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "%": operator.mod,
    "//": operator.floordiv,
}


def _check_format_spec(spec: str) -> None:
    for match in _FORMAT_SPEC_RE.finditer(spec):
        for number in match.groups():
            if number == "*" or (number and int(number) > 1000):
                raise LimitExceeded(f"format width {match.group(0)!r} is too large")


def _guard_join(value: Any, d: str = "", attribute: Any = None) -> None:
    del attribute
    items = value if isinstance(value, list | tuple) else [value]
    total = sum(_size(item, MAX_OUTPUT + 1) for item in items) + len(d) * max(len(items) - 1, 0)
    if total > MAX_OUTPUT:
        raise LimitExceeded(f"join would make {total:,} characters, over {MAX_OUTPUT:,}")


def _guard_replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    del count
    text, old, new = str(s), str(old), str(new)
    matches = len(text) + 1 if not old else text.count(old)
    _check_sequence(len(text) + matches * max(len(new) - len(old), 0), "replace")


def _guard_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    del first, blank
    text = str(s)
    pad = width if isinstance(width, int) else len(str(width))
    _check_sequence(len(text) + (text.count("\n") + 1) * max(pad, 0), "indent")


def _guard_wordwrap(
    s: Any,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: Any = None,
    break_on_hyphens: bool = True,
) -> None:
    del break_long_words, break_on_hyphens
    text = str(s)
    lines = len(text) // max(int(width), 1) + text.count("\n") + 1
    _check_sequence(len(text) + lines * len(str(wrapstring or "\n")), "wordwrap")


def _guard_stringify(value: Any, *args: Any, **kwargs: Any) -> None:
    del args, kwargs
    size = _size(value, MAX_OUTPUT + 1)
    if size > MAX_OUTPUT:
        raise LimitExceeded(f"value too large to print ({size:,}+ characters)")


def _guard_format(value: Any, *args: Any, **kwargs: Any) -> None:
    _check_format_spec(str(value))
    specs = str(value).count("%")
    _check_sequence(len(str(value)) + specs * _size([args, kwargs], MAX_SEQUENCE + 1), "format")


def _guard_center(value: Any, width: int = 80) -> None:
    _check_sequence(max(len(str(value)), int(width)), "center")


_FILTER_GUARDS: dict[str, Callable[..., None]] = {
    "join": _guard_join,
    "replace": _guard_replace,
    "indent": _guard_indent,
    "wordwrap": _guard_wordwrap,
    "center": _guard_center,
    "format": _guard_format,
    "string": _guard_stringify,
    "pprint": _guard_stringify,
    "tojson": _guard_stringify,
    "urlencode": _guard_stringify,
    "xmlattr": _guard_stringify,
}


def _bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that takes its input item by item from the budget, is checked by its
    guard before it runs, and charges the strings it makes."""
    pass_arg = getattr(original, "jinja_pass_arg", None)
    head = 0 if pass_arg is None else 1
    iterates = name in _ITERATING_FILTERS
    guard = _FILTER_GUARDS.get(name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if iterates and len(args) > head and not isinstance(args[head], str | Mapping):
            args = (*args[:head], list(_iterate(args[head])), *args[head + 1 :])
        if guard is not None and len(args) > head:
            guard(*args[head:], **kwargs)
        result = original(*args, **kwargs)
        if isinstance(result, str):
            _budget().alloc(len(result))
        return result

    if pass_arg is not None:
        wrapper.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return wrapper


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
        self.globals.pop("lipsum", None)
        self.globals[_BUDGET_GLOBAL] = _iterate
        self.globals[_CHARGE_GLOBAL] = self._charge
        self.globals[_CONCAT_GLOBAL] = self._concat
        # Identity, not equality: `in` on a tuple would call __eq__ of template values.
        self._internal = frozenset(map(id, (_iterate, self._charge, self._concat)))
        filters: dict[str, Any] = self.filters
        for name, original in list(filters.items()):
            filters[name] = _bounded_filter(name, original)

    @staticmethod
    def _finalize(value: Any) -> Any:
        _budget().emit(_size(value, MAX_OUTPUT + 1))
        return value

    @staticmethod
    def _charge(size: int) -> str:
        _budget().emit(size)
        return ""

    @staticmethod
    def _concat(*parts: Any) -> str:
        total = sum(_size(p, MAX_SEQUENCE + 1) for p in parts)
        _check_sequence(total, "concatenation (~)")
        _budget().alloc(total)
        return "".join(str(p) for p in parts)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _BLOCKED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return _checked_binop(operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if id(__obj) not in __self._internal:
            # A macro call costs ten times a loop iteration, so it draws ten steps.
            _budget().step(MACRO_WEIGHT if isinstance(__obj, Macro) else 1)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name == "replace" and len(args) >= 2:
                _guard_replace(owner, args[0], args[1])
            elif name == "join" and args:
                args = (list(_iterate(args[0])), *args[1:])
                _guard_join(args[0], owner)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            _budget().alloc(len(result))
        return result


def _static_size(body: list[nodes.Node]) -> int:
    return sum(len(n.data) for node in body for n in node.find_all(nodes.TemplateData))


class _Bounder(NodeTransformer):
    """Rewrites a parsed template so loops, macro calls and `~` draw from the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.Name(_BUDGET_GLOBAL, "load"), [node.iter], [], None, None, lineno=node.lineno
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
            nodes.Name(_CONCAT_GLOBAL, "load"), list(node.nodes), [], None, None, lineno=node.lineno
        )


def _charge_node(size: int, lineno: int) -> nodes.Output:
    call = nodes.Call(
        nodes.Name(_CHARGE_GLOBAL, "load"), [nodes.Const(size)], [], None, None, lineno=lineno
    )
    return nodes.Output([call], lineno=lineno)


_FORBIDDEN_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Include, "include"),
    (nodes.Import, "import"),
    (nodes.FromImport, "import"),
    (nodes.Extends, "extends"),
)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """A compile-time problem, with the line inside the template (1-based)."""

    message: str
    line: int
    kind: str = "syntax"
    """syntax, forbidden (include/import/extends) or unknown-name (filter or test)."""


_ENV: BoundedEnvironment | None = None


def environment() -> BoundedEnvironment:
    global _ENV
    if _ENV is None:
        _ENV = BoundedEnvironment()
    return _ENV


def parse(source: str) -> nodes.Template:
    """Parse a template; TemplateProblemError with the template line if it cannot run."""
    env = environment()
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblemError(
            TemplateProblem(f"template syntax error: {exc.message}", exc.lineno)
        ) from None
    forbidden: dict[type[nodes.Node], str] = dict(_FORBIDDEN_NODES)
    wanted: tuple[type[nodes.Node], ...] = (*forbidden, nodes.Filter, nodes.Test)
    node: nodes.Node
    for node in ast.find_all(wanted):  # one walk over the tree
        if isinstance(node, nodes.Filter | nodes.Test):
            known = env.filters if isinstance(node, nodes.Filter) else env.tests
            if node.name not in known:
                what = "filter" if isinstance(node, nodes.Filter) else "test"
                raise TemplateProblemError(
                    TemplateProblem(
                        f"unknown {what} {node.name!r}" + did_you_mean(node.name, known),
                        node.lineno,
                        "unknown-name",
                    )
                )
        else:
            word = forbidden[type(node)]
            raise TemplateProblemError(
                TemplateProblem(
                    f"templates cannot use {{% {word} %}}: a template may not read other "
                    "templates or files; write the text into the message",
                    node.lineno,
                    "forbidden",
                )
            )
    return ast


class TemplateProblemError(Exception):
    def __init__(self, problem: TemplateProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def variables_of(ast: nodes.Template) -> frozenset[str]:
    """Names a template reads from its context, found statically."""
    return frozenset(meta.find_undeclared_variables(ast) - set(environment().globals))


@dataclass(frozen=True, slots=True)
class TemplateFacts:
    """What the linter needs to know about one template, computed once from its AST."""

    variables: frozenset[str]
    name_lines: dict[str, tuple[int, ...]]
    """Template lines (1-based) where each context variable is read."""
    private_access: tuple[tuple[str, int, str | None], ...]
    """Attributes the sandbox may refuse: (name, line, what it is read from: "" for a
    string literal, a variable's name, or None when unknown)."""
    literal_text: str
    """Everything outside `{{ }}`, `{% %}` and comments: what token budgets count."""


def facts_of(ast: nodes.Template) -> TemplateFacts:
    variables = variables_of(ast)
    lines: dict[str, list[int]] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load" and node.name in variables:
            lines.setdefault(node.name, []).append(node.lineno)
    private: list[tuple[str, int, str | None]] = []
    for attr in ast.find_all(nodes.Getattr):
        if attr.attr.startswith("_") or attr.attr in _BLOCKED_STR_METHODS:
            owner = attr.node
            on = (
                ""
                if isinstance(owner, nodes.Const) and isinstance(owner.value, str)
                else owner.name
                if isinstance(owner, nodes.Name)
                else None
            )
            private.append((attr.attr, attr.lineno, on))
    private += [
        (str(item.arg.value), item.lineno, None)
        for item in ast.find_all(nodes.Getitem)
        if isinstance(item.arg, nodes.Const) and str(item.arg.value).startswith("_")
    ]
    private += [
        (str(f.args[0].value), f.lineno, None)
        for f in ast.find_all(nodes.Filter)
        if f.name == "attr"
        and f.args
        and isinstance(f.args[0], nodes.Const)
        and str(f.args[0].value).startswith("_")
    ]
    literal = "".join(node.data for node in ast.find_all(nodes.TemplateData))
    return TemplateFacts(
        literal_text=literal,
        variables=variables,
        name_lines={name: tuple(sorted(set(found))) for name, found in lines.items()},
        private_access=tuple(private),
    )


@functools.lru_cache(maxsize=4096)
def analyse(content: str) -> TemplateFacts | TemplateProblemError:
    """Facts of one template, or why it cannot run; cached, since lint rules of several
    families ask about the same templates and registries repeat them."""
    try:
        return facts_of(parse(content))
    except TemplateProblemError as exc:
        return exc


class CompiledTemplate:
    """One message template, compiled once, rendered many times within a budget."""

    __slots__ = ("_template", "source", "variables")

    def __init__(self, source: str) -> None:
        ast = parse(source)
        self.source = source
        self.variables = variables_of(ast)
        _Bounder().visit(ast)
        env = environment()
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
    token = _CURRENT.set(_Budget())
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
        _CURRENT.reset(token)
