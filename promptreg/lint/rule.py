"""A rule is one record: code, name, family, severity, docs and the check itself.

`promptreg rules`, `promptreg explain`, docs/rules.md and SARIF's rule table are all
generated from these records, so a rule is described in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from promptreg.lint.finding import Hit, Severity

if TYPE_CHECKING:
    from promptreg.lint.context import FileContext

Check = Callable[["FileContext"], Iterator[Hit]]
FixAvailability = Literal["none", "safe", "unsafe"]

FAMILIES: dict[str, str] = {
    "F": "file: YAML syntax, encoding, size, anchors, aliases and tags",
    "S": "schema and metadata: schema violations, id vs path, semver, owner, model",
    "T": "templates: syntax, variables, unsafe constructs, untrusted input",
    "G": "governance per tier: required fields, approvals, evals, logging",
    "V": "versions against a git base: bumps, breaking changes, changelog",
    "X": "security: secrets, personal data, banned phrases, links",
    "K": "tokens: budgets, context windows, bounds on untrusted input",
    "Q": "quality and trust: uncertainty, schemas, assertions, whitespace",
    "R": "registry: whole-registry checks (`promptreg check`): ids, paths, CODEOWNERS",
}


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """Fixed documentation sections, in the order every rule page shows them."""

    what: str
    why: str
    example: str
    use_instead: str
    options: str = "None."
    fix_safety: str = "No automatic fix."


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str
    doc: RuleDoc
    severity: Severity = "error"
    fix: FixAvailability = "none"
    check: Check | None = None
    """None for rules the loader itself reports (the F family and S001)."""
    options: tuple[str, ...] = field(default=())

    @property
    def family(self) -> str:
        return self.code[0]
