"""What a message template reads and whether it can run, found without rendering it.

The linter asks about thousands of templates and never renders one, so analysis needs
only Jinja2's parser: the parse environment has the sandbox's syntax settings, its
bracket guard and its bounded filters, intercepts every operator (so Jinja2's constant
folding computes nothing a template asks for), and is made per parse so nothing is
shared between threads. The names below describe the language the sandbox runs;
`promptreg.render.sandbox` builds its environment from them, and a test checks that
the two agree. Nesting limits are promptreg.render.nesting's; where a value's copies
are printed (for T004 and T005) is promptreg.render.taint's.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import jinja2
from jinja2 import meta, nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.sandbox import SandboxedEnvironment

from promptreg.core.suggest import did_you_mean
from promptreg.render.budget import BINARY_OPERATORS
from promptreg.render.facts import TemplateFacts as TemplateFacts
from promptreg.render.facts import TemplateProblem as TemplateProblem
from promptreg.render.facts import TemplateProblemError as TemplateProblemError
from promptreg.render.guards import BLOCKED_METHODS, BOUNDED_FILTERS
from promptreg.render.nesting import BracketGuard, NestingError, check_nesting
from promptreg.render.taint import printed_names

REMOVED_GLOBALS = frozenset(("lipsum",))
"""Jinja2 globals the sandbox drops: lipsum makes text of any length."""
GLOBAL_NAMES = frozenset(DEFAULT_NAMESPACE) - REMOVED_GLOBALS
"""Names every template sees without being given them: not variables of the prompt.
The sandbox's budget hooks are not among them: the rewritten template reaches them as
imports, which no name in a template can rebind."""

BLOCKED_STR_METHODS = BLOCKED_METHODS[str]
"""String methods the sandbox refuses: they pad, format or encode without a bound."""
BLOCKED_INT_METHODS = BLOCKED_METHODS[int]
"""Integer methods the sandbox refuses: they make bytes or integers of any size."""

_FORBIDDEN_NODES: Mapping[type[nodes.Node], str] = MappingProxyType(
    {
        nodes.Include: "include",
        nodes.Import: "import",
        nodes.FromImport: "import",
        nodes.Extends: "extends",
    }
)
_WANTED_NODES: tuple[type[nodes.Node], ...] = (*_FORBIDDEN_NODES, nodes.Filter, nodes.Test)


class _SyntaxEnvironment(SandboxedEnvironment):
    """Parses as the sandbox does. Jinja2's variable finder runs its code generator,
    which computes constant parts of a template (`'x' * 10**9`, a filter of a literal)
    unless the environment intercepts the operator or the filter needs a context; so
    every operator is intercepted and the filters are the sandbox's bounded ones."""

    intercepted_binops = BINARY_OPERATORS


def syntax_environment() -> jinja2.Environment:
    """An environment that parses as the sandbox does and has its globals and filters
    (Jinja2's variable finder skips names that are globals); it never renders."""
    env = _SyntaxEnvironment(
        keep_trailing_newline=True, cache_size=0, auto_reload=False, extensions=[BracketGuard]
    )
    for name in REMOVED_GLOBALS:
        del env.globals[name]
    env.filters = dict(BOUNDED_FILTERS)
    return env


def parse(source: str, environment: jinja2.Environment | None = None) -> nodes.Template:
    """Parse a template; TemplateProblemError with the template line if it cannot run.

    `environment` is the one whose filters and tests the template may name (the
    sandbox passes its own); by default, Jinja2's built-in ones, which the sandbox has.
    """
    env = environment if environment is not None else syntax_environment()
    try:
        ast = env.parse(source)
        check_nesting(ast)
    except NestingError as exc:
        raise TemplateProblemError(
            TemplateProblem(str(exc.message), exc.lineno, "too-deep")
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblemError(
            TemplateProblem(f"template syntax error: {exc.message}", exc.lineno)
        ) from None
    except RecursionError:
        # Only a very long run of `not` or `-` gets this far; brackets are counted first.
        raise TemplateProblemError(
            TemplateProblem("template nests too deeply to parse", 1, "too-deep")
        ) from None
    except (ValueError, OverflowError, MemoryError) as exc:
        # A number literal of more than 4,300 digits, for one.
        raise TemplateProblemError(
            TemplateProblem(f"template cannot be parsed: {exc}", 1)
        ) from None
    node: nodes.Node
    for node in ast.find_all(_WANTED_NODES):  # one walk over the tree
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
            word = _FORBIDDEN_NODES[type(node)]
            raise TemplateProblemError(
                TemplateProblem(
                    f"templates cannot use {{% {word} %}}: a template may not read other "
                    "templates or files; write the text into the message",
                    node.lineno,
                    "forbidden",
                )
            )
    return ast


def variables_of(ast: nodes.Template) -> frozenset[str]:
    """Names a template reads from its context, found statically."""
    return frozenset(meta.find_undeclared_variables(ast) - GLOBAL_NAMES)


_BLOCKED_NAMES = frozenset().union(*BLOCKED_METHODS.values())


def _owner(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const):
        if isinstance(node.value, str):
            return ""
        return "#" if isinstance(node.value, int) else None
    return node.name if isinstance(node, nodes.Name) else None


def facts_of(ast: nodes.Template) -> TemplateFacts:
    variables = variables_of(ast)
    lines: dict[str, list[int]] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load" and node.name in variables:
            lines.setdefault(node.name, []).append(node.lineno)
    private: list[tuple[str, int, str | None]] = []
    for attr in ast.find_all(nodes.Getattr):
        if attr.attr.startswith("_") or attr.attr in _BLOCKED_NAMES:
            on = _owner(attr.node)
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
        literal_bytes=len(literal.encode("utf-8")),
        variables=variables,
        name_lines=MappingProxyType(
            {name: tuple(sorted(set(found))) for name, found in lines.items()}
        ),
        private_access=tuple(private),
        printed=MappingProxyType(printed_names(ast, variables)),
    )


@functools.lru_cache(maxsize=4096)
def analyse(content: str) -> TemplateFacts | TemplateProblemError:
    """Facts of one template, or why it cannot run.

    Memoised, since lint rules of several families ask about the same templates and
    registries repeat them. The memo is safe at module level: the answer is a pure
    function of the text, the key is the whole text, the entries are frozen facts or
    errors returned (never raised) without their traceback, at most 4,096 of them, and
    lru_cache keeps itself consistent under threads.
    """
    try:
        return facts_of(parse(content))
    except TemplateProblemError as exc:
        return exc.with_traceback(None)


RANDOM_FILTER = "random"
"""The one filter of the sandbox whose output is not a function of its input."""


def may_draw_at_random(source: str) -> bool:
    """Whether rendering `source` can call the `random` filter: by name, or through
    `map`, which calls the filter its argument names, a name a template can build
    (`map('ran' ~ 'dom')`, `map('\\x72andom')`) and a case can pass. True when the
    template does not parse (it renders nothing to remember either way)."""
    if RANDOM_FILTER in source:
        return True
    if "map" not in source:  # filters are named by plain identifiers: no map, no call
        return False
    try:
        ast = parse(source)
    except TemplateProblemError:
        return True
    for node in ast.find_all(nodes.Filter):
        if node.name != "map" or (not node.args and node.dyn_args is None):
            continue  # map(attribute=...) reads attributes, it calls no filter
        first = node.args[0] if node.args else None
        if not (isinstance(first, nodes.Const) and isinstance(first.value, str)):
            return True
        if first.value == RANDOM_FILTER:
            return True
    return False
