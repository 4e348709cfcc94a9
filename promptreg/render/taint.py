"""Where each variable's value is printed, following it through the names it is copied to.

T004 and T005 judge where untrusted text lands in a message. Looking for the variable's
own name is not enough: `{% set t = ticket %}{{ t }}` prints the ticket as surely as
`{{ ticket }}`. So values are followed through every way a template names them again:
`{% set %}` (also into a namespace, and the block form), `{% with %}`, loop variables,
and macro arguments (a macro's parameters carry what its callers pass). The analysis
is by name and ignores order and scope: it may find a print that cannot happen, never
miss one that can.

A print inside `{% set x %}...{% endset %}` is not a print (the text goes into x, which
is followed); a call of a macro prints what the macro body prints, so the places that
count are the macro body's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from jinja2 import nodes

__all__ = ["printed_names"]

Flow = tuple[frozenset[str], frozenset[str]]
"""(names assigned, names read): the assigned names carry whatever the read ones do."""


def _loads(
    node: nodes.Node, skip_macro_calls: frozenset[str] = frozenset()
) -> Iterator[nodes.Name]:
    """Names read in `node`, without those in arguments to the given macros."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, nodes.Name) and current.ctx == "load":
            yield current
        elif (
            isinstance(current, nodes.Call)
            and isinstance(current.node, nodes.Name)
            and current.node.name in skip_macro_calls
        ):
            continue
        stack.extend(current.iter_child_nodes())


def _names(node: nodes.Node | None) -> frozenset[str]:
    return frozenset(n.name for n in _loads(node)) if node is not None else frozenset()


def _targets(target: nodes.Node) -> frozenset[str]:
    found = set()
    for node in (target, *target.find_all((nodes.Name, nodes.NSRef))):
        if isinstance(node, nodes.NSRef) or (
            isinstance(node, nodes.Name) and node.ctx in ("store", "param")
        ):
            found.add(node.name)
    return frozenset(found)


def _macro_flows(ast: nodes.Template, macros: dict[str, nodes.Macro]) -> Iterator[Flow]:
    for macro in macros.values():
        params = [arg.name for arg in macro.args]
        for param, default in zip(reversed(params), reversed(macro.defaults), strict=False):
            yield frozenset((param,)), _names(default)
    for call in ast.find_all(nodes.Call):
        callee = macros.get(call.node.name) if isinstance(call.node, nodes.Name) else None
        if callee is None:
            continue
        params = [arg.name for arg in callee.args]
        for index, arg in enumerate(call.args):
            target = params[index] if index < len(params) else "varargs"
            yield frozenset((target,)), _names(arg)
        for keyword in call.kwargs:
            target = keyword.key if keyword.key in params else "kwargs"
            yield frozenset((target,)), _names(keyword.value)
        spread = _names(call.dyn_args) | _names(call.dyn_kwargs)
        if spread:
            yield frozenset((*params, "varargs", "kwargs")), spread


def _flows(ast: nodes.Template, macros: dict[str, nodes.Macro]) -> Iterator[Flow]:
    for node in ast.find_all((nodes.Assign, nodes.AssignBlock, nodes.With, nodes.For)):
        if isinstance(node, nodes.Assign):
            yield _targets(node.target), _names(node.node)
        elif isinstance(node, nodes.AssignBlock):
            read = frozenset(n.name for child in node.body for n in _loads(child))
            yield _targets(node.target), read | _names(node.filter)
        elif isinstance(node, nodes.With):
            for target, value in zip(node.targets, node.values, strict=False):
                yield _targets(target), _names(value)
        elif isinstance(node, nodes.For):
            yield _targets(node.target), _names(node.iter)
    yield from _macro_flows(ast, macros)


def _carriers(variables: Iterable[str], flows: list[Flow]) -> dict[str, set[str]]:
    """For each name, the context variables whose value it may hold (a fixed point)."""
    carries: dict[str, set[str]] = {name: {name} for name in variables}
    changed = True
    while changed:
        changed = False
        for targets, read in flows:
            found = set().union(*(carries.get(name, ()) for name in read))
            for target in targets:
                held = carries.setdefault(target, set())
                if not found <= held:
                    held |= found
                    changed = True
    return carries


def _printed(ast: nodes.Template, macros: frozenset[str]) -> Iterator[nodes.Name]:
    """Names read by what is written to the output, outside `{% set %}` blocks."""
    stack: list[nodes.Node] = [ast]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.AssignBlock):
            continue
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    yield from _loads(child, macros)
            continue
        stack.extend(node.iter_child_nodes())


def printed_names(
    ast: nodes.Template, variables: Iterable[str]
) -> dict[str, tuple[tuple[str, int], ...]]:
    """For each context variable, where its value is printed: (name printed, line),
    the name being the variable's or one its value was copied to, in line order."""
    variables = list(variables)
    macros = {m.name: m for m in ast.find_all(nodes.Macro)}
    carries = _carriers(variables, list(_flows(ast, macros)))
    found: dict[str, set[tuple[str, int]]] = {}
    for name in _printed(ast, frozenset(macros)):
        for variable in carries.get(name.name, ()):
            found.setdefault(variable, set()).add((name.name, name.lineno))
    return {v: tuple(sorted(sites, key=lambda s: (s[1], s[0]))) for v, sites in found.items()}
