"""Whether a template can join literals at all, decided without Jinja2.

`{{ "sk-pr" ~ "oj-..." }}` renders a key no single string of the file holds, so X001
folds a template's literals (promptreg.render.literals, which parses it). A literal can
only be joined inside `{{ ... }}` or `{% ... %}`, so a template with no quote inside
one is skipped before the parser (and Jinja2) is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_QUOTED_IN_BLOCK = re.compile(r"\{[{%][^}]*['\"]")


def may_join_literals(template: str) -> bool:
    return _QUOTED_IN_BLOCK.search(template) is not None


_PRINTED_NAMES = re.compile(
    r"\{\{(-?)\s*([A-Za-z_]\w*(?:\s*[~+]\s*[A-Za-z_]\w*)*)\s*(-?)\}\}", re.ASCII
)
"""`{{ name }}`, `{{ a ~ b }}`, with `-` trimming: outputs of variables alone."""


def filled(template: str, values: Mapping[str, str]) -> str | None:
    """The template's text with every output of variables alone (`{{ name }}`, `{{ a ~
    b }}`) whose variables all have a value in `values` replaced by what it prints,
    `-` trimming included; None when there is no such output.

    Without quotes in its tags (`may_join_literals`), a template can join a variable's
    default only with its own text and other variables, and this is that text, found
    without Jinja2: X001 scans it, and parses the template only if it shows a key.
    """
    parts: list[str] = []
    last = 0
    found = False
    for match in _PRINTED_NAMES.finditer(template):
        names = re.split(r"\s*[~+]\s*", match.group(2))
        if not all(name in values for name in names):
            continue
        before = template[last : match.start()]
        parts.append(before.rstrip() if match.group(1) else before)
        parts.append("".join(values[name] for name in names))
        last = match.end()
        if match.group(3):
            rest = template[last:]
            last += len(rest) - len(rest.lstrip())
        found = True
    parts.append(template[last:])
    return "".join(parts) if found else None
