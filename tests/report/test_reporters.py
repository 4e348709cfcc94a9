"""Every REPORTERS entry against the Reporter Protocol: the call signature, and output
that its format's reader accepts, for a clean result and one with findings.

A new format fails here until it has a validator below, so no reporter is registered
without a test that reads what it writes.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import typing
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from promptreg.core.config import load_config
from promptreg.lint.runner import Linter, LintResult
from promptreg.lint.select import Selection
from promptreg.report import REPORTERS, Reporter
from promptreg.report.text import summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RULE_FIXTURES = FIXTURES / "rules"
SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
BAD = ("S006", "T002", "S004", "F001")
"""Fixture folders whose bad file gives a warning with a fix, errors, and a syntax error."""

TEXT_LINE = re.compile(r"^.+:\d+:\d+: [A-Z]\d{3} \[(error|warning|info)\] .+$")
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+)?,endLine=\d+"
    r"(,endColumn=\d+)?,title=[A-Z]\d{3} [a-z0-9-]+::.+$"
)


@pytest.fixture(scope="module")
def results() -> dict[str, LintResult]:
    """A real lint of rule fixtures: one clean file, and four files with findings."""
    settings = load_config(RULE_FIXTURES / "promptreg.yaml")
    linter = Linter(settings, Selection.build(["F", "S", "T"]))
    clean = linter.lint_paths([RULE_FIXTURES / "S006" / "good.prompt.yaml"])
    found = linter.lint_paths([RULE_FIXTURES / code / "bad.prompt.yaml" for code in BAD])
    assert not clean.findings
    assert {f.code for f in found.findings} >= set(BAD)
    assert {f.severity for f in found.findings} == {"error", "warning"}
    assert any(f.fix is not None for f in found.findings)
    return {"clean": clean, "findings": found}


def lines_with_summary(out: str, result: LintResult, pattern: re.Pattern[str]) -> None:
    *lines, last = out.splitlines()
    assert out.endswith("\n")
    assert len(lines) == len(result.findings)
    for line in lines:
        assert pattern.match(line), line
    assert last == summary(result)


def check_text(out: str, result: LintResult) -> None:
    lines_with_summary(out, result, TEXT_LINE)


def check_github(out: str, result: LintResult) -> None:
    lines_with_summary(out, result, GITHUB_LINE)


def check_json(out: str, result: LintResult) -> None:
    report = json.loads(out)
    assert report["version"] == 1
    assert report["files_checked"] == result.files_checked
    assert report["summary"] == {s: result.count(s) for s in ("error", "warning", "info")}
    assert report["findings"] == [f.to_json() for f in result.findings]


def check_sarif(out: str, result: LintResult) -> None:
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, "SARIF does not validate:\n" + "\n".join(errors)
    [run] = log["runs"]
    assert [r["ruleId"] for r in run["results"]] == [f.code for f in result.findings]


def check_gitlab(out: str, result: LintResult) -> None:
    issues = json.loads(out)
    assert isinstance(issues, list)
    assert [issue["check_name"] for issue in issues] == [f.code for f in result.findings]
    for issue in issues:
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in ("major", "minor", "info")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


VALIDATORS: dict[str, Callable[[str, LintResult], None]] = {
    "text": check_text,
    "json": check_json,
    "sarif": check_sarif,
    "github": check_github,
    "gitlab": check_gitlab,
}


def test_every_reporter_has_a_validator() -> None:
    assert set(VALIDATORS) == set(REPORTERS)


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_reporter_has_the_protocol_signature(name: str) -> None:
    reporter = REPORTERS[name]
    expected = list(inspect.signature(Reporter.__call__).parameters.values())[1:]  # no self
    actual = list(inspect.signature(reporter).parameters.values())

    assert [(p.name, p.kind) for p in actual] == [(p.name, p.kind) for p in expected]
    wanted = typing.get_type_hints(Reporter.__call__, localns={"LintResult": LintResult})
    assert typing.get_type_hints(reporter) == wanted


@pytest.mark.parametrize("kind", ["clean", "findings"])
@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_reporter_writes_valid_output(
    name: str,
    kind: str,
    results: dict[str, LintResult],
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = results[kind]
    stream = io.StringIO()

    REPORTERS[name](result, stream, False)

    VALIDATORS[name](stream.getvalue(), result)
    assert capsys.readouterr() == ("", "")  # only the stream it was given
