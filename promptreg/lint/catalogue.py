"""Every rule, by code: a literal registry built from explicit imports (grep finds all)."""

from __future__ import annotations

from collections.abc import Mapping

from promptreg.core.errors import UsageError
from promptreg.core.suggest import closest
from promptreg.lint.rule import Rule
from promptreg.lint.rules import (
    content_policy,
    evals,
    file,
    governance,
    hidden,
    personal_data,
    policy,
    provenance,
    quality,
    registry,
    schema,
    security,
    template,
    tokens,
    versions,
)

_FAMILY_MODULES = (
    file,
    schema,
    template,
    governance,
    provenance,
    evals,
    policy,
    versions,
    security,
    personal_data,
    content_policy,
    hidden,
    tokens,
    quality,
    registry,
)

RULES: Mapping[str, Rule] = {rule.code: rule for module in _FAMILY_MODULES for rule in module.RULES}
BY_NAME: Mapping[str, Rule] = {rule.name: rule for rule in RULES.values()}

REDIRECTS: Mapping[str, str] = {}
"""Retired or renamed codes and names → their current code, so old suppressions work."""


def code_of(code_or_name: str) -> str | None:
    """The current code of a rule named by code (any case) or name, redirects followed;
    None when it names no rule."""
    key = REDIRECTS.get(code_or_name, code_or_name)
    if key in BY_NAME:
        return BY_NAME[key].code
    return key.upper() if key.upper() in RULES else None


def lookup(code_or_name: str) -> Rule:
    """A rule by code or kebab-case name (redirects followed); UsageError if unknown."""
    key = REDIRECTS.get(code_or_name, code_or_name)
    rule = RULES.get(key.upper()) or BY_NAME.get(key.lower())
    if rule is None:
        match = closest(code_or_name, [*RULES, *BY_NAME])
        raise UsageError(
            f"unknown rule {code_or_name!r}",
            hint=f"did you mean {match!r}?" if match else "`promptreg rules` lists every rule",
        )
    return rule
