"""Machine-readable findings. The shape is documented in docs/lint.md and kept stable:
fields are added, never renamed or removed, and `version` changes if that ever breaks."""

from __future__ import annotations

from typing import TextIO

from promptreg.lint.result import LintResult
from promptreg.report.terminal import json_text

FORMAT_VERSION = 1


def report(result: LintResult, stream: TextIO, color: bool = False) -> None:
    del color
    payload = {
        "version": FORMAT_VERSION,
        "files_checked": result.files_checked,
        "summary": {s: result.count(s) for s in ("error", "warning", "info")},
        "findings": [finding.to_json() for finding in result.findings],
    }
    stream.write(json_text(payload) + "\n")
