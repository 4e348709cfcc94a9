"""Terminal escapes in every lint output format.

A pull request names its files and writes the values findings quote. JSON, SARIF and
GitLab reports are also read on terminals (`| less -R`, CI logs that draw ANSI), and
GitHub's workflow commands are printed straight into the job log. So no format may
carry a raw ESC, C1 control (U+0080-U+009F, U+009B is a one-byte CSI) or bidirectional
control: JSON writes them as `\\uXXXX` escapes (the data unchanged), the text and
GitHub formats as visible `\\x1b` escapes.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from promptreg.core.location import Position, Span
from promptreg.lint.finding import Finding
from promptreg.lint.runner import LintResult
from promptreg.report import REPORTERS
from promptreg.report.terminal import json_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HOSTILE_NAME = "ev\x1b[2Jil\u009b7m.prompt.yaml"
JSON_FORMATS = ("json", "sarif", "gitlab")


def _hostile_prompt(root: Path) -> Path:
    text = (FIXTURES / "X001" / "good.prompt.yaml").read_text(encoding="utf-8")
    text = text.replace("owner: support-platform", r'owner: "evil\e[31mred\u009b2J"')
    text = text.replace(
        '"<config>{{ config_text }}</config>"', r'"<config>{{ config_text \u009b[2J }}</config>"'
    )
    path = root / HOSTILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def hostile_root(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "promptreg.yaml", tmp_path / "promptreg.yaml")
    _hostile_prompt(tmp_path)
    return tmp_path


def _lint(root: Path, fmt: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "promptreg", "lint", "--no-cache", "--format", fmt, "."],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env={"PATH": os.environ["PATH"], "HOME": str(root), "NO_COLOR": "1"},
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["text", "github", *JSON_FORMATS])
def test_no_format_writes_raw_control_characters(hostile_root: Path, fmt: str) -> None:
    out = _lint(hostile_root, fmt)
    assert "S004" in out and "T001" in out  # the owner and the template were reported
    assert RAW.findall(out) == []


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_text_formats_show_the_escapes(hostile_root: Path, fmt: str) -> None:
    out = _lint(hostile_root, fmt)
    assert r"ev\x1b[2Jil\x9b7m.prompt.yaml" in out


def test_json_keeps_the_data_unchanged(hostile_root: Path) -> None:
    report = json.loads(_lint(hostile_root, "json"))
    assert {finding["path"] for finding in report["findings"]} == {HOSTILE_NAME}
    issues = json.loads(_lint(hostile_root, "gitlab"))
    assert {issue["location"]["path"] for issue in issues} == {HOSTILE_NAME}
    sarif = json.loads(_lint(hostile_root, "sarif"))
    assert sarif["runs"][0]["results"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _finding(path: Path, message: str) -> Finding:
    span = Span(Position(8, 1), Position(8, 30))
    return Finding(path, span, "S004", message, "unknown-owner", "error")


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_a_raw_message_is_escaped_by_every_reporter(tmp_path: Path, name: str) -> None:
    """A message that quotes hostile text without `repr` (any rule, now or later) is
    escaped by the writer itself; on a terminal the source line is too."""
    path = _hostile_prompt(tmp_path)
    message = "owner \x1b[31mred\u009b2J\x1b]52;c;SGk=\x07 \u202eevil\u2028 is unknown"
    result = LintResult((_finding(path, message),), 1)
    stream = _Terminal()
    REPORTERS[name](result, stream, True)
    out = stream.getvalue()
    colours = {"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m"}
    for colour in colours if name == "text" else ():  # promptreg's own colours only
        out = out.replace(colour, "")
    assert RAW.findall(out) == []
    assert "red" in out and "is unknown" in out
    if name in JSON_FORMATS:
        assert any(message in text for text in _strings(json.loads(out)))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def test_json_text_escapes_astral_characters_as_surrogate_pairs() -> None:
    value = {"tag": "a\U000e0041b", "plain": "é ✓ 日本"}
    text = json_text(value, indent=None)
    assert "\\udb40\\udc41" in text and "é ✓ 日本" in text
    assert json.loads(text) == value
