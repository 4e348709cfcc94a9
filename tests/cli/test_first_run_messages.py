"""The messages a newcomer meets on a first run: each names the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promptreg.lint.catalogue import RULES
from tests.cli.support import REPO, SUMMARIZE, cli

VARIANCE = "finance/variance-commentary"


@pytest.mark.parametrize(
    ("typed", "meant"), [("lnt", "lint"), ("rendr", "render"), ("lst", "list")]
)
def test_misspelt_command_gets_a_did_you_mean(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    run = cli(capsys, typed)

    assert run.status == 2
    assert f"unknown command {typed!r}; did you mean {meant!r}?" in run.err


def test_unlike_command_lists_nothing_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "xyzzy")
    assert run.status == 2
    assert "did you mean" not in run.err and "--help" in run.err


def test_explain_part_of_a_name_suggests_the_rules_containing_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = cli(capsys, "explain", "untrusted-variable")

    assert run.status == 2
    for code in ("T004", "T005", "K003"):
        assert f"{RULES[code].name!r} ({code})" in run.err
    assert "unused-variable" not in run.err


def test_explain_typo_still_gets_the_closest_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean 'unused-variable'" in cli(capsys, "explain", "unsed-variable").err


def test_new_with_an_unknown_owner_lists_the_owners(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "new", "support/reply", "--tier", "1", "--owner", "nobody")

    assert run.status == 2
    assert "--owner takes one of: my-team" in run.err
    assert not (initialised / "registry" / "support").exists()


def test_config_error_names_the_schema_of_an_adopting_repository(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = initialised / "promptreg.yaml"
    config.write_text(config.read_text() + "unknown_key: 1\n")

    run = cli(capsys, "lint")

    assert run.status == 2
    assert "its schema is .promptreg/schemas/promptreg.schema.json" in run.err
    assert (initialised / ".promptreg/schemas/promptreg.schema.json").is_file()


def test_config_error_in_this_repository_names_its_schemas_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "promptreg.schema.json").write_text("{}")
    (tmp_path / "promptreg.yaml").write_text("unknown_key: 1\n")
    monkeypatch.chdir(tmp_path)

    assert "its schema is schemas/promptreg.schema.json" in cli(capsys, "lint").err


def test_render_refuses_a_value_over_max_tokens(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=" + "word " * 3500)

    assert run.status == 2
    assert re.search(r"ticket_text is [0-9,]+ tokens, over its max_tokens of 3,000", run.err)
    assert run.out == ""


def test_render_takes_a_value_within_max_tokens(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=" + "word " * 500)
    assert run.status == 0, run.err


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf"])
def test_render_refuses_a_number_that_is_not_finite(
    in_repo: Path, capsys: pytest.CaptureFixture[str], raw: str
) -> None:
    run = cli(
        capsys, "render", VARIANCE, "--var", f"threshold_pct={raw}", "--var", "variance_table=x"
    )

    assert run.status == 2
    assert f"threshold_pct must be a finite number, not {float(raw)!r}" in run.err


def test_codeowners_path_outside_the_repository_is_refused(
    initialised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere" / "CODEOWNERS"

    run = cli(capsys, "codeowners", "--path", str(outside))

    assert run.status == 2
    assert "is outside the repository" in run.err
    assert not outside.exists()


def test_docs_name_every_rule_family() -> None:
    families = sorted({rule.family for rule in RULES.values()})
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lint_md = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    assert f"the rule catalogue ({' '.join('FSTGVXKQR')})" in readme
    assert set("FSTGVXKQR") == set(families)
    assert "Nine families" in lint_md
    for family in families:
        assert f"{family} (" in lint_md


def test_docs_cite_no_file_the_repository_lacks() -> None:
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r"\b([A-Z][A-Z_]+\.md)\b", text):
            assert list(REPO.rglob(name)), f"{page.name} cites {name}, which is not here"
