"""K: tokens. Budgets, context windows, bounds on untrusted input, known models."""

from __future__ import annotations

from promptreg.lint.rule import Rule

RULES: tuple[Rule, ...] = ()
