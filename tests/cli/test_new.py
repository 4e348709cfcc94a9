"""`promptreg new`: a lint-clean prompt with what its tier requires."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from promptreg.core.config import load_config
from tests.cli.support import cli, findings, modeline_target, snapshot


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_new_scaffolds_a_lint_clean_prompt_with_what_the_tier_requires(
    initialised: Path, capsys: pytest.CaptureFixture[str], tier: int
) -> None:
    prompt_id = f"ops/tier{tier}-triage"
    path = initialised / "registry" / f"{prompt_id}.prompt.yaml"

    run = cli(capsys, "new", prompt_id, "--tier", str(tier))

    assert run.status == 0
    assert run.out == f"created {path}\n"
    assert path.is_file()
    assert modeline_target(path) == initialised / ".promptreg/schemas/prompt.schema.json"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    policy = load_config(initialised / "promptreg.yaml").tier(tier)
    assert data["id"] == prompt_id
    assert data["tier"] == tier
    assert data["status"] == "draft"
    assert data["owner"] == "my-team"
    assert data["model"]["name"] == "gpt-4o-mini"
    assert len(data["evals"]) >= max(policy.min_evals, 1)
    if tier >= 2:
        for key in ("handoff", "limitations", "changelog"):
            assert data[key], key
        assert data["logging"] == policy.logging
    if tier == 3:
        assert policy.min_evals == 3
        assert len(data["evals"]) >= 3

    # Only the scaffold's placeholders are reported (Q012, warnings): nothing to fix
    # but the text a person must write.
    single = cli(capsys, "lint", str(path))
    assert single.status == 0, single.out
    assert {f["code"] for f in findings(single.out)} == {"Q012"}
    assert "error" not in single.out.splitlines()[-1]
    whole = cli(capsys, "lint")
    assert whole.status == 0, whole.out
    assert "in 2 files." in whole.out
    assert {f["code"] for f in findings(whole.out)} == {"Q012"}


def test_new_refuses_an_existing_id_and_keeps_the_file(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "new", "ops/triage", "--tier", "2").status == 0
    path = initialised / "registry" / "ops" / "triage.prompt.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    before = snapshot(initialised)

    run = cli(capsys, "new", "ops/triage", "--tier", "2")

    assert run.status == 2
    assert "already exists" in run.err
    assert str(path) in run.err
    assert snapshot(initialised) == before


@pytest.mark.parametrize(
    ("args", "mentioned"),
    [
        (["Bad/ID", "--tier", "1"], "'Bad/ID' is not a valid prompt id"),
        (["ops/triage", "--tier", "1", "--owner", "nobody"], "owner 'nobody'"),
        (["ops/triage", "--tier", "1", "--model", "gpt-9"], "model 'gpt-9'"),
    ],
    ids=["invalid-id", "unknown-owner", "unknown-model"],
)
def test_new_rejects_bad_arguments_without_writing(
    initialised: Path, capsys: pytest.CaptureFixture[str], args: list[str], mentioned: str
) -> None:
    before = snapshot(initialised)

    run = cli(capsys, "new", *args)

    assert run.status == 2
    assert mentioned in run.err
    assert run.out == ""
    assert snapshot(initialised) == before


def test_new_from_a_subdirectory_writes_into_the_registry(
    initialised: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(initialised / "registry" / "examples")

    run = cli(capsys, "new", "ops/triage", "--tier", "1")

    assert run.status == 0
    assert (initialised / "registry" / "ops" / "triage.prompt.yaml").is_file()
    assert not (initialised / "registry" / "examples" / "registry").exists()
