"""G: governance per tier, from the tier policy in promptreg.yaml."""

from __future__ import annotations

from promptreg.lint.rule import Rule

RULES: tuple[Rule, ...] = ()
