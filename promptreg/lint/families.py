"""Which top-level keys of a prompt file each rule family reads.

When some keys fail the schema, a family that reads none of them still gets a trusted
input, so its findings are reported beside the schema's (docs/lint.md, "Families").
The sets are deliberately wide: a family listed as reading a key it only sometimes
reads is skipped more often than needed, never run on a value the schema refused.
X rules scan the file's strings as written and K and T read the templates, so a
metadata problem (a tag in the wrong case, a bad date) hides none of them.
"""

from __future__ import annotations

FAMILY_INPUTS: dict[str, frozenset[str]] = {
    "S": frozenset({"id", "owner", "model", "version", "tier", "status"}),
    "T": frozenset({"messages", "variables", "model"}),
    "G": frozenset(
        {
            "id",
            "tier",
            "status",
            "tags",
            "model",
            "messages",
            "variables",
            "output",
            "handoff",
            "limitations",
            "logging",
            "evals",
            "approvals",
            "changelog",
            "lint",
        }
    ),
    "V": frozenset(
        {"id", "version", "status", "tier", "model", "messages", "variables", "output", "changelog"}
    ),
    "X": frozenset({"messages", "variables", "output", "approvals", "lint"}),
    "K": frozenset({"messages", "variables", "model", "evals"}),
    "Q": frozenset({"tier", "status", "messages", "variables", "output", "evals", "lint"}),
}
"""Families not listed here (F, R) never run on a partial file."""


def intact(code: str, failing: frozenset[str]) -> bool:
    """Whether rule `code` reads none of the keys that failed the schema."""
    inputs = FAMILY_INPUTS.get(code[:1])
    return inputs is not None and inputs.isdisjoint(failing)
