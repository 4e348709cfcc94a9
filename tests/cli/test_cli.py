"""The `promptreg` command line: every subcommand, its exit status and its messages.

Most tests call `main([...])` in process against real files in a temporary directory;
a few run the installed entry points (`python -m promptreg` and the `promptreg`
console script) to prove the command works end to end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptreg import __version__
from promptreg.cli.main import COMMANDS, main
from promptreg.core.config import load_config
from promptreg.lint.catalogue import RULES

REPO = Path(__file__).resolve().parents[2]
REPO_REGISTRY = REPO / "registry"
REPO_IDS = sorted(
    path.relative_to(REPO_REGISTRY).as_posix().removesuffix(".prompt.yaml")
    for path in REPO_REGISTRY.rglob("*.prompt.yaml")
)
SUMMARIZE = "support/summarize-ticket"
DRAFT = "research/literature-digest"
INIT_FILES = (
    "promptreg.yaml",
    ".pre-commit-config.yaml",
    ".promptreg/schemas/prompt.schema.json",
    ".promptreg/schemas/promptreg.schema.json",
    "registry/examples/summarize-notes.prompt.yaml",
)
RULE_CODES = tuple(RULES)
FINDING_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>[A-Z]\d{3}) "
    r"\[(?P<severity>error|warning|info)\] (?P<message>.+)$"
)
HASH = re.compile(r"sha256:[0-9a-f]{64}")


# --- helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    """Run `promptreg ARGS` in process; no invocation may ever print a traceback."""
    capsys.readouterr()
    try:
        status = main(list(args))
    except SystemExit as exc:  # argparse leaves this way for --help and --version
        status = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "Traceback" not in captured.out
    return Run(status, captured.out, captured.err)


def run_entry_point(command: list[str], cwd: Path, tmp_path: Path) -> Run:
    """Run an installed entry point as a separate process, without colour."""
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def console_script() -> str:
    script = Path(sys.executable).parent / "promptreg"
    assert script.is_file(), (
        f"the promptreg console script is not installed next to {sys.executable}"
    )
    return str(script)


def findings(text: str) -> list[dict[str, Any]]:
    """The `path:line:col: CODE [severity] message` lines of text output, parsed."""
    parsed = []
    for line in text.splitlines():
        match = FINDING_LINE.match(line)
        if match:
            parsed.append(
                {
                    "path": match["path"],
                    "line": int(match["line"]),
                    "column": int(match["column"]),
                    "code": match["code"],
                    "severity": match["severity"],
                    "message": match["message"],
                }
            )
    return parsed


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `root` with its bytes and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def modeline_target(prompt_file: Path) -> Path:
    first = prompt_file.read_text(encoding="utf-8").split("\n", 1)[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    return (prompt_file.parent / first.removeprefix(prefix)).resolve()


# --- a tmp registry with the repository's standards and hand-made prompt files ---------

GOOD_PROMPT = """\
# yaml-language-server: $schema=../../schemas/prompt.schema.json
id: demo/NAME
version: 1.0.0
title: Echo a word
description: Repeats the word it is given.
owner: support-platform
tier: 1
status: draft
model:
  name: gpt-4o-mini
  temperature: 0.2
variables:
  word:
    type: string
    description: The word to repeat.
    max_tokens: 10
messages:
  - role: system
    content: |
      You repeat words.
      Repeat the word exactly once.
  - role: user
    content: |
      Word:
      <word>
      {{ word }}
      </word>
