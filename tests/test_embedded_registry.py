"""The embedded registry is the example everyone opens first: it must be exemplary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from promptreg import Registry
from promptreg.lint.runner import Linter

REPO = Path(__file__).resolve().parents[1]
PROMPT_FILES = sorted((REPO / "registry").rglob("*.prompt.yaml"))


def _plain(value: Any) -> Any:
    """PyYAML turns dates into date objects; JSON Schema sees them as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", PROMPT_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_validates_with_plain_jsonschema(path: Path) -> None:
    schema = json.loads((REPO / "schemas" / "prompt.schema.json").read_text(encoding="utf-8"))
    document = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_config_validates_with_plain_jsonschema() -> None:
    schema = json.loads((REPO / "schemas" / "promptreg.schema.json").read_text(encoding="utf-8"))
    document = _plain(yaml.safe_load((REPO / "promptreg.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_lints_clean() -> None:
    registry = Registry.open(REPO)
    result = Linter(registry.settings).lint_paths([registry.registry_dir])
    assert result.files_checked == len(PROMPT_FILES)
    assert result.findings == ()


def test_breadth_of_examples() -> None:
    specs = Registry.open(REPO).list()
    assert len(specs) == len(PROMPT_FILES) >= 15
    assert len({s.id.split("/")[0] for s in specs}) >= 6
    assert {s.tier for s in specs} == {1, 2, 3}
    tier3_namespaces = {s.id.split("/")[0] for s in specs if s.tier == 3}
    assert {"legal", "clinical", "finance"} <= tier3_namespaces


def test_tier2_and_tier3_prompts_carry_what_governance_needs() -> None:
    registry = Registry.open(REPO)
    for spec in registry.list():
        if spec.tier < 2:
            continue
        assert spec.handoff is not None, spec.id
        assert spec.limitations, spec.id
        assert spec.changelog and spec.changelog[0].version == spec.version, spec.id
        assert len(spec.evals) >= registry.settings.tier(spec.tier).min_evals, spec.id
        assert all(case.asserts for case in spec.evals), spec.id
        if spec.status == "approved":
            assert all(a.content_hash == spec.content_hash for a in spec.approvals), spec.id
            registry.get(spec.id)  # served: approvals match the tier policy


def test_every_eval_case_renders() -> None:
    registry = Registry.open(REPO)
    for spec in registry.list():
        prompt = registry.get(spec.id, allow_unapproved=True)
        for case in spec.evals:
            messages = prompt.render(**case.vars)
            assert messages and all(m["content"].strip() for m in messages), (spec.id, case.name)
