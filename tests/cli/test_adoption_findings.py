"""Adopting on an existing corpus: rules that need the organisation's lists stay silent
until the lists exist, and tier 1 gets warnings where tiers 2 and 3 get errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.support import GOOD_PROMPT, cli, findings, write_prompt

LINK = (
    "      You repeat words.\n",
    "      You repeat words. See https://docs.acme-corp.io/words.\n",
)
UNBOUNDED = ("    max_tokens: 10\n", "")  # K003
UNFENCED = ("      <word>\n      {{ word }}\n      </word>\n", "      {{ word }}\n")  # T005


def _lint(project: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict[str, str]:
    write_prompt(project, "demo/echo", text.replace("demo/NAME", "demo/echo"))
    return {f["code"]: f["severity"] for f in findings(cli(capsys, "lint").out)}


def _config(project: Path, old: str, new: str) -> None:
    config = project / "promptreg.yaml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def here(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project)
    return project


def test_links_are_not_reported_until_allowed_domains_exists(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD_PROMPT.replace(*LINK)
    assert "allowed_domains" not in (here / "promptreg.yaml").read_text()
    assert "X202" not in _lint(here, capsys, text)

    _config(here, "lint:\n", "lint:\n  allowed_domains: [example.com]\n")
    assert _lint(here, capsys, text)["X202"] == "error"

    _config(here, "allowed_domains: [example.com]", "allowed_domains: [acme-corp.io]")
    assert "X202" not in _lint(here, capsys, text)


def test_an_empty_allowed_domains_list_allows_none(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(here, "lint:\n", "lint:\n  allowed_domains: []\n")
    assert "X202" in _lint(here, capsys, GOOD_PROMPT.replace(*LINK))


@pytest.mark.parametrize(("tier", "expected"), [(1, "warning"), (2, "error"), (3, "error")])
def test_untrusted_variable_rules_warn_on_tier_1(
    here: Path, capsys: pytest.CaptureFixture[str], tier: int, expected: str
) -> None:
    text = GOOD_PROMPT.replace(*UNBOUNDED).replace(*UNFENCED).replace("tier: 1", f"tier: {tier}")

    found = _lint(here, capsys, text)

    assert found["K003"] == found["T005"] == expected


def test_tier_1_warnings_do_not_fail_the_run(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_prompt(
        here, "demo/echo", GOOD_PROMPT.replace(*UNFENCED).replace("demo/NAME", "demo/echo")
    )
    run = cli(capsys, "lint")
    assert run.status == 0
    assert [f["code"] for f in findings(run.out)] == ["T005"]


def test_configured_severity_wins_over_the_tier(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(here, "lint:\n", "lint:\n  severity: {T005: error}\n")
    assert _lint(here, capsys, GOOD_PROMPT.replace(*UNFENCED))["T005"] == "error"


def test_rule_docs_name_the_tier_severity(capsys: pytest.CaptureFixture[str]) -> None:
    from promptreg.lint.catalogue import RULES

    assert RULES["T005"].severity_label == "error (tier 1: warning)"
    assert RULES["K003"].severity_for(1) == "warning"
    assert RULES["K003"].severity_for(3) == "error"
    assert RULES["T004"].severity_for(1) == "error"  # injection into instructions: always
