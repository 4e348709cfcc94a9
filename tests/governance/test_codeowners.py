"""`promptreg codeowners`: the block of required reviewers, written into real files."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.governance.codeowners import BEGIN, END
from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parents[2]
TEAM_LEADS = "dana@example.com ravi@example.com sofia@example.com"
COMPLIANCE = "amara@example.com jo@example.com mei@example.com"
TIER1 = "engineering/incident-timeline"
TIER2 = "support/summarize-ticket"
TIER3 = "legal/dsar-triage"


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    capsys.readouterr()
    status = main(["codeowners", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Run(status, captured.out, captured.err)


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree holding the embedded registry, as the working directory."""
    root = git_repo(registry=True).root
    monkeypatch.chdir(root)
    return root


def _block(text: str, config: str = "") -> list[str]:
    lines = text.splitlines()
    suffix = f" {config}" if config else ""
    return lines[lines.index(BEGIN + suffix) : lines.index(END + suffix) + 1]


def test_writes_a_block_for_tier_2_and_3_prompts(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys)

    assert run.status == 0, run.err
    assert "CODEOWNERS: created the promptreg block" in run.err
    block = _block((repo / "CODEOWNERS").read_text())
    assert block[0] == BEGIN and block[-1] == END
    owned = dict(line.split(" ", 1) for line in block if line.startswith("/"))
    assert owned["/promptreg.yaml"] == COMPLIANCE  # the strictest tier guards the policy
    assert owned["/.promptreg/allowed_signers"] == COMPLIANCE  # and who may sign
    assert owned[f"/registry/{TIER2}.prompt.yaml"] == TEAM_LEADS
    assert owned[f"/registry/{TIER3}.prompt.yaml"] == COMPLIANCE
    assert f"/registry/{TIER1}.prompt.yaml" not in owned  # tier 1 needs no sign-off
    tiers = {1: 0, 2: 0, 3: 0}
    for path in (repo / "registry").rglob("*.prompt.yaml"):
        tier = int(next(x for x in path.read_text().splitlines() if x.startswith("tier:"))[5:])
        tiers[tier] += 1
    assert len(owned) == 2 + tiers[2] + tiers[3]
    paths = [line.split(" ", 1)[0] for line in block if line.startswith("/registry/")]
    assert paths == sorted(paths)


