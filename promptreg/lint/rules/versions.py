"""V: versions against a git base revision."""

from __future__ import annotations

from promptreg.lint.rule import Rule

RULES: tuple[Rule, ...] = ()
