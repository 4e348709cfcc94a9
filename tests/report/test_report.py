"""Machine-readable reporters (SARIF, GitHub workflow commands, GitLab Code Quality) and
the per-rule statistics, fed with results of really linting small prompt files.

The SARIF schema is vendored in the shared folder next to the repository
(`../shared/vendor/sarif-schema-2.1.0.json`); the tests need it and fail, never skip,
when it is missing.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from jsonschema.validators import validator_for

from promptreg import __version__
from promptreg.core.config import load_config
from promptreg.lint.catalogue import RULES
from promptreg.lint.docs import render_markdown
from promptreg.lint.finding import Finding
from promptreg.lint.rule import FAMILIES
from promptreg.lint.runner import Linter, LintResult
from promptreg.lint.select import Selection
from promptreg.report import REPORTERS
from promptreg.report.github import escape_data, escape_property
from promptreg.report.github import report as github_report
from promptreg.report.gitlab import report as gitlab_report
from promptreg.report.sarif import report as sarif_report
from promptreg.report.sarif import to_sarif
from promptreg.report.statistics import report_statistics, statistics

REPO = Path(__file__).resolve().parents[2]
SHARED_SARIF_SCHEMA = (
    Path(__file__).resolve().parents[3] / "shared" / "vendor" / "sarif-schema-2.1.0.json"
)
VENDORED_SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"
# The shared copy beside the repository when it is there; the byte-identical copy kept in
# tests/fixtures otherwise (a test below checks the two agree when both exist).
SARIF_SCHEMA = SHARED_SARIF_SCHEMA if SHARED_SARIF_SCHEMA.is_file() else VENDORED_SARIF_SCHEMA
FIXTURE_CONFIG = REPO / "tests" / "fixtures" / "rules" / "promptreg.yaml"
SELECT = ("F", "S", "T001", "T002", "T003")
"""Rules whose findings the files below are written for; later rules stay out of it."""

HEAD = """\
version: 1.0.0
title: Report test prompt
description: A prompt written for the reporter tests.
tier: 1
status: draft
"""

# S006 (line 1, no modeline), S004 (line 3), S005 (line 6), T002 three times (line 13).
BAD = f"""\
id: support/bad
{HEAD}owner: suport-platform
model:
  name: gpt-4o-mni
variables:
  ticket:
    type: string
    description: The ticket.
messages:
  - role: user
    content: "<ticket>{{{{ ticket }}}}</ticket> {{{{ customer }}}} {{{{ agent }}}} {{{{ item }}}}"
"""

# S004 only.
OTHER = f"""\
# yaml-language-server: $schema=../schemas/prompt.schema.json
id: support/other
{HEAD}owner: nobody-we-know
model:
  name: gpt-4o-mini
messages:
  - role: user
    content: "Say hello."
"""

CLEAN = f"""\
# yaml-language-server: $schema=../schemas/prompt.schema.json
id: support/clean
{HEAD}owner: support-platform
model:
  name: gpt-4o-mini
messages:
  - role: user
    content: "Say hello."
"""

# S001 whose message repeats a variable name with a comma, colon, percent and newline.
ODD = f"""\
# yaml-language-server: $schema=../schemas/prompt.schema.json
id: support/odd
{HEAD}owner: support-platform
model:
  name: gpt-4o-mini
variables:
  "a,b: 100%\\nz":
    type: string
messages:
  - role: user
    content: "Say hello."
