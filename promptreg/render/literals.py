"""The text a template's literals make once joined: what X001 scans besides the file's
strings, since `{{ "sk-pr" ~ "oj-..." }}` renders a key that no single string holds.

Only what is fixed by the template itself is folded: string (and number) literals,
`~` and `+` between them, `|join` and `"".join` of literal lists, and the template
text around an expression whose value is fixed. Anything that depends on a variable
ends a piece. Folding is bounded in depth and in length, so a crafted template costs
no more than its size; a template that does not parse has nothing to fold (T001
reports it).
"""

from __future__ import annotations

from collections.abc import Iterator

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


def _fold(node: nodes.Node, depth: int = 0) -> str | None:
    """The fixed text of an expression, or None when it depends on anything else."""
    if depth > MAX_DEPTH:
        return None
    value: str | None = None
    if isinstance(node, nodes.Const):
        raw = node.value
        if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)):
            value = str(raw) if not isinstance(raw, int) or abs(raw) < 10**40 else None
    elif isinstance(node, nodes.TemplateData):
        value = node.data
    elif isinstance(node, nodes.Concat):
        value = _join(node.nodes, "", depth)
    elif isinstance(node, nodes.Add) and not any(
        isinstance(side, nodes.Const) and not isinstance(side.value, str)
        for side in (node.left, node.right)
    ):  # `+` joins strings; between numbers it adds
        left, right = _fold(node.left, depth + 1), _fold(node.right, depth + 1)
        if left is not None and right is not None:
            value = left + right
    elif isinstance(node, nodes.Filter) and node.name == "join" and node.node is not None:
        value = _join_call(node.node, node.args, depth)
    elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        owner = node.node
        if owner.attr == "join" and isinstance(owner.node, nodes.Const) and len(node.args) == 1:
            value = _join_call(node.args[0], [owner.node], depth)
    if value is not None and len(value) > MAX_CHARS:
        raise _TooBig
    return value


def _join(items: list[nodes.Node] | list[nodes.Expr], glue: str, depth: int) -> str | None:
    parts = [_fold(item, depth + 1) for item in items]
    return None if any(part is None for part in parts) else glue.join(p for p in parts if p)


def _join_call(sequence: nodes.Node, args: list[nodes.Expr], depth: int) -> str | None:
    if not isinstance(sequence, nodes.List | nodes.Tuple) or len(args) > 1:
        return None
    glue = _fold(args[0], depth + 1) if args else ""
    return None if glue is None else _join(sequence.items, glue, depth)


def _output_text(output: nodes.Output) -> str:
    """An output's text with what varies replaced by SEPARATOR (no match spans one)."""
    return "".join(
        part if (part := _fold(child)) is not None else SEPARATOR for child in output.nodes
    )


def assembled(template: str) -> Iterator[tuple[int, str]]:
    """(template line where the text starts, text) for each piece of fixed text the
    template joins from more than one literal: outputs with an expression in them, and
    every `~`, `+` or join whose parts are all fixed (in `{% set %}`, a call, an `if`)."""
    if not may_join_literals(template):
        return  # no string literal in any expression: nothing can be joined
    try:
        ast = parse(template)
        found = [
            (output.lineno, _output_text(output))
            for output in ast.find_all(nodes.Output)
            if any(not isinstance(child, nodes.TemplateData) for child in output.nodes)
        ]
        for expr in ast.find_all((nodes.Concat, nodes.Add, nodes.Filter, nodes.Call)):
            text = _fold(expr)
            if text:
                found.append((expr.lineno, text))
    except (TemplateProblemError, _TooBig, RecursionError):
        return
    yield from found