def test_check_fails_with_a_diff_when_stale_and_passes_when_current(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = cli(capsys, "--check")
    assert missing.status == 1
    assert "CODEOWNERS does not exist" in missing.err
    assert not (repo / "CODEOWNERS").exists()  # --check writes nothing

    assert cli(capsys).status == 0
    current = cli(capsys, "--check")
    assert current.status == 0, current.out
    assert current.out == ""

    prompt = repo / "registry" / f"{TIER1}.prompt.yaml"
    prompt.write_text(prompt.read_text().replace("tier: 1", "tier: 3"))
    before = (repo / "CODEOWNERS").read_bytes()
    stale = cli(capsys, "--check")

    assert stale.status == 1
    assert "has an out-of-date promptreg block" in stale.err
    assert stale.out.startswith("--- a/CODEOWNERS\n+++ b/CODEOWNERS\n")
    assert f"+/registry/{TIER1}.prompt.yaml {COMPLIANCE}\n" in stale.out
    assert (repo / "CODEOWNERS").read_bytes() == before


def test_keeps_the_rest_of_the_file_byte_for_byte(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".github").mkdir()
    head = b"# Owners of this repository\r\n*       @acme/platform   \r\n\r\n"
    old_block = f"{BEGIN}\r\n/registry/gone.prompt.yaml old@example.com\r\n{END}\r\n".encode()
    tail = b"\r\n# trailing notes, no final newline\t"
    path = repo / ".github" / "CODEOWNERS"
    path.write_bytes(head + old_block + tail)
    path.chmod(0o640)

    assert cli(capsys).status == 0
    data = path.read_bytes()

    assert data.startswith(head)
    assert data.endswith(tail)
    block = data[len(head) : len(data) - len(tail)]
    assert b"gone.prompt.yaml" not in block
    assert block.count(b"\r\n") == block.count(b"\n")  # the file's own line endings
    assert f"/registry/{TIER2}.prompt.yaml {TEAM_LEADS}".encode() in block
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["CODEOWNERS"]  # no temporary left
    assert not (repo / "CODEOWNERS").exists()

    assert cli(capsys, "--check").status == 0
    assert cli(capsys).status == 0
    assert path.read_bytes() == data  # a second run changes nothing


def test_appends_to_a_file_without_the_block(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = b"* @acme/everyone\ndocs/ @acme/writers"  # no final newline
    (repo / "CODEOWNERS").write_bytes(original)

    assert cli(capsys).status == 0

    text = (repo / "CODEOWNERS").read_text()
    assert text.startswith(original.decode() + "\n\n" + BEGIN + "\n")
    assert text.endswith(END + "\n")


@pytest.mark.parametrize(
    ("existing", "folders", "expected"),
    [
        ([], [], "CODEOWNERS"),
        ([], [".github"], ".github/CODEOWNERS"),
        (["CODEOWNERS"], [".github"], "CODEOWNERS"),
        (["docs/CODEOWNERS"], [], "docs/CODEOWNERS"),
        ([".gitlab/CODEOWNERS"], [".github"], ".gitlab/CODEOWNERS"),
        ([".github/CODEOWNERS", "CODEOWNERS"], [], ".github/CODEOWNERS"),
    ],
)
def test_writes_where_the_forge_reads(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    existing: list[str],
    folders: list[str],
    expected: str,
) -> None:
    for folder in folders:
        (repo / folder).mkdir()
    for name in existing:
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text("* @acme/everyone\n")

    assert cli(capsys).status == 0

    assert BEGIN in (repo / expected).read_text()
    for name in {*existing, "CODEOWNERS", ".github/CODEOWNERS"} - {expected}:
        if (repo / name).exists():
            assert BEGIN not in (repo / name).read_text()


def test_path_option(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--path", "owners/CODEOWNERS")
    assert run.status == 0, run.err
    assert BEGIN in (repo / "owners" / "CODEOWNERS").read_text()
    assert cli(capsys, "--check", "--path", "owners/CODEOWNERS").status == 0
    assert cli(capsys, "--check").status == 1  # the default file does not exist


def test_paths_are_relative_to_the_repository_in_a_monorepo(
    git_repo: Callable[..., GitRepo],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = git_repo("mono", config=False).root
    prompts = root / "services" / "my prompts"
    prompts.mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", prompts)
    shutil.copytree(REPO / "registry", prompts / "registry")
    monkeypatch.chdir(prompts)

    assert cli(capsys).status == 0

    text = (root / "CODEOWNERS").read_text()  # at the repository's top, not beside the config
    block = _block(text, "services/my prompts/promptreg.yaml")
    assert f"/services/my\\ prompts/promptreg.yaml {COMPLIANCE}" in block
    assert f"/services/my\\ prompts/registry/{TIER3}.prompt.yaml {COMPLIANCE}" in block


def test_registries_sharing_one_file_keep_their_own_blocks(
    git_repo: Callable[..., GitRepo],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = git_repo("mono", config=False).root
    for name in ("billing", "support"):
        (root / name).mkdir(parents=True)
        shutil.copy(REPO / "promptreg.yaml", root / name)
        shutil.copytree(REPO / "registry", root / name / "registry")
    shutil.copy(REPO / "promptreg.yaml", root)  # and one at the top, with no prompts
    monkeypatch.chdir(root)

    for config in ("billing/promptreg.yaml", "support/promptreg.yaml", "promptreg.yaml"):
        assert cli(capsys, "--config", config).status == 0
    text = (root / "CODEOWNERS").read_text()
    for config in ("billing/promptreg.yaml", "support/promptreg.yaml", "promptreg.yaml"):
        assert cli(capsys, "--config", config, "--check").status == 0

    billing = _block(text, "billing/promptreg.yaml")
    support = _block(text, "support/promptreg.yaml")
    top = _block(text)
    assert f"/billing/registry/{TIER2}.prompt.yaml {TEAM_LEADS}" in billing
    assert f"/support/registry/{TIER2}.prompt.yaml {TEAM_LEADS}" in support
    assert not any(line.startswith("/support/") for line in billing)
    assert [line for line in top if line.startswith("/")] == [
        f"/promptreg.yaml {COMPLIANCE}",
        f"/.promptreg/allowed_signers {COMPLIANCE}",
    ]


def test_a_prompt_with_a_schema_error_keeps_its_owners(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = repo / "registry" / f"{TIER2}.prompt.yaml"
    prompt.write_text(prompt.read_text().replace("status: approved", "status: shipped"))
    assert cli(capsys).status == 0
    assert f"/registry/{TIER2}.prompt.yaml {TEAM_LEADS}\n" in (repo / "CODEOWNERS").read_text()


def test_a_prompt_whose_tier_cannot_be_read_gets_the_strictest_owners(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = repo / "registry" / f"{TIER1}.prompt.yaml"
    prompt.write_text(prompt.read_text().replace("status: approved", "status: [oops"))
    assert cli(capsys).status == 0
    assert f"/registry/{TIER1}.prompt.yaml {COMPLIANCE}\n" in (repo / "CODEOWNERS").read_text()


def test_a_tier_without_groups_owns_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = repo / "promptreg.yaml"
    config.write_text(config.read_text().replace("groups: [team-leads]", "groups: []"))
    assert cli(capsys).status == 0
    text = (repo / "CODEOWNERS").read_text()
    assert f"/registry/{TIER2}.prompt.yaml" not in text
    assert f"/registry/{TIER3}.prompt.yaml {COMPLIANCE}" in text


@pytest.mark.parametrize(
    "text",
    [
        f"{BEGIN}\n/a x@example.com\n",
        f"/a x@example.com\n{END}\n",
        f"{END}\n{BEGIN}\n",
        f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n",
    ],
)
def test_unpaired_markers_are_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    (repo / "CODEOWNERS").write_text(text)
    run = cli(capsys)
    assert run.status == 2
    assert re.search(r"CODEOWNERS:[12]:1: expected one `# BEGIN promptreg` line", run.err)
    assert (repo / "CODEOWNERS").read_text() == text


def test_works_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "promptreg.yaml", tmp_path)
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    monkeypatch.chdir(tmp_path)
    assert cli(capsys).status == 0
    assert f"/registry/{TIER2}.prompt.yaml" in (tmp_path / "CODEOWNERS").read_text()


def test_plan_says_what_the_file_needs_and_writing_it_makes_it_current(repo: Path) -> None:
    from promptreg.core.config import load_config
    from promptreg.governance.codeowners import plan_codeowners, write_codeowners

    settings = load_config(repo / "promptreg.yaml")
    missing = plan_codeowners(settings)
    assert (missing.path, missing.old, missing.state) == (repo / "CODEOWNERS", "", "missing")
    assert not missing.path.exists()  # planning writes nothing
    (repo / "CODEOWNERS").write_text("* @acme/everyone\n")
    no_block = plan_codeowners(settings)
    assert no_block.state == "no-block" and no_block.new.startswith("* @acme/everyone\n\n")
    write_codeowners(no_block)
    assert (repo / "CODEOWNERS").read_text() == no_block.new
    assert plan_codeowners(settings).state == "current"
    prompt = repo / "registry" / f"{TIER1}.prompt.yaml"
    prompt.write_text(prompt.read_text().replace("tier: 1", "tier: 3"))
    stale = plan_codeowners(settings)
    assert stale.state == "stale" and f"/registry/{TIER1}.prompt.yaml {COMPLIANCE}" in stale.new
    other = plan_codeowners(settings, repo / "docs" / "CODEOWNERS")
    assert other.path == repo / "docs" / "CODEOWNERS" and other.state == "missing"
    write_codeowners(other)  # the folder is made
    assert (repo / "docs" / "CODEOWNERS").read_text() == other.new
