"""T004 and Q005 point at what they report: the variable, the whitespace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import GOOD_PROMPT, cli, findings, locate, write_prompt


def _only(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, code: str
) -> dict[str, Any]:
    write_prompt(project, "demo/echo", text)
    [finding] = [f for f in findings(cli(capsys, "lint").out) if f["code"] == code]
    return finding


@pytest.fixture
def here(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project)
    return project


@pytest.mark.parametrize(
    "line",
    [
        "      You repeat the word {{ word }} exactly once.\n",
        "      You repeat words. {{word|upper}} is the one.\n",
    ],
)
def test_t004_points_at_the_variable(
    here: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    text = GOOD_PROMPT.replace("demo/NAME", "demo/echo").replace(
        "      Repeat the word exactly once.\n", line
    )

    finding = _only(here, capsys, text, "T004")

    offset = text.index(line) + line.index("word", line.index("{{"))
    expected_line = text.count("\n", 0, offset) + 1
    expected_column = offset - text.rfind("\n", 0, offset)
    assert (finding["line"], finding["column"]) == (expected_line, expected_column)
    assert expected_column > 1


def test_q005_points_at_the_whitespace(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD_PROMPT.replace("demo/NAME", "demo/echo").replace(
        "      You repeat words.\n", "      You repeat words.   \n"
    )

    finding = _only(here, capsys, text, "Q005")

    line, column = locate(text, "words.   ")
    assert (finding["line"], finding["column"]) == (line, column + len("words."))
