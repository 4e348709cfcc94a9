"""`promptreg show`: metadata, serving state, unknown and path-like ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.support import BREAKAGES, DRAFT, REPO_REGISTRY, SUMMARIZE, cli


def test_show_an_approved_prompt(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "show", SUMMARIZE)

    assert run.status == 0
    assert run.out.startswith(f"{SUMMARIZE} 1.3.0 ")
    match = re.search(r"content hash: (sha256:[0-9a-f]{64})\n", run.out)
    assert match
    source = (REPO_REGISTRY / f"{SUMMARIZE}.prompt.yaml").read_text(encoding="utf-8")
    assert f"content_hash: {match[1]}\n" in source  # the approved hash is the current one
    assert "ticket_text (string, required, untrusted" in run.out
    assert "customer_tier (string, optional, trusted, one of free|pro|enterprise" in run.out
    assert "served by the SDK: yes\n" in run.out
    assert "{{ ticket_text }}" in run.out


def test_show_json_agrees_with_list(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = json.loads(cli(capsys, "show", SUMMARIZE, "--format", "json").out)
    listed = {e["id"]: e for e in json.loads(cli(capsys, "list", "--format", "json").out)}

    assert shown["served"] is True
    assert shown["refusal"] is None
    assert shown["content_hash"] == listed[SUMMARIZE]["content_hash"]
    assert set(shown["data"]["variables"]) == {"ticket_text", "customer_tier"}


def test_show_a_draft_prompt_says_it_is_not_served(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "show", DRAFT)

    assert run.status == 0
    assert "served by the SDK: no, " in run.out
    assert "'draft'" in run.out.split("served by the SDK: ", 1)[1].split("\n", 1)[0]


def test_show_unknown_id_suggests_the_near_miss(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "show", "support/summarize-tickt")

    assert run.status == 2
    assert "no prompt 'support/summarize-tickt'" in run.err
    assert "did you mean 'support/summarize-ticket'?" in run.err
    assert run.out == ""


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "support/../../promptreg", "/etc/passwd"])
def test_show_refuses_path_like_ids(
    in_repo: Path, capsys: pytest.CaptureFixture[str], bad_id: str
) -> None:
    run = cli(capsys, "show", bad_id)

    assert run.status == 2
    assert f"{bad_id!r} is not a prompt id" in run.err
    assert run.out == ""


def test_show_a_broken_prompt_points_at_the_problem(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)
    [f001] = [b for b in BREAKAGES if b.code == "F001"]
    line, column = f001.expected_position()
    path = broken_project / "registry" / "demo" / "f001.prompt.yaml"

    run = cli(capsys, "show", "demo/f001")

    assert run.status == 2
    assert f"{path}:{line}:{column}: F001 " in run.err
