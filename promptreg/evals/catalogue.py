"""Every assertion type, by name: a literal registry built from explicit imports.

`not-` before the name of a text or JSON type negates it, as in promptfoo (so
`not-contains` and `not-regex`, which prompt files already use, are that rule, not
records of their own). The assertion section of docs/evals.md is generated here:
`python -m promptreg.evals.catalogue` prints it, and a test fails when it is stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from promptreg.core.errors import UsageError
from promptreg.core.suggest import closest
from promptreg.evals import checks_json, checks_run, checks_text
from promptreg.evals.assertion import AssertionType

ASSERTIONS: dict[str, AssertionType] = {
    kind.name: kind for module in (checks_text, checks_json, checks_run) for kind in module.TYPES
}
NEGATION = "not-"
FAMILIES = {
    "text": "the answer as text",
    "json": "the answer as JSON",
    "run": "how the answer was made",
    "model-graded": "graded by a judge prompt",
}


@dataclass(frozen=True, slots=True)
class Resolved:
    kind: AssertionType
    negated: bool


def all_names() -> list[str]:
    """Every name a case may use, negations included."""
    names = list(ASSERTIONS)
    names += [NEGATION + k.name for k in ASSERTIONS.values() if k.negatable]
    return names


def resolve(name: str) -> Resolved:
    """The type behind a name (`not-contains` is contains, negated); UsageError if none."""
    kind = ASSERTIONS.get(name)
    if kind is not None:
        return Resolved(kind, False)
    if name.startswith(NEGATION):
        base = ASSERTIONS.get(name[len(NEGATION) :])
        if base is not None and base.negatable:
            return Resolved(base, True)
    match = closest(name, all_names())
    raise UsageError(
        f"unknown assertion type {name!r}",
        hint=f"did you mean {match!r}?"
        if match
        else "`promptreg test --list-assertions` lists them",
    )


def list_text() -> str:
    """The table `promptreg test --list-assertions` prints."""
    width = max(len(name) for name in ASSERTIONS)
    lines = []
    for family, words in FAMILIES.items():
        lines.append(f"{family} ({words}):")
        for kind in (k for k in ASSERTIONS.values() if k.family == family):
            negation = "  [not- allowed]" if kind.negatable else ""
            lines.append(f"  {kind.name.ljust(width)}  {kind.summary}{negation}")
            lines.append(f"  {''.ljust(width)}  value: {kind.doc.value}; e.g. {kind.doc.example}")
    lines.append("")
    lines.append("Prefix a type marked [not- allowed] with not- to require the opposite.")
    return "\n".join(lines)


def render_markdown() -> str:
    """The generated section of docs/evals.md, between its assertion markers."""
    out = [
        "| type | family | value | passes when |",
        "|---|---|---|---|",
    ]
    for kind in ASSERTIONS.values():
        name = f"`{kind.name}`" + (" (`not-` allowed)" if kind.negatable else "")
        passes = kind.doc.passes_when.replace("|", "\\|")
        out.append(f"| {name} | {kind.family} | {kind.doc.value} | {passes}. |")
    out += ["", "Examples:", "", "```yaml", "assert:"]
    out += [f"  - {kind.doc.example}" for kind in ASSERTIONS.values()]
    out += ["  - {type: not-contains, value: as an AI}", "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_markdown())
