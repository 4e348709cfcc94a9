"""Every rule's bad and good fixtures, generated from tests/fixtures/rules/<CODE>/.

Layout: `<CODE>/**/bad*.prompt.yaml` must produce exactly the findings of that rule that
are marked on their lines with a trailing `# expect: CODE[, CODE...]` comment (block
scalars take the comment after their `|` indicator); `<CODE>/**/good*.prompt.yaml` must
produce none. A fixture folder may carry its own promptreg.yaml; otherwise
tests/fixtures/rules/promptreg.yaml applies. Only the folder's rule (and the F family,
so a broken fixture cannot pass silently) is selected. A bad fixture that is a directory
(F012: unreadable file) expects the rule on line 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptreg.config import load_config
from promptreg.lint.catalogue import RULES
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"
EXPECT_RE = re.compile(r"#\s*expect:\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*)\s*$")


def _fixture_files(kind: str) -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir()
        for path in sorted(folder.rglob(f"{kind}*.prompt.yaml"))
    ]


def _expected(path: Path, code: str) -> set[tuple[int, str]]:
    if path.is_dir():
        return {(1, code)}
    expected = set()
    text = path.read_bytes().decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT_RE.search(line)
        if match:
            expected |= {(number, c.strip()) for c in match.group(1).split(",")}
    return expected


def _lint(code: str, path: Path) -> set[tuple[int, str]]:
    folder = FIXTURES / code
    config = folder / "promptreg.yaml"
    settings = load_config(config if config.is_file() else FIXTURES / "promptreg.yaml")
    selection = Selection.build(select=[code, "F"])
    findings = Linter(settings, selection).lint_file(path)
    return {(f.span.line, f.code) for f in findings}


def _id(item: tuple[str, Path]) -> str:
    return item[1].relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("item", _fixture_files("bad"), ids=_id)
def test_bad_fixture_yields_exactly_the_marked_findings(item: tuple[str, Path]) -> None:
    code, path = item
    expected = _expected(path, code)
    assert expected, f"{path} marks no expected finding with `# expect: {code}`"
    assert any(c == code for _, c in expected)
    assert _lint(code, path) == expected


@pytest.mark.parametrize("item", _fixture_files("good"), ids=_id)
def test_good_fixture_is_clean(item: tuple[str, Path]) -> None:
    code, path = item
    assert _lint(code, path) == set()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_bad_and_good_fixtures(code: str) -> None:
    folder = FIXTURES / code
    assert any(folder.rglob("bad*.prompt.yaml")), f"no bad fixture for {code} in {folder}"
    assert any(folder.rglob("good*.prompt.yaml")), f"no good fixture for {code} in {folder}"
