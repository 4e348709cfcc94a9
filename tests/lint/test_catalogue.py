"""The rule catalogue is the single source for docs, `rules` and `explain`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptreg.lint.catalogue import BY_NAME, RULES, lookup
from promptreg.lint.docs import render_rules_markdown
from promptreg.lint.rule import FAMILIES

REPO = Path(__file__).resolve().parents[2]


def test_docs_rules_md_is_generated_and_current() -> None:
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render_rules_markdown(), (
        "docs/rules.md is stale: run `python -m promptreg.lint.docs > docs/rules.md`"
    )


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_fully_documented(code: str) -> None:
    rule = RULES[code]
    assert re.fullmatch(r"[A-Z]\d{3}", rule.code)
    assert rule.family in FAMILIES
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    for section in ("what", "why", "example", "use_instead", "options", "fix_safety"):
        assert getattr(rule.doc, section).strip(), f"{code} has an empty {section} section"
    assert rule.summary.endswith(".")
    assert lookup(code) is rule
    assert lookup(rule.name) is rule


def test_codes_and_names_are_unique() -> None:
    assert len(BY_NAME) == len(RULES)
