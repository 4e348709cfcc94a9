"""A draft from `promptreg new` is flagged until its scaffold text is replaced (Q012)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.core.placeholders import PLACEHOLDERS
from tests.cli.support import cli, findings


def test_a_fresh_draft_reports_each_placeholder_as_a_warning(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "new", "support/refund-reply", "--tier", "2").status == 0
    path = initialised / "registry" / "support" / "refund-reply.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    assert all(sentence in text for sentence in PLACEHOLDERS)  # the scaffold writes them

    run = cli(capsys, "lint", "registry/support")

    assert run.status == 0  # warnings: a draft in progress can be committed
    found = findings(run.out)
    assert {f["code"] for f in found} == {"Q012"}
    assert {f["severity"] for f in found} == {"warning"}
    assert {f["line"] for f in found} == {
        number
        for number, line in enumerate(text.splitlines(), 1)
        if any(sentence in line for sentence in PLACEHOLDERS)
    }


def test_replacing_the_placeholders_clears_the_findings(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "new", "support/refund-reply", "--tier", "2").status == 0
    path = initialised / "registry" / "support" / "refund-reply.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    for number, sentence in enumerate(PLACEHOLDERS):
        text = text.replace(sentence, f"Written by the team, part {number}.")
    path.write_text(text, encoding="utf-8")

    run = cli(capsys, "lint", "registry/support")

    assert "Q012" not in run.out