"""


@dataclass(frozen=True)
class Breakage:
    """One edit to GOOD_PROMPT and the single finding it must cause, and where."""

    code: str
    old: str
    new: str
    needle: str
    message: str
    occurrence: int = 1
    offset: int = 0
    column: int | None = None

    @property
    def name(self) -> str:
        return self.code.lower()

    def text(self) -> str:
        assert self.old in GOOD_PROMPT
        return GOOD_PROMPT.replace(self.old, self.new, 1).replace("demo/NAME", f"demo/{self.name}")

    def expected_position(self) -> tuple[int, int]:
        line, column = locate(self.text(), self.needle, self.occurrence)
        return line, self.column if self.column is not None else column + self.offset


BREAKAGES = (
    Breakage(  # at the id value
        "S002", "id: demo/NAME", "id: demo/renamed", "demo/renamed", "it must be 'demo/s002'"
    ),
    Breakage(  # at the owner value
        "S004",
        "owner: support-platform",
        "owner: suport-platform",
        "suport-platform",
        "did you mean 'support-platform'?",
    ),
    Breakage(  # at model.name's value
        "S005", "  name: gpt-4o-mini", "  name: gpt-5-ultra", "gpt-5-ultra", "'gpt-5-ultra'"
    ),
    Breakage(  # at the misspelt key
        "S001", "  temperature: 0.2", "  temprature: 0.2", "temprature", "'temprature'"
    ),
    Breakage(  # at the second colon, where the YAML parser gives up
        "F001", "title: Echo a word", "title: Echo: a word", ": a word", "YAML syntax error"
    ),
    Breakage(  # at the file line that reads the variable, inside the block scalar
        "T002",
        "      {{ word }}\n",
        "      {{ word }} in a {{ tone }} voice\n",
        "{{ word }} in a",
        "message 2 uses variable 'tone'",
        column=1,
    ),
    Breakage(  # at the file line of the bad template line, inside the block scalar
        "T001",
        "      Repeat the word exactly once.",
        "      Repeat the word {{ word ) }} once.",
        "{{ word ) }}",
        "template syntax error",
        column=1,
    ),
)


def write_prompt(root: Path, prompt_id: str, text: str) -> Path:
    path = root / "registry" / f"{prompt_id}.prompt.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory with the repository's promptreg.yaml and an empty registry."""
    root = tmp_path / "project"
    (root / "registry").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    return root


@pytest.fixture
def broken_project(project: Path) -> Path:
    """`project` with one file per breakage."""
    for breakage in BREAKAGES:
        write_prompt(project, f"demo/{breakage.name}", breakage.text())
    return project


