"""The text a template's literals make once joined: what X001 scans besides the file's
strings, since `{{ "sk-pr" ~ "oj-..." }}` renders a key that no single string holds.

Only what is fixed is folded: string (and number) literals, `~` and `+` between them,
`|join` and `"".join` of literal lists, the template text around an expression whose
value is fixed, and, when the caller binds them, variables to the values a render
would give them (their defaults, an eval case's vars): `{{ prefix ~ "oj-..." }}` with
`prefix` defaulting to `"sk-pr"` renders a key too. Anything else that depends on a
variable ends a piece, and so does a name the template assigns itself. Folding is
bounded in depth and in length, so a crafted template costs no more than its size; a
template that does not parse has nothing to fold (T001 reports it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from jinja2 import nodes

from promptreg.render.analysis import TemplateProblemError, parse
from promptreg.render.joinable import may_join_literals

SEPARATOR = "\x00"
"""What stands for a part that varies: the character promptreg.detect's detectors never
match across (render cannot import detect; a test in tests/security checks they agree)."""
MAX_DEPTH = 40
MAX_CHARS = 20_000
"""A folded piece longer than this is not a key, and is not built further."""


class _TooBig(Exception):
    pass


Bindings = Mapping[str, str]
"""Variable name -> the text a render gives it."""


def _fold(node: nodes.Node, depth: int = 0, bound: Bindings | None = None) -> str | None:
    """The fixed text of an expression, or None when it depends on anything else."""
    if depth > MAX_DEPTH:
        return None
    bound = bound or {}
    value: str | None = None
    if isinstance(node, nodes.Name) and node.ctx == "load":
        value = bound.get(node.name)
    elif isinstance(node, nodes.Const):
        raw = node.value
        if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)):
            value = str(raw) if not isinstance(raw, int) or abs(raw) < 10**40 else None
    elif isinstance(node, nodes.TemplateData):
        value = node.data
    elif isinstance(node, nodes.Concat):
        value = _join(node.nodes, "", depth, bound)
    elif isinstance(node, nodes.Add) and not any(
        isinstance(side, nodes.Const) and not isinstance(side.value, str)
        for side in (node.left, node.right)
    ):  # `+` joins strings; between numbers it adds
        left, right = _fold(node.left, depth + 1, bound), _fold(node.right, depth + 1, bound)
        if left is not None and right is not None:
            value = left + right
    elif isinstance(node, nodes.Filter) and node.name == "join" and node.node is not None:
        value = _join_call(node.node, node.args, depth, bound)
    elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        owner = node.node
        if owner.attr == "join" and isinstance(owner.node, nodes.Const) and len(node.args) == 1:
            value = _join_call(node.args[0], [owner.node], depth, bound)
    if value is not None and len(value) > MAX_CHARS:
        raise _TooBig
    return value


def _join(
    items: list[nodes.Node] | list[nodes.Expr], glue: str, depth: int, bound: Bindings
) -> str | None:
    parts = [_fold(item, depth + 1, bound) for item in items]
    return None if any(part is None for part in parts) else glue.join(p for p in parts if p)


def _join_call(
    sequence: nodes.Node, args: list[nodes.Expr], depth: int, bound: Bindings
) -> str | None:
    if not isinstance(sequence, nodes.List | nodes.Tuple) or len(args) > 1:
        return None
    glue = _fold(args[0], depth + 1, bound) if args else ""
    return None if glue is None else _join(sequence.items, glue, depth, bound)


def _output_text(output: nodes.Output, bound: Bindings) -> str:
    """An output's text with what varies replaced by SEPARATOR (no match spans one)."""
    return "".join(
        part if (part := _fold(child, 0, bound)) is not None else SEPARATOR
        for child in output.nodes
    )


def assembled(template: str) -> Iterator[tuple[int, str]]:
    """(template line where the text starts, text) for each piece of fixed text the
    template joins from more than one literal: outputs with an expression in them, and
    every `~`, `+` or join whose parts are all fixed (in `{% set %}`, a call, an `if`)."""
    for line, text, _ in assembled_with(template, ({},)):
        yield line, text


def assembled_with(template: str, bindings: Sequence[Bindings]) -> Iterator[tuple[int, str, int]]:
    """As `assembled`, once for each set of bindings: (line, text, index of the set).

    The template is parsed once. A name the template assigns (`{% set %}`, a loop or
    macro argument) is never bound, since its value there is not the variable's.
    """
    names = {name for bound in bindings for name in bound}
    if not may_join_literals(template) and not any(name in template for name in names):
        return  # no literal and no bound variable in any expression: nothing is joined
    try:
        ast = parse(template)
        assigned = {
            node.name for node in ast.find_all(nodes.Name) if node.ctx in ("store", "param")
        }
        outputs = [
            output
            for output in ast.find_all(nodes.Output)
            if any(not isinstance(child, nodes.TemplateData) for child in output.nodes)
        ]
        exprs = list(ast.find_all((nodes.Concat, nodes.Add, nodes.Filter, nodes.Call)))
        found: list[tuple[int, str, int]] = []
        for index, given in enumerate(bindings):
            bound = {name: text for name, text in given.items() if name not in assigned}
            found.extend((output.lineno, _output_text(output, bound), index) for output in outputs)
            for expr in exprs:
                text = _fold(expr, 0, bound)
                if text:
                    found.append((expr.lineno, text, index))
    except (TemplateProblemError, _TooBig, RecursionError):
        return
    yield from found