"""

Lint = Callable[..., LintResult]


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """Write prompt files into tmp_path (the working directory) and lint them."""
    shutil.copyfile(FIXTURE_CONFIG, tmp_path / "promptreg.yaml")
    monkeypatch.chdir(tmp_path)

    def run(**files: str) -> LintResult:
        settings = load_config(tmp_path / "promptreg.yaml")
        paths = []
        for stem, text in files.items():
            path = tmp_path / "prompts" / f"{stem}.prompt.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return Linter(settings, Selection.build(select=SELECT)).lint_paths(paths)

    return run


def render(reporter: Callable[[LintResult, Any, bool], None], result: LintResult) -> str:
    stream = io.StringIO()
    reporter(result, stream, False)
    return stream.getvalue()


def by_code(result: LintResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


# --- SARIF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Draft4Validator:
    assert SARIF_SCHEMA.is_file(), (
        f"the SARIF 2.1.0 schema is missing: expected {SARIF_SCHEMA} "
        "(the shared folder next to the repository, ../shared/vendor/)"
    )
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    assert cls is Draft4Validator, f"the SARIF schema declares {schema.get('$schema')!r}"
    cls.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def sarif_of(result: LintResult, validator: Draft4Validator) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(sarif_report, result))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, "SARIF does not validate:\n" + "\n".join(errors)
    return log


def test_sarif_validates_and_describes_the_run(
    lint: Lint, sarif_validator: Draft4Validator, tmp_path: Path
) -> None:
    log = sarif_of(lint(bad=BAD, other=OTHER), sarif_validator)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "promptreg"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["invocations"] == [{"executionSuccessful": True}]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"


def test_sarif_rules_cover_the_whole_catalogue(
    lint: Lint, sarif_validator: Draft4Validator
) -> None:
    rules = sarif_of(lint(clean=CLEAN), sarif_validator)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    anchors = set(re.findall(r"\]\(#([a-z0-9-]+)\)", (REPO / "docs" / "rules.md").read_text()))
    for descriptor in rules:
        rule = RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["fullDescription"] == {"text": rule.doc.what}
        assert descriptor["help"]["markdown"] == render_markdown(rule)
        assert rule.doc.what in descriptor["help"]["text"]
        anchor = f"{rule.code.lower()}-{rule.name}"
        assert descriptor["helpUri"] == (
            f"https://github.com/promptreg/promptreg/blob/main/docs/rules.md#{anchor}"
        )
        assert descriptor["defaultConfiguration"] == {"level": levels[rule.severity]}
        assert descriptor["properties"]["tags"] == [rule.family, FAMILIES[rule.family]]
    # Every anchor docs/rules.md links to from its table is one the rules point at.
    assert anchors <= {r["helpUri"].rsplit("#", 1)[1] for r in rules}


def test_sarif_results_carry_exact_regions(lint: Lint, sarif_validator: Draft4Validator) -> None:
    result = lint(bad=BAD, other=OTHER)
    assert {f.code for f in result.findings} == {"S004", "S005", "S006", "T002"}
    run = sarif_of(result, sarif_validator)["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert len(results) == len(result.findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for finding, sarif in zip(result.findings, results, strict=True):
        assert sarif["ruleId"] == finding.code
        assert rule_ids[sarif["ruleIndex"]] == finding.code
        assert sarif["level"] == levels[finding.severity]
        assert sarif["message"] == {"text": finding.message}
        physical = sarif["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": f"prompts/{finding.path.name}",
            "uriBaseId": "%SRCROOT%",
        }
        assert physical["region"] == {
            "startLine": finding.span.start.line,
            "startColumn": finding.span.start.column,
            "endLine": finding.span.end.line,
            "endColumn": finding.span.end.column,
        }
    by_rule = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r
        for r in results
    }
    owner = by_rule["S004", "prompts/bad.prompt.yaml"]["locations"][0]["physicalLocation"]
    # `owner: suport-platform` on line 7: the value, columns 8 up to (not including) 23.
    assert owner["region"] == {"startLine": 7, "startColumn": 8, "endLine": 7, "endColumn": 23}
    model = by_rule["S005", "prompts/bad.prompt.yaml"]["locations"][0]["physicalLocation"]
    assert model["region"] == {"startLine": 9, "startColumn": 9, "endLine": 9, "endColumn": 19}
    modeline = by_rule["S006", "prompts/bad.prompt.yaml"]
    assert modeline["level"] == "warning"
    assert modeline["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
        "endLine": 1,
        "endColumn": 1,
    }
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_fix_for_missing_modeline(lint: Lint, sarif_validator: Draft4Validator) -> None:
    result = lint(bad=BAD)
    (finding,) = by_code(result, "S006")
    assert finding.fix is not None
    (edit,) = finding.fix.edits
    results = sarif_of(result, sarif_validator)["runs"][0]["results"]
    (sarif,) = [r for r in results if r["ruleId"] == "S006"]
    assert sarif["fixes"] == [
        {
            "description": {"text": finding.fix.description},
            "artifactChanges": [
                {
                    "artifactLocation": {
                        "uri": "prompts/bad.prompt.yaml",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 1,
                                "startColumn": 1,
                                "endLine": 1,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": edit.text},
                        }
                    ],
                }
            ],
            "properties": {"applicability": "safe"},
        }
    ]
    assert edit.text.startswith("# yaml-language-server: $schema=")
    assert all("fixes" not in r for r in results if r["ruleId"] != "S006")


def test_sarif_for_a_clean_result_validates(lint: Lint, sarif_validator: Draft4Validator) -> None:
    result = lint(clean=CLEAN)
    assert result.findings == ()
    run = sarif_of(result, sarif_validator)["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)
    assert sarif_of(LintResult((), 0), sarif_validator)["runs"][0]["results"] == []


def test_sarif_is_deterministic(lint: Lint) -> None:
    result = lint(bad=BAD, other=OTHER)
    assert render(sarif_report, result) == render(sarif_report, result)
    assert render(sarif_report, result).endswith("}\n")


def test_sarif_paths_outside_the_working_directory_are_file_uris(
    lint: Lint, sarif_validator: Draft4Validator, tmp_path: Path
) -> None:
    result = lint(bad=BAD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = to_sarif(result, cwd=elsewhere)
    errors = list(sarif_validator.iter_errors(log))
    assert not errors
    for sarif in log["runs"][0]["results"]:
        location = sarif["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": (tmp_path / "prompts" / "bad.prompt.yaml").as_uri()}


def test_sarif_uris_are_percent_encoded(lint: Lint, sarif_validator: Draft4Validator) -> None:
    result = lint(**{"my prompt": BAD})
    results = sarif_of(result, sarif_validator)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"prompts/my%20prompt.prompt.yaml"}


# --- GitHub Actions ------------------------------------------------------------------


def test_github_escapes_message_and_properties(lint: Lint) -> None:
    result = lint(odd=ODD)
    missing = [f for f in result.findings if f.message.startswith("missing required key")]
    (finding,) = missing
    assert finding.message == "missing required key 'description' in variables.a,b: 100%\nz"
    lines = render(github_report, result).splitlines()
    assert lines[0] == (
        "::error file=prompts/odd.prompt.yaml,line=12,col=3,endLine=12,endColumn=17,"
        "title=S001 schema-violation::"
        "missing required key 'description' in variables.a,b: 100%25%0Az"
    )
    assert len(lines) == len(result.findings) + 1
    assert lines[-1] == "Found 2 findings (2 errors) in 1 file."


def test_github_lines_levels_and_multiline_spans(lint: Lint) -> None:
    result = lint(bad=BAD, odd=ODD)
    lines = render(github_report, result).splitlines()
    assert len(lines) == len(result.findings) + 1
    commands = {"error": "::error ", "warning": "::warning ", "info": "::notice "}
    for finding, line in zip(result.findings, lines, strict=False):
        assert line.startswith(commands[finding.severity])
        assert f",title={finding.code} {finding.name}::" in line
        assert "\n" not in line
    assert (
        "::warning file=prompts/bad.prompt.yaml,line=1,col=1,endLine=1,endColumn=1,"
        "title=S006 missing-schema-modeline::the first line is not the schema modeline; add "
        "`# yaml-language-server: $schema=<path to>/prompt.schema.json` so editors validate "
        "the file"
    ) in lines
    # A span over several lines: the runner would drop the columns, so none are written.
    (form,) = [f for f in result.findings if "has the wrong form" in f.message]
    assert form.span.start.line != form.span.end.line
    (line,) = [x for x in lines if "has the wrong form" in x]
    assert line.startswith(
        f"::error file=prompts/odd.prompt.yaml,line={form.span.start.line},"
        f"endLine={form.span.end.line},title=S001 schema-violation::"
    )


def test_github_escaping_rules() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("dir,a:b/100%\n.yaml") == "dir%2Ca%3Ab/100%25%0A.yaml"
    assert escape_property("%3A") == "%253A"


def test_github_clean_result_is_only_the_summary(lint: Lint) -> None:
    assert render(github_report, lint(clean=CLEAN)) == "All checks passed (1 file).\n"


# --- GitLab Code Quality -------------------------------------------------------------


def test_gitlab_code_quality(lint: Lint) -> None:
    result = lint(bad=BAD, other=OTHER)
    issues = json.loads(render(gitlab_report, result))
    assert isinstance(issues, list)
    assert len(issues) == len(result.findings)
    severities = {"error": "major", "warning": "minor", "info": "info"}
    for finding, issue in zip(result.findings, issues, strict=True):
        assert issue == {
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": issue["fingerprint"],
            "severity": severities[finding.severity],
            "location": {
                "path": f"prompts/{finding.path.name}",
                "lines": {"begin": finding.span.line},
            },
        }
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert {i["check_name"]: i["severity"] for i in issues} == {
        "S004": "major",
        "S005": "major",
        "S006": "minor",
        "T002": "major",
    }
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprints_are_stable_across_runs(lint: Lint) -> None:
    first = json.loads(render(gitlab_report, lint(bad=BAD, other=OTHER)))
    second = json.loads(render(gitlab_report, lint(bad=BAD, other=OTHER)))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    assert first == second


def test_gitlab_clean_result_is_an_empty_array(lint: Lint) -> None:
    assert json.loads(render(gitlab_report, lint(clean=CLEAN))) == []


# --- statistics ----------------------------------------------------------------------


def test_statistics_counts_most_frequent_first(lint: Lint) -> None:
    result = lint(bad=BAD, other=OTHER)
    assert statistics(result).splitlines() == [
        "3  T002  undeclared-variable",
        "2  S004  unknown-owner",
        "1  S005  unknown-model",
        "1  S006  missing-schema-modeline  [*]",
    ]
    stream = io.StringIO()
    report_statistics(result, stream, False)
    assert stream.getvalue() == (
        statistics(result) + "\nFound 7 findings (6 errors, 1 warning) in 2 files.\n"
    )


def test_statistics_of_a_clean_result(lint: Lint) -> None:
    result = lint(clean=CLEAN)
    assert statistics(result) == ""
    stream = io.StringIO()
    report_statistics(result, stream, False)
    assert stream.getvalue() == "All checks passed (1 file).\n"


# --- registry of formats -------------------------------------------------------------


def test_formats_are_registered(lint: Lint) -> None:
    assert {"text", "json", "sarif", "github", "gitlab"} <= set(REPORTERS)
    assert REPORTERS["sarif"] is sarif_report
    assert REPORTERS["github"] is github_report
    assert REPORTERS["gitlab"] is gitlab_report
    result = lint(bad=BAD)
    for name, reporter in REPORTERS.items():
        assert render(reporter, result), f"{name} wrote nothing"


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal, so the reporter shows source lines."""

    def isatty(self) -> bool:
        return True


