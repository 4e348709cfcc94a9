"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, IDEs).

One run; the driver lists every rule of the catalogue (not only the ones that fired), so
a viewer can show a rule's documentation for any result and the rule table does not
change with the findings. Locations are relative to the working directory through the
`%SRCROOT%` base, which `originalUriBaseIds` resolves to the directory's file URI.
Columns count Unicode code points (`columnKind`), as promptreg's spans do; ends are
exclusive in both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from promptreg.core.about import VERSION as __version__
from promptreg.core.location import Position
from promptreg.core.paths import relative_path
from promptreg.lint.docs import render_markdown
from promptreg.lint.finding import Finding, Fix
from promptreg.lint.result import LintResult
from promptreg.lint.rule import FAMILIES, Rule
from promptreg.report.rules import catalogue
from promptreg.report.terminal import json_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/promptreg/promptreg"
RULES_DOC_URI = "https://github.com/promptreg/promptreg/blob/main/docs/rules.md"
SRCROOT = "%SRCROOT%"

LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}
"""promptreg severity → SARIF level."""


def help_uri(rule: Rule) -> str:
    """The rule's section in docs/rules.md (the anchor its table of rules links to)."""
    return f"{RULES_DOC_URI}#{rule.code.lower()}-{rule.name}"


def _base_uri(cwd: Path) -> str:
    uri = cwd.absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _artifact_location(path: Path, cwd: Path) -> dict[str, str]:
    relative = relative_path(path, cwd)
    if Path(relative).is_absolute():
        # Outside the working directory: an absolute file URI needs no base.
        return {"uri": path.absolute().as_uri()}
    # quote() keeps "/" but escapes ":" and spaces, so no segment reads as a scheme.
    return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}


def _region(start: Position, end: Position) -> dict[str, int]:
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc
    text = f"{rule.summary}\n\n{doc.what}\n\n{doc.why}\n\nFix safety: {doc.fix_safety}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.what},
        "help": {"text": text, "markdown": render_markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family, FAMILIES.get(rule.family, rule.family)]},
    }


def _fix(fix: Fix, location: dict[str, str]) -> dict[str, Any]:
    replacements: list[dict[str, Any]] = []
    for edit in fix.edits:
        replacement: dict[str, Any] = {"deletedRegion": _region(edit.start, edit.end)}
        if edit.text:  # without insertedContent a replacement is a deletion
            replacement["insertedContent"] = {"text": edit.text}
        replacements.append(replacement)
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


def _result(finding: Finding, rule_index: dict[str, int], cwd: Path) -> dict[str, Any]:
    location = _artifact_location(finding.path, cwd)
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    result["level"] = LEVELS[finding.severity]
    result["message"] = {"text": finding.message}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": location,
                "region": _region(finding.span.start, finding.span.end),
            }
        }
    ]
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix, location)]
    return result


def to_sarif(result: LintResult, cwd: Path | None = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict; `cwd` defaults to the working directory."""
    base = cwd if cwd is not None else Path.cwd()
    rules = catalogue()
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "promptreg",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: {"uri": _base_uri(base)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, rule_index, base) for finding in result.findings],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def report(result: LintResult, stream: TextIO, color: bool = False) -> None:
    del color
    stream.write(json_text(to_sarif(result)))
    stream.write("\n")
