"""How deeply a template may nest, checked while it is parsed, before anything recurses.

Jinja2's parser and code generator, and Python's compiler after them, recurse once or
more per level of nesting, and each has its own limit: 70 parentheses exhaust the
parser's recursion, 20 nested loops are more than Python compiles, 200 nested
expressions more than its parser accepts. A template past any of them would fail with
a RecursionError or SyntaxError, at a different depth on every machine. So nesting has
limits of its own, well inside all of those, reported as a finding with the line:

- brackets, counted on the token stream as it is parsed (they leave no node behind);
- expressions and blocks, counted on the tree without recursion, before any visitor
  walks it.

Integer literals are bounded here too: the arithmetic limit applies to them as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from promptreg.render.budget import MAX_INT_BITS
from promptreg.render.limits import MAX_BLOCK_DEPTH as MAX_BLOCK_DEPTH
from promptreg.render.limits import MAX_BRACKET_DEPTH as MAX_BRACKET_DEPTH
from promptreg.render.limits import MAX_EXPRESSION_DEPTH as MAX_EXPRESSION_DEPTH
from promptreg.render.measure import int_bits

_OPEN = frozenset(("lparen", "lbracket", "lbrace"))
_CLOSE = frozenset(("rparen", "rbracket", "rbrace"))
_BLOCKS = (
    nodes.For,
    nodes.If,
    nodes.Macro,
    nodes.CallBlock,
    nodes.FilterBlock,
    nodes.With,
    nodes.AssignBlock,
    nodes.Block,
    nodes.Scope,
    nodes.ScopedEvalContextModifier,
    nodes.OverlayScope,
)


class NestingError(TemplateSyntaxError):
    """A template nests deeper than the sandbox compiles; carries the line."""


class BracketGuard(Extension):
    """Counts open brackets on the token stream, so the parser never recurses past the
    limit (parsing a parenthesis costs 14 frames of Python's stack)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        depth = 0
        for token in stream:
            if token.type in _OPEN:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    raise NestingError(
                        f"template nests more than {MAX_BRACKET_DEPTH} brackets deep",
                        token.lineno,
                    )
            elif token.type in _CLOSE:
                depth -= 1
            yield token


def check_nesting(ast: nodes.Template) -> None:
    """NestingError (with the line) for nesting past the limits or an integer literal
    over the arithmetic limit; walks the tree with a stack, not recursion."""
    stack: list[tuple[nodes.Node, int, int]] = [(ast, 0, 0)]
    while stack:
        node, blocks, expressions = stack.pop()
        chained = {id(n) for n in node.elif_} if isinstance(node, nodes.If) else set()
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                depth = expressions + 1
                if depth > MAX_EXPRESSION_DEPTH:
                    raise NestingError(
                        f"template nests expressions more than {MAX_EXPRESSION_DEPTH} deep; "
                        "split the expression with {% set %}",
                        child.lineno,
                    )
                if isinstance(child, nodes.Const) and int_bits(child.value) > MAX_INT_BITS:
                    raise NestingError(
                        f"integer literal over {MAX_INT_BITS:,} bits, the limit of arithmetic",
                        child.lineno,
                    )
                stack.append((child, blocks, depth))
                continue
            inner = blocks
            if isinstance(child, _BLOCKS) and id(child) not in chained:
                inner += 1
                if inner > MAX_BLOCK_DEPTH:
                    raise NestingError(
                        f"template nests blocks more than {MAX_BLOCK_DEPTH} deep; move the "
                        "inner part into a macro or flatten the conditions",
                        child.lineno,
                    )
            stack.append((child, inner, 0))