def test_text_report_on_a_terminal_never_echoes_a_secret(tmp_path: Path) -> None:
    from promptreg.report.text import report as text_report

    shutil.copy(Path(__file__).parents[1] / "fixtures" / "rules" / "promptreg.yaml", tmp_path)
    secret = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    prompt = Path(__file__).parents[1] / "fixtures" / "rules" / "X001" / "good.prompt.yaml"
    text = prompt.read_text(encoding="utf-8").replace("title: ", f"x-note: {secret}\ntitle: ", 1)
    path = tmp_path / "leak.prompt.yaml"
    path.write_text(text, encoding="utf-8")
    settings = load_config(tmp_path / "promptreg.yaml")
    result = Linter(settings, Selection.build(["X001", "S"])).lint_paths([path])
    assert any(f.code == "X001" for f in result.findings)
    out = _Terminal()
    text_report(result, out, False)
    assert secret not in out.getvalue()
    assert secret[:20] not in out.getvalue()


def test_vendored_sarif_schema_matches_the_shared_one() -> None:
    assert VENDORED_SARIF_SCHEMA.is_file()
    if SHARED_SARIF_SCHEMA.is_file():
        assert VENDORED_SARIF_SCHEMA.read_bytes() == SHARED_SARIF_SCHEMA.read_bytes()
