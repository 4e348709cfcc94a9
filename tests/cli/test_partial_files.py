"""A schema problem in some keys does not hide the findings of families that read others."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.core.partial import partial_spec
from promptreg.core.yamlio import read_document
from promptreg.lint.families import FAMILY_INPUTS, intact
from tests.cli.support import BREAKAGES, GOOD_PROMPT, Breakage, cli, findings, write_prompt

WRONG_TAG = ("status: draft\n", "status: draft\ntags: [Internal]\n")
"""A tag in the wrong case: the S001 that used to hide everything else."""

OTHERS = [b for b in BREAKAGES if b.code[0] not in "F" and b.code not in ("S001", "S003")]


@pytest.mark.parametrize("breakage", OTHERS, ids=[b.code for b in OTHERS])
def test_a_wrong_tag_hides_no_other_family(
    breakage: Breakage,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = breakage.text().replace(*WRONG_TAG)
    write_prompt(project, f"demo/{breakage.name}", text)
    monkeypatch.chdir(project)

    codes = sorted(f["code"] for f in findings(cli(capsys, "lint").out))

    assert codes == sorted(["S001", breakage.code])


def test_several_families_reported_beside_the_schema_finding(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        GOOD_PROMPT.replace("demo/NAME", "demo/echo")
        .replace(*WRONG_TAG)
        .replace("owner: support-platform", "owner: suport-platform")  # S004
        .replace("      {{ word }}\n", "      {{ word }} {{ wrod }}\n")  # T002
    )
    write_prompt(project, "demo/echo", text)
    monkeypatch.chdir(project)

    codes = {f["code"] for f in findings(cli(capsys, "lint").out)}

    assert {"S001", "S004", "T002"} <= codes


def test_a_family_that_reads_the_failing_key_stays_silent(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        GOOD_PROMPT.replace("demo/NAME", "demo/echo")
        .replace("owner: support-platform", "owner: suport-platform")  # S004
        .replace("  - role: user\n", "  - role: usr\n")  # messages fail the schema
    )
    write_prompt(project, "demo/echo", text)
    monkeypatch.chdir(project)

    codes = {f["code"] for f in findings(cli(capsys, "lint").out)}

    assert "S001" in codes and "S004" in codes
    assert not any(code[0] in "TKQ" for code in codes)  # they read the messages


def test_partial_spec_keeps_the_real_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.prompt.yaml"
    path.write_text(GOOD_PROMPT.replace("demo/NAME", "demo/a").replace(*WRONG_TAG))
    partial = partial_spec(read_document(path))
    assert partial is not None
    spec, failing = partial
    assert failing == {"tags"}
    assert spec.tags == ()
    from promptreg.core.hashing import content_hash

    assert spec.content_hash == content_hash(read_document(path).value)


def test_a_document_wrong_as_a_whole_has_no_partial_spec(tmp_path: Path) -> None:
    path = tmp_path / "a.prompt.yaml"
    path.write_text("- just\n- a list\n")
    assert partial_spec(read_document(path)) is None


def test_families_without_inputs_never_run_on_a_partial_file() -> None:
    assert not intact("F001", frozenset({"tags"}))
    assert not intact("R001", frozenset({"tags"}))
    assert intact("T002", frozenset({"tags"}))
    assert not intact("G001", frozenset({"tags"}))
    assert set(FAMILY_INPUTS) == set("STGVXKQ")
