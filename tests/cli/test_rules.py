"""`promptreg rules` and `promptreg explain`: the catalogue and each rule's docs."""

from __future__ import annotations

import json

import pytest

from tests.cli.support import RULE_CODES, cli, table_column


def test_rules_table_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "rules")

    assert run.status == 0
    assert table_column(run.out, "CODE") == sorted(RULE_CODES)


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "rules", "--format", "json")

    assert run.status == 0
    rules = json.loads(run.out)
    assert [rule["code"] for rule in rules] == sorted(RULE_CODES)
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["S002"]["name"] == "id-path-mismatch"
    assert by_code["S006"]["severity"] == "warning"
    for rule in rules:
        assert rule["family"] == rule["code"][0]
        assert rule["docs"]["what_it_checks"]
        assert rule["docs"]["use_instead"]


def test_explain_by_code_and_by_name_agree(capsys: pytest.CaptureFixture[str]) -> None:
    by_code = cli(capsys, "explain", "S002")
    by_name = cli(capsys, "explain", "id-path-mismatch")

    assert by_code.status == by_name.status == 0
    assert by_code.out == by_name.out
    assert by_code.out.startswith("## S002 id-path-mismatch\n")
    for section in ("What it checks", "Why it matters", "Example", "Use instead"):
        assert f"\n### {section}\n" in by_code.out
    assert "id: support/summarise-ticket" in by_code.out


def test_explain_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    rules = json.loads(cli(capsys, "rules", "--format", "json").out)
    for rule in rules:
        by_code = cli(capsys, "explain", rule["code"].lower())
        by_name = cli(capsys, "explain", rule["name"])
        assert by_code.status == 0, rule["code"]
        assert by_code.out == by_name.out
        assert by_code.out.startswith(f"## {rule['code']} {rule['name']}\n")


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "explain", "Z999")

    assert run.status == 2
    assert "unknown rule 'Z999'" in run.err
    assert run.out == ""


def test_explain_near_miss_name_suggests_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "explain", "id-path-missmatch")

    assert run.status == 2
    assert "did you mean 'id-path-mismatch'?" in run.err