@pytest.fixture(autouse=True)
def crash_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the CLI would write a crash log: a private directory, not the shared /tmp."""
    directory = tmp_path_factory.mktemp("crash")
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def initialised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    root = tmp_path / "fresh"
    root.mkdir()
    monkeypatch.chdir(root)
    assert cli(capsys, "init").status == 0
    return root


# --- init ------------------------------------------------------------------------------


def test_init_creates_the_scaffold_and_it_lints_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init")

    assert run.status == 0
    assert sorted(snapshot(tmp_path)) == sorted(INIT_FILES)
    for name in INIT_FILES:
        assert f"created {name}\n" in run.out
    for schema in ("prompt.schema.json", "promptreg.schema.json"):
        copied = tmp_path / ".promptreg" / "schemas" / schema
        assert copied.read_bytes() == (REPO / "schemas" / schema).read_bytes()
    assert load_config(tmp_path / "promptreg.yaml").owners == ("my-team",)

    lint = cli(capsys, "lint")
    assert lint.status == 0
    assert "All checks passed (1 file)." in lint.out


def test_init_example_modeline_points_at_the_copied_schema(initialised: Path) -> None:
    example = initialised / "registry" / "examples" / "summarize-notes.prompt.yaml"

    assert modeline_target(example) == initialised / ".promptreg/schemas/prompt.schema.json"


def test_second_init_refuses_and_changes_nothing(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(initialised)

    run = cli(capsys, "init")

    assert run.status == 2
    assert "refusing to overwrite" in run.err
    for name in INIT_FILES:
        if name != ".pre-commit-config.yaml":  # an existing one is kept, never refused
            assert name in run.err
    assert run.out == ""
    assert snapshot(initialised) == before


def test_init_writes_nothing_when_any_one_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "promptreg.yaml").write_text("owners: [a]\n", encoding="utf-8")
    before = snapshot(tmp_path)

    run = cli(capsys, "init")

    assert run.status == 2
    assert "refusing to overwrite existing files: promptreg.yaml\n" in run.err
    assert snapshot(tmp_path) == before


def test_init_keeps_an_existing_pre_commit_config_and_prints_the_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text("repos: []\n", encoding="utf-8")

    run = cli(capsys, "init")

    assert run.status == 0
    assert config.read_text(encoding="utf-8") == "repos: []\n"
    assert "left alone; add this under repos:" in run.out
    assert "- id: promptreg-lint" in run.out
    assert (tmp_path / "promptreg.yaml").is_file()


def test_init_with_owner_and_registry_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init", "--owner", "legal-ops", "--registry", "prompts")

    assert run.status == 0
    settings = load_config(tmp_path / "promptreg.yaml")
    assert settings.owners == ("legal-ops",)
    assert settings.registry_dir == tmp_path / "prompts"
    example = tmp_path / "prompts" / "examples" / "summarize-notes.prompt.yaml"
    assert "owner: legal-ops\n" in example.read_text(encoding="utf-8")
    assert "id: promptreg-lint" in (tmp_path / ".pre-commit-config.yaml").read_text(
        encoding="utf-8"
    )
    assert cli(capsys, "lint").status == 0


def test_init_rejects_a_bad_owner_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "init", "--owner", "Legal Ops")

    assert run.status == 2
    assert "'Legal Ops'" in run.err
    assert list(tmp_path.iterdir()) == []


# --- new -------------------------------------------------------------------------------


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

    single = cli(capsys, "lint", str(path))
    assert single.status == 0, single.out
    assert "All checks passed (1 file)." in single.out
    whole = cli(capsys, "lint")
    assert whole.status == 0, whole.out
    assert "All checks passed (2 files)." in whole.out


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


# --- lint on the embedded registry -------------------------------------------------------


def test_lint_embedded_registry_passes(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "lint")

    assert run.status == 0
    assert run.out == f"All checks passed ({len(REPO_IDS)} files).\n"
    assert run.err == ""


def test_lint_embedded_registry_as_json(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "lint", "--format", "json")

    assert run.status == 0
    report = json.loads(run.out)
    assert report["version"] == 1
    assert report["files_checked"] == len(REPO_IDS) >= 15
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert report["findings"] == []


def test_lint_finds_the_config_from_a_subdirectory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_REGISTRY / "support")

    run = cli(capsys, "lint")

    assert run.status == 0
    assert f"({len(REPO_IDS)} files)" in run.out


# --- lint findings: place, code, format, selection ------------------------------------


def test_the_unbroken_prompt_lints_clean(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_prompt(project, "demo/good", GOOD_PROMPT.replace("demo/NAME", "demo/good"))
    monkeypatch.chdir(project)

    run = cli(capsys, "lint")

    assert run.status == 0, run.out
    assert run.out == "All checks passed (1 file).\n"


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.code for b in BREAKAGES])
def test_lint_reports_the_exact_place(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breakage: Breakage,
) -> None:
    path = write_prompt(project, f"demo/{breakage.name}", breakage.text())
    monkeypatch.chdir(project)
    line, column = breakage.expected_position()

    text = cli(capsys, "lint")

    assert text.status == 1
    [finding] = findings(text.out)
    assert (finding["path"], finding["line"], finding["column"]) == (str(path), line, column)
    assert (finding["code"], finding["severity"]) == (breakage.code, "error")
    assert f"{path}:{line}:{column}: {breakage.code} [error] " in text.out
    assert breakage.message in text.out
    assert text.out.endswith("Found 1 finding (1 error) in 1 file.\n")

    as_json = cli(capsys, "lint", "--format", "json")

    assert as_json.status == 1
    report = json.loads(as_json.out)
    assert report["files_checked"] == 1
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0}
    [entry] = report["findings"]
    assert (entry["path"], entry["line"], entry["column"]) == (path.as_posix(), line, column)
    assert (entry["code"], entry["severity"]) == (breakage.code, "error")
    assert breakage.message in entry["message"]


def test_lint_t001_line_in_a_folded_block_scalar(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD_PROMPT.replace("demo/NAME", "demo/folded").replace(
        "    content: |\n      You repeat words.\n      Repeat the word exactly once.\n",
        "    content: >\n      You repeat words\n      politely.\n\n"
        "      Repeat the word {{ word ) }} once.\n",
    )
    path = write_prompt(project, "demo/folded", text)
    monkeypatch.chdir(project)
    line, _ = locate(text, "{{ word ) }}")

    run = cli(capsys, "lint")

    assert run.status == 1
    assert f"{path}:{line}:1: T001 [error] " in run.out


def test_text_and_json_report_the_same_findings(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    text = cli(capsys, "lint")
    as_json = cli(capsys, "lint", "--format", "json")

    assert text.status == as_json.status == 1
    from_text = [(f["path"], f["line"], f["column"], f["code"]) for f in findings(text.out)]
    report = json.loads(as_json.out)
    from_json = [(f["path"], f["line"], f["column"], f["code"]) for f in report["findings"]]
    assert from_text == from_json
    assert sorted(code for *_, code in from_text) == sorted(b.code for b in BREAKAGES)
    assert report["files_checked"] == len(BREAKAGES)
    n = len(BREAKAGES)
    assert text.out.endswith(f"Found {n} findings ({n} errors) in {n} files.\n")


@pytest.mark.parametrize("selector", ["S004", "unknown-owner"])
def test_lint_select_limits_the_rules(
    broken_project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    selector: str,
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--select", selector)

    assert run.status == 1
    assert [f["code"] for f in findings(run.out)] == ["S004"]


def test_lint_ignore_drops_a_family(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--ignore", "S")

    assert run.status == 1
    assert sorted(f["code"] for f in findings(run.out)) == ["F001", "T001", "T002"]


def test_lint_exit_zero_still_reports(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--exit-zero")

    assert run.status == 0
    assert len(findings(run.out)) == len(BREAKAGES)


def test_lint_unknown_selector_is_a_usage_error(
    broken_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(broken_project)

    run = cli(capsys, "lint", "--select", "Z9")

    assert run.status == 2
    assert "'Z9'" in run.err
    assert "matches no rule" in run.err
    assert run.out == ""


# --- configuration errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["lint"],
        ["list"],
        ["show", SUMMARIZE],
        ["render", SUMMARIZE],
        ["new", "ops/triage", "--tier", "1"],
    ],
    ids=lambda args: args[0],
)
def test_no_config_anywhere_is_a_config_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    here = tmp_path.resolve()
    assert not any((d / "promptreg.yaml").exists() for d in (here, *here.parents))
    monkeypatch.chdir(here)

    run = cli(capsys, *args)

    assert run.status == 2
    assert "no promptreg.yaml found" in run.err
    assert "promptreg init" in run.err
    assert run.out == ""
    assert list(here.iterdir()) == []


def test_invalid_config_value_is_reported_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "promptreg.yaml"
    config.write_text("registry: registry\nowners: 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "lint")

    assert run.status == 2
    assert f"{config.resolve()}:2:9: invalid configuration" in run.err
    assert "owners" in run.err


def test_tier_group_missing_from_reviewers_is_reported_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO / "promptreg.yaml").read_text(encoding="utf-8")
    assert "groups: [compliance]" in text
    text = text.replace("groups: [compliance]", "groups: [auditors]")
    config = tmp_path / "promptreg.yaml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    line, column = locate(text, "[auditors]")

    run = cli(capsys, "list")

    assert run.status == 2
    assert f"{config.resolve()}:{line}:{column}: " in run.err
    assert "'auditors'" in run.err
    assert "reviewers" in run.err


def test_config_option_works_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    config = str(REPO / "promptreg.yaml")

    lint = cli(capsys, "lint", "--config", config)
    listing = cli(capsys, "list", "--config", config, "--format", "json")

    assert lint.status == 0
    assert f"All checks passed ({len(REPO_IDS)} files)." in lint.out
    assert listing.status == 0
    assert [entry["id"] for entry in json.loads(listing.out)] == REPO_IDS


def test_config_option_naming_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    run = cli(capsys, "lint", "--config", str(tmp_path / "elsewhere.yaml"))

    assert run.status == 2
    assert "elsewhere.yaml does not exist" in run.err


# --- list ------------------------------------------------------------------------------


def table_ids(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "VERSION", "TIER", "STATUS", "OWNER", "TITLE", "EVALS"]
    return [line.split()[0] for line in lines[1:]]


def table_column(out: str, header: str) -> list[str]:
    lines = out.splitlines()
    index = lines[0].split().index(header)
    return [line.split()[index] for line in lines[1:]]


def test_list_shows_every_prompt(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "list")

    assert run.status == 0
    assert table_ids(run.out) == REPO_IDS
    assert run.err == f"{len(REPO_IDS)} of {len(REPO_IDS)} prompts\n"


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


# --- show ------------------------------------------------------------------------------


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


# --- render ----------------------------------------------------------------------------


def test_render_text(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(
        capsys,
        "render",
        SUMMARIZE,
        "--var",
        "ticket_text=Order 1234 arrived with a cracked screen.",
        "--var",
        "customer_tier=enterprise",
    )

    assert run.status == 0
    assert run.err == ""
    assert run.out.startswith("--- system ---\nYou summarise customer support tickets")
    user = run.out.split("--- user ---\n", 1)[1]
    assert user == (
        "Customer tier: enterprise\n\n<ticket>\n"
        "Order 1234 arrived with a cracked screen.\n</ticket>\n\n"
    )


def test_render_json_fills_defaults(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(
        capsys, "render", SUMMARIZE, "--var", "ticket_text=Where is order 77?", "--format", "json"
    )

    assert run.status == 0
    messages = json.loads(run.out)
    assert [set(m) for m in messages] == [{"role", "content"}] * 2
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "Customer tier: free\n" in messages[1]["content"]
    assert "<ticket>\nWhere is order 77?\n</ticket>" in messages[1]["content"]


def test_render_openai_kwargs(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    var = ["--var", "ticket_text=Where is order 77?"]
    messages = json.loads(cli(capsys, "render", SUMMARIZE, *var, "--format", "json").out)

    run = cli(capsys, "render", SUMMARIZE, *var, "--format", "openai")

    assert run.status == 0
    kwargs = json.loads(run.out)
    assert kwargs["model"] == "gpt-4o-mini"
    assert kwargs["messages"] == messages
    assert kwargs["temperature"] == 0.2
    assert kwargs["max_completion_tokens"] == 400
    assert kwargs["response_format"]["type"] == "json_schema"
    schema = yaml.safe_load((REPO_REGISTRY / f"{SUMMARIZE}.prompt.yaml").read_text())["output"][
        "schema"
    ]
    assert kwargs["response_format"]["json_schema"]["schema"] == schema
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", kwargs["response_format"]["json_schema"]["name"])


def test_render_openai_for_text_output_has_no_response_format(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=retrieval",
        "--var",
        'abstracts=["Paper A. Finds X."]',
        "--format",
        "openai",
    )

    assert run.status == 0
    kwargs = json.loads(run.out)
    assert kwargs["model"] == "gpt-4.1-mini"
    assert "response_format" not in kwargs


def test_render_reports_every_variable_problem_at_once(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "customer_tier=gold")

    assert run.status == 2
    assert "2 variable problems" in run.err
    assert "ticket_text is required" in run.err
    assert "customer_tier must be one of 'free', 'pro', 'enterprise', not 'gold'" in run.err
    assert run.out == ""


def test_render_rejects_a_misspelt_variable(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=Hi", "--var", "customer_teir=pro")

    assert run.status == 2
    assert "customer_teir is not a variable of this prompt" in run.err


def test_render_rejects_a_var_without_value(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text")

    assert run.status == 2
    assert "is not NAME=VALUE" in run.err


def test_render_vars_file_and_var_override(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vars_file = tmp_path / "vars.yaml"
    vars_file.write_text(
        "ticket_text: |\n  Order 99 broke.\n  Please help.\ncustomer_tier: pro\n", encoding="utf-8"
    )

    from_file = cli(capsys, "render", SUMMARIZE, "--vars-file", str(vars_file), "--format", "json")
    overridden = cli(
        capsys,
        "render",
        SUMMARIZE,
        "--vars-file",
        str(vars_file),
        "--var",
        "customer_tier=enterprise",
        "--format",
        "json",
    )

    assert from_file.status == overridden.status == 0
    user = json.loads(from_file.out)[1]["content"]
    assert "Customer tier: pro\n" in user
    assert "<ticket>\nOrder 99 broke.\nPlease help.\n" in user
    assert "Customer tier: enterprise\n" in json.loads(overridden.out)[1]["content"]


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        ("a: &x hello\nticket_text: *x\n", "&x", "anchor"),
        ("- ticket_text\n", "- ticket_text", "must be a mapping"),
        ("ticket_text: [unclosed\n", "", "YAML syntax error"),
    ],
    ids=["alias", "not-a-mapping", "syntax"],
)
def test_render_malformed_vars_file(
    in_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    needle: str,
    message: str,
) -> None:
    vars_file = tmp_path / "vars.yaml"
    vars_file.write_text(text, encoding="utf-8")

    run = cli(capsys, "render", SUMMARIZE, "--vars-file", str(vars_file))

    assert run.status == 2
    assert message in run.err
    if needle:
        line, column = locate(text, needle)
        assert f"{vars_file}:{line}:{column}: " in run.err
    else:
        assert re.search(rf"{re.escape(str(vars_file))}:\d+:\d+: ", run.err)
    assert run.out == ""


def test_render_approved_only_refuses_a_draft(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=x",
        "--var",
        'abstracts=["A. B."]',
        "--approved-only",
    )

    assert run.status == 2
    assert "not approved" in run.err
    assert run.out == ""


def test_render_a_draft_warns_but_renders(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(
        capsys,
        "render",
        DRAFT,
        "--var",
        "focus=retrieval evaluation",
        "--var",
        'abstracts=["Paper A. Finds X.", "Paper B. Finds Y."]',
    )

    assert run.status == 0
    assert run.err.startswith(f"warning: {DRAFT} is not served by the SDK")
    assert "<focus>\nretrieval evaluation\n</focus>" in run.out
    assert "<abstract>\nPaper A. Finds X.\n</abstract>" in run.out
    assert "<abstract>\nPaper B. Finds Y.\n</abstract>" in run.out


def test_render_approved_only_serves_an_approved_prompt(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "render", SUMMARIZE, "--var", "ticket_text=Hi", "--approved-only")

    assert run.status == 0
    assert run.err == ""


def test_render_help_examples_use_declared_variables(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    help_text = cli(capsys, "render", "--help").out
    examples = re.findall(r"^\s+promptreg render (\S+)(.*)$", help_text, flags=re.MULTILINE)
    assert examples
    for prompt_id, rest in examples:
        declared = json.loads(cli(capsys, "show", prompt_id, "--format", "json").out)["data"][
            "variables"
        ]
        for name in re.findall(r"--var '?([A-Za-z_][A-Za-z0-9_]*)=", rest):
            assert name in declared, f"{prompt_id} has no variable {name!r}"


# --- rules and explain -----------------------------------------------------------------


def test_rules_table_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "rules")

    assert run.status == 0
    assert table_column(run.out, "CODE") == sorted(RULE_CODES)


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "rules", "--format", "json")

    assert run.status == 0
    rules = json.loads(run.out)
    assert [rule["code"] for rule in rules] == sorted(RULE_CODES)
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["S002"]["name"] == "id-path-mismatch"
    assert by_code["S006"]["severity"] == "warning"
    for rule in rules:
        assert rule["family"] == rule["code"][0]
        assert rule["docs"]["what_it_checks"]
        assert rule["docs"]["use_instead"]


def test_explain_by_code_and_by_name_agree(capsys: pytest.CaptureFixture[str]) -> None:
    by_code = cli(capsys, "explain", "S002")
    by_name = cli(capsys, "explain", "id-path-mismatch")

    assert by_code.status == by_name.status == 0
    assert by_code.out == by_name.out
    assert by_code.out.startswith("## S002 id-path-mismatch\n")
    for section in ("What it checks", "Why it matters", "Example", "Use instead"):
        assert f"\n### {section}\n" in by_code.out
    assert "id: support/summarise-ticket" in by_code.out


def test_explain_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    rules = json.loads(cli(capsys, "rules", "--format", "json").out)
    for rule in rules:
        by_code = cli(capsys, "explain", rule["code"].lower())
        by_name = cli(capsys, "explain", rule["name"])
        assert by_code.status == 0, rule["code"]
        assert by_code.out == by_name.out
        assert by_code.out.startswith(f"## {rule['code']} {rule['name']}\n")


def test_explain_unknown_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "explain", "Z999")

    assert run.status == 2
    assert "unknown rule 'Z999'" in run.err
    assert run.out == ""


def test_explain_near_miss_name_suggests_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "explain", "id-path-missmatch")

    assert run.status == 2
    assert "did you mean 'id-path-mismatch'?" in run.err


# --- help, version, usage --------------------------------------------------------------


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    run = cli(capsys, *([command] if command else []), "--help")

    assert run.status == 0
    assert run.out.startswith(f"usage: promptreg {command}".rstrip())
    assert "example" in run.out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys)

    assert run.status == 2
    assert run.out.startswith("usage: promptreg")
    for command in COMMANDS:
        assert command in run.out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--version")

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert run.status == 0
    assert run.out == f"promptreg {pyproject['project']['version']}\n"
    assert __version__ == pyproject["project"]["version"]


@pytest.mark.parametrize(
    "args",
    [["bogus"], ["new", "ops/triage", "--tier", "9"], ["lint", "--format", "xml"]],
    ids=["unknown-command", "bad-choice", "bad-format"],
)
def test_argparse_usage_errors_exit_2(
    crash_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    run = cli(capsys, *args)

    assert run.status == 2
    assert "internal error" not in run.err
    assert not (crash_dir / "promptreg-crash.log").exists()


# --- the installed entry points, as separate processes ---------------------------------


def test_python_dash_m_lint_json_on_the_repository(tmp_path: Path) -> None:
    run = run_entry_point(
        [sys.executable, "-m", "promptreg", "lint", "--format", "json"], REPO, tmp_path
    )

    assert run.status == 0, run.err
    report = json.loads(run.out)
    assert report["files_checked"] == len(REPO_IDS)
    assert report["findings"] == []


def test_python_dash_m_lint_findings_without_colour(broken_project: Path, tmp_path: Path) -> None:
    run = run_entry_point([sys.executable, "-m", "promptreg", "lint"], broken_project, tmp_path)

    assert run.status == 1
    assert "\x1b[" not in run.out
    assert run.err == ""
    lines = run.out.splitlines()
    assert all(FINDING_LINE.match(line) for line in lines[:-1])
    assert len(lines) == len(BREAKAGES) + 1


def test_console_script_init_new_lint(tmp_path: Path) -> None:
    root = tmp_path / "work"
    root.mkdir()
    script = console_script()

    init = run_entry_point([script, "init"], root, tmp_path)
    new = run_entry_point([script, "new", "ops/triage", "--tier", "3"], root, tmp_path)
    lint = run_entry_point([script, "lint"], root, tmp_path)

    assert init.status == 0, init.err
    assert new.status == 0, new.err
    assert (root / "registry" / "ops" / "triage.prompt.yaml").is_file()
    assert lint.status == 0, lint.out
    assert lint.out == "All checks passed (2 files).\n"


def test_console_script_errors_and_version(tmp_path: Path) -> None:
    script = console_script()

    missing = run_entry_point([script, "show", "support/summarize-tickt"], REPO, tmp_path)
    version = run_entry_point([script, "--version"], REPO, tmp_path)

    assert missing.status == 2
    assert "did you mean 'support/summarize-ticket'?" in missing.err
    assert missing.out == ""
    assert version.status == 0
    assert version.out == f"promptreg {__version__}\n"
