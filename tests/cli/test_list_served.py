"""`promptreg list` says whether the SDK would serve each prompt, and why not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from promptreg import Registry
from tests.cli.support import REPO, SUMMARIZE, cli, table_column, table_ids

EDIT = ("Summarize the support ticket", "Summarise the support ticket")


@pytest.fixture
def stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The embedded registry with support/summarize-ticket edited after its approval."""
    root = tmp_path / "copy"
    root.mkdir()
    shutil.copy(REPO / "promptreg.yaml", root)
    shutil.copytree(REPO / "registry", root / "registry")
    path = root / "registry" / f"{SUMMARIZE}.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("      ") and "." in line)
    path.write_text(text.replace(old, old + " Be brief.", 1), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _column(out: str, prompt_id: str, header: str) -> str:
    return dict(zip(table_ids(out), table_column(out, header), strict=True))[prompt_id]


def test_stale_approval_is_listed_as_approved_but_not_served(
    stale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "list", "--status", "approved")

    assert run.status == 0
    assert _column(run.out, SUMMARIZE, "STATUS") == "approved"
    assert _column(run.out, SUMMARIZE, "SERVED") == "no"
    assert "not served by the SDK:" in run.err
    assert f"  {SUMMARIZE}: the approval by " in run.err and "is stale" in run.err
    served = [i for i in table_ids(run.out) if _column(run.out, i, "SERVED") == "yes"]
    assert served and SUMMARIZE not in served


def test_json_carries_served_and_the_reason_as_the_sdk_gives_it(
    stale: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {row["id"]: row for row in json.loads(cli(capsys, "list", "--format", "json").out)}
    registry = Registry.open()

    for prompt_id, row in rows.items():
        try:
            registry.get(prompt_id)
        except Exception as error:  # NotApprovedError: the SDK's own answer
            assert row["served"] is False, prompt_id
            assert row["refusal"] and row["refusal"] in str(error), prompt_id
        else:
            assert row["served"] is True and row["refusal"] is None, prompt_id
    assert rows[SUMMARIZE]["served"] is False
    assert any(row["served"] for row in rows.values())
    assert any(row["status"] == "draft" and not row["served"] for row in rows.values())


def test_json_paths_are_relative_to_the_working_directory_as_lint_prints_them(
    stale: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = json.loads(cli(capsys, "list", "--format", "json").out)
    assert rows[0]["path"].startswith("registry/"), rows[0]["path"]
    assert all((stale / row["path"]).is_file() for row in rows)

    monkeypatch.chdir(stale / "registry")  # a file below the working directory, again
    rows = json.loads(cli(capsys, "list", "--format", "json").out)
    assert rows[0]["path"] == rows[0]["id"] + ".prompt.yaml"
