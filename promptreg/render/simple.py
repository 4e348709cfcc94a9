"""The facts of a template that only prints variables, found without Jinja2.

Most message templates are text with `{{ name }}` in it: every prompt of a public
prompt collection, and most of a registry. For those the facts analysis finds
(promptreg.render.analysis) follow from the text alone: the names read and their lines,
each printed where it is read, no attribute access, and the literal text around them.
So such a template is recognised by a strict pattern first and its facts built here;
anything else (a block, a comment, a filter, an attribute, whitespace control, a name
Jinja2 reads as a constant or a global, a carriage return) goes to the parser. A test
checks that both give the same facts for every template this accepts.
"""

from __future__ import annotations

import functools
import re
from types import MappingProxyType

from promptreg.render.facts import TemplateFacts

_TEXT = r"(?:[^{\r]|\{(?![{%#]))*"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_WHOLE = re.compile(rf"{_TEXT}(?:\{{\{{ *{_NAME} *\}}\}}{_TEXT})*\Z")
_TAG = re.compile(rf"\{{\{{ *({_NAME}) *\}}\}}")

NOT_VARIABLES = frozenset(
    (
        # Jinja2 reads these as constants or operators, not names.
        *("true", "false", "none", "True", "False", "None"),
        *("and", "or", "not", "in", "is", "if", "else"),
        # Jinja2's default globals (jinja2.defaults.DEFAULT_NAMESPACE; a test checks).
        *("range", "dict", "lipsum", "cycler", "joiner", "namespace"),
    )
)
"""Names this module leaves to the parser, whose meaning is not simply "a variable"."""


@functools.lru_cache(maxsize=4096)
def simple_facts(content: str) -> TemplateFacts | None:
    """The facts of `content` when it only prints variables; None otherwise.

    Memoised as promptreg.render.analysis.analyse is (several rules ask about each
    template): the answer is a pure function of the text, frozen, and bounded in number.
    """
    if _WHOLE.match(content) is None:
        return None
    lines: dict[str, list[int]] = {}
    literal: list[str] = []
    line, position = 1, 0
    for tag in _TAG.finditer(content):
        name = tag[1]
        if name in NOT_VARIABLES:
            return None
        text = content[position : tag.start()]
        literal.append(text)
        line += text.count("\n")
        lines.setdefault(name, []).append(line)
        position = tag.end()
    literal.append(content[position:])
    text = "".join(literal)
    unique = {name: tuple(sorted(set(found))) for name, found in lines.items()}
    return TemplateFacts(
        variables=frozenset(unique),
        name_lines=MappingProxyType(unique),
        private_access=(),
        printed=MappingProxyType(
            {name: tuple((name, at) for at in found) for name, found in unique.items()}
        ),
        literal_bytes=len(text.encode("utf-8")),
        literal_text=text,
    )
