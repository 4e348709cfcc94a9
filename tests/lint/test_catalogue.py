"""The rule catalogue is the single source for docs, `rules` and `explain`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptreg.lint import catalogue
from promptreg.lint.catalogue import BY_NAME, RULES, lookup
from promptreg.lint.docs import render_rules_markdown
from promptreg.lint.rule import FAMILIES, LoaderCheck, RegistryCheck, Rule

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


def _family_module_source(rule: Rule) -> str:
    (module,) = [m for m in catalogue._FAMILY_MODULES if rule in m.RULES]
    assert module.__file__ is not None
    return Path(module.__file__).read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_check_beside_its_record(code: str) -> None:
    """`grep -rn '"CODE"' promptreg/lint/rules` finds the record, whose check is the logic
    (or, for the loader's codes, names the module that detects them)."""
    rule = RULES[code]
    assert rule.check is not None, f"{code} has no check"
    assert f'"{code}"' in _family_module_source(rule)
    if isinstance(rule.check, LoaderCheck):
        assert rule.scope == "loader"
        detector = (REPO / rule.check.detected_in).read_text(encoding="utf-8")
        assert f'"{code}"' in detector, f"{rule.check.detected_in} does not report {code}"


def test_every_code_the_loader_reports_is_a_loader_rule() -> None:
    loader = {code for code, rule in RULES.items() if rule.scope == "loader"}
    detectors = {
        rule.check.detected_in for rule in RULES.values() if isinstance(rule.check, LoaderCheck)
    }
    reported = {
        code
        for module in detectors
        for code in re.findall(r'"([A-Z]\d{3})"', (REPO / module).read_text(encoding="utf-8"))
    }
    assert reported == loader


def test_scopes() -> None:
    by_scope: dict[str, set[str]] = {}
    for code, rule in RULES.items():
        by_scope.setdefault(rule.scope, set()).add(code)
    assert by_scope["registry"] == {"R001", "R002", "R003", "V005", "G019"}
    assert by_scope["suppression"] == {"G009", "G010", "G018"}
    assert by_scope["loader"] == {f"F{n:03d}" for n in range(1, 14)} | {"S001", "S003"}
    assert set(by_scope) == {"registry", "suppression", "loader", "file"}
    in_lint = {
        c for c, r in RULES.items() if isinstance(r.check, RegistryCheck) and r.check.in_lint
    }
    # The R rules need the whole registry: `promptreg check` only. V005 and G019 need
    # only the base, and a lint run with --base must not miss them.
    assert in_lint == {"V005", "G019"}
