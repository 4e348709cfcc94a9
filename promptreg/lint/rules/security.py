"""X: security. Secrets, personal data, banned phrases, links outside allowed domains."""

from __future__ import annotations

from promptreg.lint.rule import Rule

RULES: tuple[Rule, ...] = ()
