"""create_prompt and init_registry, called as the TUI would: typed, no command line.

tests/cli covers the commands' output; these cover what the functions return and that
a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.core.errors import UsageError
from promptreg.core.loader import load_prompt
from promptreg.edit.scaffold import create_prompt, init_registry


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_init_registry_writes_every_file_and_says_which(tmp_path: Path) -> None:
    result = init_registry(tmp_path, owner="legal-ops", registry="prompts")

    assert [p.relative_to(tmp_path).as_posix() for p in result.created] == [
        "promptreg.yaml",
        ".promptreg/schemas/prompt.schema.json",
        ".promptreg/schemas/promptreg.schema.json",
        "prompts/examples/summarize-notes.prompt.yaml",
        ".pre-commit-config.yaml",
    ]
    assert sorted(files_below(tmp_path)) == sorted(
        p.relative_to(tmp_path).as_posix() for p in result.created
    )
    assert result.pre_commit_entry is None
    settings = load_config(tmp_path / "promptreg.yaml")
    assert settings.owners == ("legal-ops",)
    example = load_prompt(tmp_path / "prompts/examples/summarize-notes.prompt.yaml")
    assert example.problems == () and example.spec is not None
    assert example.spec.owner == "legal-ops"


def test_init_registry_keeps_an_existing_pre_commit_config(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")

    result = init_registry(tmp_path, owner="my-team", registry="registry")

    assert tmp_path / ".pre-commit-config.yaml" not in result.created
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    assert result.pre_commit_entry is not None
    assert result.pre_commit_entry.startswith("  - repo: https://github.com/promptreg/promptreg\n")
    assert "- id: promptreg-lint" in result.pre_commit_entry


@pytest.mark.parametrize(
    ("existing", "owner", "message"),
    [
        ("promptreg.yaml", "my-team", "refusing to overwrite existing files: promptreg.yaml"),
        (None, "My Team", "--owner 'My Team' must be lower-case words joined by '-'"),
    ],
)
def test_init_registry_refuses_and_writes_nothing(
    tmp_path: Path, existing: str | None, owner: str, message: str
) -> None:
    if existing:
        (tmp_path / existing).write_text("owners: [a]\n", encoding="utf-8")
    before = files_below(tmp_path)
    with pytest.raises(UsageError) as raised:
        init_registry(tmp_path, owner=owner, registry="registry")
    assert raised.value.message == message
    assert files_below(tmp_path) == before


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    init_registry(tmp_path, owner="my-team", registry="registry")
    return tmp_path


def test_create_prompt_writes_a_valid_draft_with_the_defaults(initialised: Path) -> None:
    settings = load_config(initialised / "promptreg.yaml")

    path = create_prompt(settings, "ops/triage", tier=2, today=dt.date(2026, 12, 1))

    assert path == initialised / "registry" / "ops" / "triage.prompt.yaml"
    result = load_prompt(path)
    assert result.problems == () and result.spec is not None
    assert (result.spec.owner, result.spec.model.name) == ("my-team", "gpt-4o-mini")
    assert result.spec.changelog[0].date == "2026-12-01"


@pytest.mark.parametrize(
    ("prompt_id", "options", "message"),
    [
        ("Ops/Triage", {}, "'Ops/Triage' is not a valid prompt id"),
        ("ops/triage", {"owner": "nobody"}, "owner 'nobody' is not listed under owners: in "),
        ("ops/triage", {"model": "gpt-9"}, "model 'gpt-9' is not listed under models: in "),
        ("examples/summarize-notes", {}, "summarize-notes.prompt.yaml already exists"),
    ],
)
def test_create_prompt_refuses_and_writes_nothing(
    initialised: Path, prompt_id: str, options: dict[str, str], message: str
) -> None:
    settings = load_config(initialised / "promptreg.yaml")
    before = files_below(initialised)
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        create_prompt(settings, prompt_id, tier=1, **options)
    assert files_below(initialised) == before
