"""Whether a template can join literals at all, decided without Jinja2.

`{{ "sk-pr" ~ "oj-..." }}` renders a key no single string of the file holds, so X001
folds a template's literals (promptreg.render.literals, which parses it). A literal can
only be joined inside `{{ ... }}` or `{% ... %}`, so a template with no quote inside
one is skipped before the parser (and Jinja2) is loaded.
"""

from __future__ import annotations

import re

_QUOTED_IN_BLOCK = re.compile(r"\{[{%][^}]*['\"]")


def may_join_literals(template: str) -> bool:
    return _QUOTED_IN_BLOCK.search(template) is not None
