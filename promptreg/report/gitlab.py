"""GitLab Code Quality: a JSON array of Code Climate issues for merge-request widgets.

GitLab matches issues between the base and the head pipeline by `fingerprint`, so it is
a hash of what identifies a finding (path, code, line, message) and never of anything
that changes between runs. Identical findings on one line get the occurrence number
mixed in, so fingerprints stay distinct within a report. Paths are relative to the
working directory, which in a GitLab job is the repository root.
"""

from __future__ import annotations

import hashlib
from typing import Any, TextIO

from promptreg.core.paths import relative_path
from promptreg.lint.finding import Finding
from promptreg.lint.result import LintResult
from promptreg.report.terminal import json_text

SEVERITIES: dict[str, str] = {"error": "major", "warning": "minor", "info": "info"}
"""promptreg severity → Code Climate severity."""


def fingerprint(path: str, code: str, line: int, message: str, occurrence: int = 0) -> str:
    parts = [path, code, str(line), message]
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _issue(finding: Finding, path: str, digest: str) -> dict[str, Any]:
    return {
        "description": f"{finding.code} {finding.message}",
        "check_name": finding.code,
        "fingerprint": digest,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": finding.span.line}},
    }


def to_code_quality(result: LintResult) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for finding in result.findings:
        path = relative_path(finding.path)
        occurrence = 0
        digest = fingerprint(path, finding.code, finding.span.line, finding.message)
        while digest in seen:
            occurrence += 1
            digest = fingerprint(path, finding.code, finding.span.line, finding.message, occurrence)
        seen.add(digest)
        issues.append(_issue(finding, path, digest))
    return issues


def report(result: LintResult, stream: TextIO, color: bool = False) -> None:
    del color
    stream.write(json_text(to_code_quality(result)))
    stream.write("\n")
