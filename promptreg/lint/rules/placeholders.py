"""Q012: scaffold text from `promptreg new` left in a prompt.

A draft from `promptreg new` is valid by construction, so without this rule it lints
clean while its system message still says "Describe the task…" and its eval cases
feed the model "Replace with a realistic input.". The sentences are the scaffold's own
(promptreg.core.placeholders); a sentence re-wrapped across lines still matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from promptreg.core.document import PathKey
from promptreg.core.placeholders import PLACEHOLDERS
from promptreg.lint.context import FileContext
from promptreg.lint.finding import Hit
from promptreg.lint.rule import Rule, RuleDoc

_PATTERNS = tuple(
    (text, re.compile(r"\s+".join(re.escape(word) for word in text.split())))
    for text in PLACEHOLDERS
)


def _strings(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_placeholders(ctx: FileContext) -> Iterator[Hit]:
    for path, text in _strings(ctx.document.value):
        if path and path[0] == "lint":
            continue  # a suppression's reason may quote the scaffold
        for placeholder, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                yield Hit(
                    f"{_dotted(path)} still holds the text `promptreg new` put there "
                    f"({placeholder!r}); replace it with what this prompt needs",
                    ctx.document.locate(path, match.start(), match.end()),
                )


RULES: tuple[Rule, ...] = (
    Rule(
        "Q012",
        "placeholder-left-in",
        "Text that `promptreg new` scaffolds for a person to replace is still there.",
        RuleDoc(
            what="Any of the sentences `promptreg new` writes as placeholders (the "
            "description, the system message's task, the handoff, the limitations and "
            "the eval inputs), anywhere in the file, also when re-wrapped.",
            why="A scaffolded draft is valid, so every other rule passes it; a reviewer "
            "skimming a diff can miss that the system message still says 'Describe the "
            "task…', and eval cases that send 'Replace with a realistic input.' test "
            "nothing.",
            example="messages:\n  - role: system\n    content: |\n"
            "      Describe the task, the audience and the output you want.\n",
            use_instead="messages:\n  - role: system\n    content: |\n"
            "      You draft replies to refund requests for the support agent to send.\n",
            options="None. A warning, so a draft in progress can be committed; set "
            "`lint.severity: {Q012: error}` in promptreg.yaml to block it.",
        ),
        severity="warning",
        check=check_placeholders,
    ),
)
