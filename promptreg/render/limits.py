"""How deeply a template may nest, in a module without Jinja2: promptreg.render.nesting
enforces the limits while parsing, and the T008 rule's documentation quotes them."""

MAX_BRACKET_DEPTH = 20
"""Parentheses, brackets and braces open at once."""
MAX_EXPRESSION_DEPTH = 48
"""Expressions inside expressions (a filter of a call of an attribute ...)."""
MAX_BLOCK_DEPTH = 16
"""Blocks inside blocks: for, if, macro, call, filter, with, set ... endset."""
