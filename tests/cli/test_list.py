"""`promptreg list`: every prompt, filters, and files that do not load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.support import DRAFT, HASH, REPO_IDS, SUMMARIZE, cli, table_column, table_ids


def test_list_shows_every_prompt(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "list")

    assert run.status == 0
    assert table_ids(run.out) == REPO_IDS
    assert run.err.startswith(f"{len(REPO_IDS)} of {len(REPO_IDS)} prompts\n")


def test_list_json_entries(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "list", "--format", "json")

    assert run.status == 0
    entries = json.loads(run.out)
    assert [entry["id"] for entry in entries] == REPO_IDS
    for entry in entries:
        assert {"id", "version", "tier", "status", "owner", "content_hash"} <= entry.keys()
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"])
        assert entry["tier"] in (1, 2, 3)
        assert HASH.fullmatch(entry["content_hash"])


@pytest.mark.parametrize(
    ("args", "key", "wanted"),
    [
        (["--tier", "3"], "tier", 3),
        (["--status", "draft"], "status", "draft"),
        (["--owner", "legal-ops"], "owner", "legal-ops"),
        (["--tag", "summarization"], "tags", "summarization"),
    ],
    ids=["tier", "status", "owner", "tag"],
)
def test_list_filters(
    in_repo: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    key: str,
    wanted: object,
) -> None:
    everything = json.loads(cli(capsys, "list", "--format", "json").out)
    expected = [
        e["id"] for e in everything if (wanted in e[key] if key == "tags" else e[key] == wanted)
    ]
    assert 0 < len(expected) < len(everything)

    as_json = cli(capsys, "list", *args, "--format", "json")
    as_table = cli(capsys, "list", *args)

    assert as_json.status == as_table.status == 0
    assert [entry["id"] for entry in json.loads(as_json.out)] == expected
    assert table_ids(as_table.out) == expected
    assert as_table.err.startswith(f"{len(expected)} of {len(REPO_IDS)} prompts")


def test_list_filters_on_known_entries(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tier3 = cli(capsys, "list", "--tier", "3")
    assert set(table_column(tier3.out, "TIER")) == {"3"}
    assert "legal/contract-clause-risk" in table_ids(tier3.out)
    assert SUMMARIZE not in table_ids(tier3.out)

    assert table_ids(cli(capsys, "list", "--status", "draft").out) == [DRAFT]
    assert table_ids(cli(capsys, "list", "--owner", "legal-ops").out) == [
        "legal/contract-clause-risk",
        "legal/dsar-triage",
        "legal/sanctions-screening-note",
    ]
    combined = cli(capsys, "list", "--tier", "2", "--tag", "summarization", "--format", "json")
    assert [entry["id"] for entry in json.loads(combined.out)] == [
        SUMMARIZE,
        "trust/appeal-summary",
    ]


def test_list_notes_files_that_do_not_load(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "list", "--format", "json")

    assert run.status == 0
    listed = [entry["id"] for entry in json.loads(run.out)]
    assert "demo/f001" not in listed
    assert "demo/s001" not in listed
    assert "could not be loaded" in run.err
