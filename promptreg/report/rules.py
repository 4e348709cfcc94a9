"""The rule catalogue as `promptreg rules` prints it: a table, or JSON for tools.

Sorted by code, as docs/rules.md and SARIF's rule table list it.
"""

from __future__ import annotations

from typing import Any

from promptreg.lint.catalogue import RULES
from promptreg.lint.rule import Rule
from promptreg.report.table import table


def catalogue() -> list[Rule]:
    """Every rule, by code."""
    return sorted(RULES.values(), key=lambda rule: rule.code)


def rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity,
        "fix": rule.fix,
        "summary": rule.summary,
        "docs": {
            "what_it_checks": rule.doc.what,
            "why_it_matters": rule.doc.why,
            "example": rule.doc.example,
            "use_instead": rule.doc.use_instead,
            "options": rule.doc.options,
            "fix_safety": rule.doc.fix_safety,
        },
    }


def rules_table(rules: list[Rule]) -> str:
    """Code, name, severity, fix availability and summary (no trailing newline)."""
    rows = [[r.code, r.name, r.severity, r.fix, r.summary] for r in rules]
    return table(rows, ["CODE", "NAME", "SEVERITY", "FIX", "SUMMARY"])
