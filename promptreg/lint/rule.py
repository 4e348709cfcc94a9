"""A rule is one record: code, name, family, severity, docs and the check itself.

`promptreg rules`, `promptreg explain`, docs/rules.md and SARIF's rule table are all
generated from these records, so a rule is described in exactly one place.

A check has a scope, which says what it sees and when it runs:

- `file` (a plain function): one prompt file that loaded, as a FileContext;
- `suppression` (SuppressionCheck): the file's suppressions after they were applied to
  its findings, for rules about the suppressions themselves;
- `registry` (RegistryCheck): the registry as a whole (every file's id and tier, the
  base revision, CODEOWNERS), for what no single file shows;
- `loader` (LoaderCheck): problems the loader reports while reading a file. They are
  found before any value exists (a duplicate key, an alias bomb), so the detection
  stays in the loader; the record selects them by its code and names the module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal

from promptreg.core.records import Record
from promptreg.lint.finding import Hit, RegistryHit, Severity

if TYPE_CHECKING:
    from promptreg.core.errors import Problem
    from promptreg.lint.context import FileContext, RegistryContext, SuppressionContext

FixAvailability = Literal["none", "safe", "unsafe"]
Scope = Literal["file", "suppression", "registry", "loader"]
SCOPES: tuple[Scope, ...] = ("file", "suppression", "registry", "loader")

FileCheck = Callable[["FileContext"], Iterator[Hit]]

UNSUPPRESSIBLE_FAMILIES = frozenset("GV")
"""Families whose findings the file under review cannot suppress: governance (approvals,
their proof in git, evals, logging, the suppression rules themselves) and versions. A
pull request must not be able to waive its own review; an organisation that wants an
exception writes it in promptreg.yaml (`per_file_ignores`), which `--base` reads from
the base revision."""

FAMILIES: Mapping[str, str] = {
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


class SuppressionCheck(Record):
    """Runs once a file's suppressions have been applied, so it can see which were used.
    Its own findings cannot be suppressed: they are about the suppressions."""

    run: Callable[[SuppressionContext], Iterator[Hit]]


class RegistryCheck(Record):
    """Runs over the whole registry, once per `promptreg check` run."""

    run: Callable[[RegistryContext], Iterator[RegistryHit]]
    in_lint: bool = False
    """`promptreg lint` reports it too. True for checks that need only the base revision
    (a deleted approved prompt must not slip through a lint run with `--base`); the
    others read every file of the registry, which a lint of some paths does not."""


class LoaderCheck(Record):
    """Problems the loader reports with the rule's code; `detected_in` is the module
    that finds them (a test checks that the code is there)."""

    detected_in: str

    def select(self, code: str, problems: Iterable[Problem]) -> Iterator[Problem]:
        return (problem for problem in problems if problem.code == code)


class RuleDoc(Record):
    """Fixed documentation sections, in the order every rule page shows them."""

    what: str
    why: str
    example: str
    use_instead: str
    options: str = "None."
    fix_safety: str = "No automatic fix."


class Rule(Record):
    """One rule's record: everything the docs, the reporters and the runner know of it."""

    code: str
    name: str
    summary: str
    doc: RuleDoc
    severity: Severity = "error"
    fix: FixAvailability = "none"
    check: FileCheck | SuppressionCheck | RegistryCheck | LoaderCheck | None = None
    """Every rule has one (a catalogue test says so); its type gives the scope."""
    options: tuple[str, ...] = ()
    tier_severity: tuple[tuple[int, Severity], ...] = ()
    """(tier, severity) pairs that replace `severity` for prompts of that tier: a
    finding that must block a tier-3 prompt can be advice on tier 1."""

    def severity_for(self, tier: int | None) -> Severity:
        return next((sev for t, sev in self.tier_severity if t == tier), self.severity)

    @property
    def severity_label(self) -> str:
        """The default severity, with the tiers that differ: "error (tier 1: warning)"."""
        if not self.tier_severity:
            return self.severity
        tiers = ", ".join(f"tier {t}: {sev}" for t, sev in self.tier_severity)
        return f"{self.severity} ({tiers})"

    @property
    def family(self) -> str:
        return self.code[0]

    @property
    def suppressible(self) -> bool:
        """Whether an inline comment or `lint.ignore` in the file itself may waive it."""
        return self.family not in UNSUPPRESSIBLE_FAMILIES

    @property
    def scope(self) -> Scope:
        check = self.check
        if isinstance(check, SuppressionCheck):
            return "suppression"
        if isinstance(check, RegistryCheck):
            return "registry"
        if isinstance(check, LoaderCheck):
            return "loader"
        return "file"
