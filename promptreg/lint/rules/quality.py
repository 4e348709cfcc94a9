"""Q: quality and trust."""

from __future__ import annotations

from promptreg.lint.rule import Rule

RULES: tuple[Rule, ...] = ()
