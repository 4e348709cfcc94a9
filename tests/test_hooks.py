"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit in a consumer repository.

This repository's working tree is committed to a temporary git repository, which a
fresh consumer repository names as its hook repository (a local path and that commit),
as a team names promptreg on its forge. pre-commit then builds the hooks' environment
exactly as it would for them: a virtualenv with this package pip-installed. That build
takes about half a minute, so PRE_COMMIT_HOME is shared by every test in the session
and the environment is built once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptreg.core.about import VERSION

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
HOOK_IDS = ("promptreg-lint", "promptreg-fmt", "promptreg-check")
IDENTITY = (
    "-c",
    "user.name=Hook Test",
    "-c",
    "user.email=hook-test@example.com",
    "-c",
    "commit.gpgsign=false",
)
PUBLISHED = "https://github.com/promptreg/promptreg"
RELEASE_TAG = f"v{VERSION}"
"""The tag a release of this version gets, which every printed `rev:` names."""
TIER1 = "registry/engineering/incident-timeline.prompt.yaml"
TIER2 = "registry/support/summarize-ticket.prompt.yaml"


def _manifest() -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return hooks


def _hook(hook_id: str) -> dict[str, Any]:
    return next(hook for hook in _manifest() if hook["id"] == hook_id)


# --- the manifest --------------------------------------------------------------------


def test_manifest_offers_the_three_hooks() -> None:
    hooks = {hook["id"]: hook for hook in _manifest()}
    assert set(hooks) == set(HOOK_IDS)
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["entry"].split()[0] == "promptreg"
        assert hook["minimum_pre_commit_version"]
    assert hooks["promptreg-lint"]["entry"] == "promptreg lint --base HEAD"
    assert hooks["promptreg-lint"]["require_serial"] is True  # one shared result cache
    assert hooks["promptreg-check"]["pass_filenames"] is False
    assert hooks["promptreg-check"]["always_run"] is True  # deletions are not passed to hooks


def test_manifest_is_valid_for_pre_commit() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr


MATCHES: dict[str, tuple[list[str], list[str]]] = {
    "promptreg-lint": (
        [
            "promptreg.yaml",
            "services/prompts/promptreg.yaml",
            "registry/support/summarize-ticket.prompt.yaml",
            "a.prompt.yaml",
            "teams/legal/registry/nda/review-v2.prompt.yaml",
            "registry/with space/my prompt.prompt.yaml",
            "registry/support/.prompt.yaml",  # the registry finds it, so lint must see it
        ],
        [
            "promptreg.yml",
            "promptreg.yaml.bak",
            "my-promptreg.yaml",
            "promptreg.yaml/README.md",
            "docs/promptreg.yaml.md",
            "registry/support/summarize-ticket.prompt.yml",
            "registry/support/summarize-ticket.yaml",
            "registry/support/summarize-ticket.prompt.yaml.orig",
            "registry/support/summarize-ticket.PROMPT.YAML",
            "registry/support/prompt.yaml",
            ".pre-commit-config.yaml",
            "CODEOWNERS",
        ],
    ),
    "promptreg-fmt": (
        [
            "registry/support/summarize-ticket.prompt.yaml",
            "a.prompt.yaml",
            "teams/legal/registry/nda/review-v2.prompt.yaml",
        ],
        [
            "promptreg.yaml",  # the configuration: fmt formats prompt files only
            "services/prompts/promptreg.yaml",
            "registry/support/summarize-ticket.prompt.yml",
            "registry/support/summarize-ticket.prompt.yaml.orig",
            "registry/support/prompt.yaml",
            "schemas/prompt.schema.json",
        ],
    ),
}


@pytest.mark.parametrize(
    ("hook_id", "path", "expected"),
    [
        (hook_id, path, expected)
        for hook_id, (must, must_not) in MATCHES.items()
        for expected, paths in ((True, must), (False, must_not))
        for path in paths
    ],
)
def test_files_pattern(hook_id: str, path: str, expected: bool) -> None:
    """pre-commit selects files with re.search(files) and not re.search(exclude)."""
    hook = _hook(hook_id)
    selected = bool(re.search(hook["files"], path)) and not re.search(
        hook.get("exclude", "^$"), path
    )
    assert selected is expected


def test_check_hook_runs_without_files() -> None:
    hook = _hook("promptreg-check")
    assert "files" not in hook  # always_run: a commit that only deletes must reach it


# --- the real pre-commit -------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT"))
    }
    env.update(
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_DATE="2026-11-20T12:00:00+00:00",
        GIT_COMMITTER_DATE="2026-11-20T12:00:00+00:00",
    )
    return env


@dataclass(frozen=True)
class Run:
    status: int
    output: str


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str
    home: Path
    install_seconds: float


def _git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> Run:
    process = subprocess.run(
        ["git", *IDENTITY, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = process.stdout + process.stderr
    if check:
        assert process.returncode == 0, output
    return Run(process.returncode, output)


def _working_tree_files() -> list[str]:
    """Tracked and new files of this repository's working tree, as a commit would hold."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (REPO / name).is_file()]


def _consumer_config(repo: HookRepo, text: str | None = None) -> str:
    """hooks/pre-commit-config.yaml, the file teams copy (or `text`, another printed
    configuration), exactly as printed but for the repository's address: the local copy
    under test instead of the forge. `rev:` stays as printed: the hook repository has
    the release tag it names, as every release does (docs/adoption.md, "Releases")."""
    if text is None:
        text = (REPO / "hooks" / "pre-commit-config.yaml").read_text(encoding="utf-8")
    text, count = re.subn(
        rf"(?m)^(\s+- repo: ){re.escape(PUBLISHED)}$", rf"\g<1>{repo.path.as_posix()}", text
    )
    assert count == 1
    assert re.search(rf"(?m)^\s+rev: {re.escape(repo.rev)}$", text), text
    return text


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This working tree as a commit of a scratch repository, hooks installed once."""
    root = tmp_path_factory.mktemp("hook-repo")
    path = root / "promptreg"
    for name in _working_tree_files():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    home = root / "pre-commit-home"
    env = _env(home)
    _git(path, "init", "-q", env=env)
    _git(path, "add", "-A", env=env)
    _git(path, "commit", "-q", "--no-verify", "-m", "promptreg under test", env=env)
    rev = RELEASE_TAG
    _git(path, "tag", rev, env=env)  # what a release does (docs/adoption.md)

    scratch = root / "scratch"
    scratch.mkdir()
    _git(scratch, "init", "-q", env=env)
    repo = HookRepo(path, rev, home, 0.0)
    (scratch / ".pre-commit-config.yaml").write_text(_consumer_config(repo), encoding="utf-8")
    started = time.monotonic()
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install-hooks"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return HookRepo(path, rev, home, time.monotonic() - started)


class Consumer:
    """A team's repository: the embedded registry, committed, with the hooks installed."""

    def __init__(self, path: Path, hook_repo: HookRepo, config: str | None = None) -> None:
        self.path = path
        self.env = _env(hook_repo.home)
        shutil.copy2(hook_repo.path / "promptreg.yaml", path / "promptreg.yaml")
        shutil.copytree(hook_repo.path / "registry", path / "registry")
        text = _consumer_config(hook_repo, config)
        (path / ".pre-commit-config.yaml").write_text(text, encoding="utf-8")
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", "registry")
        install = subprocess.run(
            [sys.executable, "-m", "pre_commit", "install"],
            cwd=path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert install.returncode == 0, install.stdout + install.stderr

    def git(self, *args: str, check: bool = True) -> Run:
        return _git(self.path, *args, env=self.env, check=check)

    def promptreg(self, *args: str) -> Run:
        """The promptreg of this test run (not the hook's), as a person types it."""
        process = subprocess.run(
            [sys.executable, "-m", "promptreg", *args],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return Run(process.returncode, process.stdout + process.stderr)

    def read(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert old in text, f"{old!r} is not in {name}"
        self.write(name, text.replace(old, new, 1))

    def commit(self, message: str = "change") -> Run:
        """`git add -A` and a real `git commit`, which runs the installed hooks."""
        self.git("add", "-A")
        return self.git("commit", "-m", message, check=False)


@pytest.fixture
def consumer(tmp_path: Path, hook_repo: HookRepo) -> Iterator[Consumer]:
    path = tmp_path / "consumer"
    path.mkdir()
    yield Consumer(path, hook_repo)


def _hook_line(output: str, name: str) -> str:
    """pre-commit's status line for a hook: 'promptreg lint....Passed' and the like."""
    line = next((line for line in output.splitlines() if line.startswith(name)), "")
    assert line, f"no status line for {name!r} in:\n{output}"
    return line


def _finding(output: str, path: str, code: str, line: int = 0, column: int = 0) -> str:
    """The finding line `path:line:col: CODE [error] ...` in a hook's output."""
    place = rf"{line or '[0-9]+'}:{column or '[0-9]+'}"
    pattern = rf"^{re.escape(path)}:{place}: {code} \[error\] .+$"
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"no {code} finding for {path} in:\n{output}"
    return match.group()


def test_hook_environment_builds_once(hook_repo: HookRepo) -> None:
    sys.stderr.write(f"pre-commit hook environment built in {hook_repo.install_seconds:.1f}s\n")
    assert hook_repo.install_seconds < 600


def test_broken_prompt_is_refused_with_its_place(consumer: Consumer) -> None:
    name = "registry/support/refund-reply.prompt.yaml"
    text = consumer.read(TIER2).replace("support/summarize-ticket", "support/refund-reply")
    text = text.replace("owner: support-platform", "owner: suport-platform")
    consumer.write(name, text)
    line = text.splitlines().index("owner: suport-platform") + 1

    run = consumer.commit("add a reply prompt")

    assert run.status == 1, run.output
    assert "suport-platform" in _finding(run.output, name, "S004", line, 8)
    assert "Failed" in _hook_line(run.output, "promptreg lint")
    assert "did you mean 'support-platform'" in run.output
    assert "registry" in consumer.git("log", "-1", "--format=%s").output  # nothing committed


def test_clean_prompt_passes(consumer: Consumer) -> None:
    assert consumer.promptreg("new", "support/refund-reply", "--tier", "2").status == 0
    consumer.edit(TIER1, "description: >-", "description: >-\n  Used by the SRE team.")

    run = consumer.commit("add a reply prompt")

    assert run.status == 0, run.output
    for name in ("promptreg lint", "promptreg fmt", "promptreg check"):
        assert "Passed" in _hook_line(run.output, name)
    assert consumer.git("log", "-1", "--format=%s").output.strip() == "add a reply prompt"


def test_format_hook_rewrites_and_fails_then_passes(consumer: Consumer) -> None:
    title = "title: Build an incident timeline from the incident channel\n"
    consumer.edit(TIER1, "description: >-", "description: >-\n  Used by the SRE team.")
    wanted = consumer.read(TIER1)
    consumer.edit(TIER1, title, "")
    consumer.edit(TIER1, "tier: 1\n", f"tier: 1\n{title}")  # the title out of order

    first = consumer.commit("describe the users")

    assert first.status == 1, first.output
    assert "Failed" in _hook_line(first.output, "promptreg fmt")
    assert "files were modified by this hook" in first.output
    assert f"reformatted {TIER1}" in first.output
    assert consumer.read(TIER1) == wanted  # the canonical order, the edit kept

    second = consumer.commit("describe the users")

    assert second.status == 0, second.output
    assert "Passed" in _hook_line(second.output, "promptreg fmt")
    assert consumer.git("status", "--porcelain").output == ""


def test_content_edit_without_version_bump_is_refused(consumer: Consumer) -> None:
    consumer.edit(TIER1, "never assign blame.", "never assign blame or praise.")

    run = consumer.commit("soften the wording")

    assert run.status == 1, run.output
    line = consumer.read(TIER1).splitlines().index("version: 1.2.0") + 1
    _finding(run.output, TIER1, "V001", line, 10)
    assert "Failed" in _hook_line(run.output, "promptreg lint")


def test_breaking_change_with_minor_bump_is_refused(consumer: Consumer) -> None:
    # Removing a variable breaks every caller that passes it: a major change.
    consumer.edit(
        TIER1,
        "  incident_id:\n"
        "    type: string\n"
        "    description: Incident id from the paging tool, e.g. INC-1234.\n"
        "    trusted: true\n",
        "",
    )
    consumer.edit(TIER1, "      Incident {{ incident_id }}\n\n", "")
    consumer.edit(TIER1, "      incident_id: INC-1234\n", "")
    consumer.edit(TIER1, "version: 1.2.0", "version: 1.3.0")
    consumer.edit(
        TIER1,
        "changelog:\n",
        "changelog:\n"
        "  - version: 1.3.0\n    date: 2026-11-20\n    summary: Drop the incident id.\n",
    )

    run = consumer.commit("drop the incident id")

    assert run.status == 1, run.output
    assert "(1.2.0 → 1.3.0): variable 'incident_id'" in _finding(run.output, TIER1, "V002")
    assert "V001" not in run.output


def test_deleting_an_approved_prompt_is_refused_by_the_check_hook(consumer: Consumer) -> None:
    consumer.git("rm", "-q", TIER2)

    run = consumer.commit("remove the summariser")

    assert run.status == 1, run.output
    assert "Failed" in _hook_line(run.output, "promptreg check")
    assert f"{TIER2}:1:1: V005 [error]" in run.output
    # No prompt file was staged, so the per-file hooks had nothing to do.
    assert "Skipped" in _hook_line(run.output, "promptreg lint")


def test_stale_codeowners_is_refused_by_the_check_hook(consumer: Consumer) -> None:
    assert consumer.promptreg("codeowners").status == 0
    assert consumer.commit("codeowners").status == 0
    assert consumer.promptreg("new", "support/refund-reply", "--tier", "2").status == 0

    run = consumer.commit("add a tier 2 prompt")

    assert run.status == 1, run.output
    assert "Passed" in _hook_line(run.output, "promptreg lint")
    assert "CODEOWNERS:1:1: R003 [error]" in run.output

    assert consumer.promptreg("codeowners").status == 0
    assert "/registry/support/refund-reply.prompt.yaml " in consumer.read("CODEOWNERS")
    assert consumer.commit("add a tier 2 prompt").status == 0


# --- the files teams copy from hooks/ -------------------------------------------------

HOOKS = REPO / "hooks"
BIN = Path(sys.executable).parent  # this run's promptreg, as installing promptreg-standards gives


def test_example_configs_are_valid_for_pre_commit() -> None:
    configs = [HOOKS / "pre-commit-config.yaml", HOOKS / "pre-commit-config.local.yaml"]
    process = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", *map(str, configs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr


def test_example_configs_run_every_hook_format_first() -> None:
    for name in ("pre-commit-config.yaml", "pre-commit-config.local.yaml"):
        (repo,) = yaml.safe_load((HOOKS / name).read_text(encoding="utf-8"))["repos"]
        assert [hook["id"] for hook in repo["hooks"]] == [
            "promptreg-fmt",
            "promptreg-lint",
            "promptreg-check",
        ]


LOCAL_MATCHES: dict[str, tuple[list[str], list[str]]] = {
    "promptreg-lint": (
        [
            "prompts/promptreg.yaml",
            "prompts/registry/support/summarize-ticket.prompt.yaml",
        ],
        [
            "promptreg.yaml",
            "services/api/promptreg.yaml",
            "other/registry/support/summarize-ticket.prompt.yaml",
            "prompts/registry/support/summarize-ticket.prompt.yml",
            "prompts/promptreg.yaml.bak",
        ],
    ),
    "promptreg-fmt": (
        ["prompts/registry/support/summarize-ticket.prompt.yaml"],
        ["prompts/promptreg.yaml", "registry/support/summarize-ticket.prompt.yaml"],
    ),
}


@pytest.mark.parametrize(
    ("hook_id", "path", "expected"),
    [
        (hook_id, path, expected)
        for hook_id, (must, must_not) in LOCAL_MATCHES.items()
        for expected, paths in ((True, must), (False, must_not))
        for path in paths
    ],
)
def test_local_files_pattern(hook_id: str, path: str, expected: bool) -> None:
    (repo,) = yaml.safe_load((HOOKS / "pre-commit-config.local.yaml").read_text())["repos"]
    hook = next(hook for hook in repo["hooks"] if hook["id"] == hook_id)
    assert bool(re.search(hook["files"], path)) is expected


def test_local_variant_in_a_monorepo(tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    prompts = root / "prompts"
    prompts.mkdir(parents=True)
    shutil.copy2(REPO / "promptreg.yaml", prompts)
    shutil.copytree(REPO / "registry", prompts / "registry")
    (root / "service.py").write_text("print('hello')\n")
    shutil.copy2(HOOKS / "pre-commit-config.local.yaml", root / ".pre-commit-config.yaml")
    env = {**_env(tmp_path / "home"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    _git(root, "init", "-q", env=env)
    _git(root, "add", "-A", env=env)
    _git(root, "commit", "-q", "--no-verify", "-m", "monorepo", env=env)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True)
    name = f"prompts/{TIER1}"
    target = root / name
    target.write_text(target.read_text().replace("never assign blame.", "never blame."))

    _git(root, "add", "-A", env=env)
    refused = _git(root, "commit", "-m", "edit", env=env, check=False)

    assert refused.status == 1, refused.output
    _finding(refused.output, name, "V001")

    _git(root, "checkout", "HEAD", "--", name, env=env)
    target.write_text(target.read_text().replace("description: >-", "description: >-\n  SRE."))
    (root / "service.py").write_text("print('hello, world')\n")
    _git(root, "add", "-A", env=env)
    passed = _git(root, "commit", "-m", "edit", env=env, check=False)
    assert "Passed" in _hook_line(passed.output, "promptreg lint")
    assert passed.status == 0, passed.output


def _ci_commands(name: str) -> list[str]:
    """The promptreg command lines of a CI example, in order."""
    data = yaml.safe_load((HOOKS / name).read_text(encoding="utf-8"))
    if "jobs" in data:
        lines = [
            line
            for job in data["jobs"].values()
            for step in job["steps"]
            for line in step.get("run", "").splitlines()
        ]
    else:
        lines = [line for job in data.values() for line in job.get("script", [])]
    return [line.strip() for line in lines if line.strip().startswith("promptreg ")]


@pytest.mark.parametrize(
    ("name", "schema"),
    [("github-workflow.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_ci_examples_match_their_schemas(name: str, schema: str) -> None:
    pytest.importorskip("check_jsonschema")
    process = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(HOOKS / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr


@pytest.mark.parametrize(
    ("name", "report", "variable"),
    [
        ("github-workflow.yml", "promptreg.sarif", "PROMPTREG_BASE"),
        ("gitlab-ci.yml", "gl-code-quality-report.json", "BASE"),
    ],
)
def test_ci_example_commands(tmp_path: Path, name: str, report: str, variable: str) -> None:
    """Each promptreg line of the example, run as the CI shell would, after a bad edit;
    the eval step's model is the test server."""
    with contextlib.ExitStack() as stack:
        _run_ci_example(tmp_path, name, report, variable, stack)


TIER1_PASSING_ANSWER = (
    "| Time (UTC) | Event |\n|---|---|\n| 09:14 | rollback started |\n\nOpen questions\n- none"
)


def _run_ci_example(
    tmp_path: Path, name: str, report: str, variable: str, stack: contextlib.ExitStack[None]
) -> None:
    from tests.evals.server import OpenAIServer, Script

    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO / "promptreg.yaml", root)
    shutil.copytree(REPO / "registry", root / "registry")
    env = _env(tmp_path / "home")
    env.update({"PATH": f"{BIN}{os.pathsep}{env['PATH']}", variable: "HEAD"})
    server = stack.enter_context(OpenAIServer(Script(default=TIER1_PASSING_ANSWER)))
    config = root / "promptreg.yaml"
    config.write_text(config.read_text().replace("https://api.openai.com/v1", server.url))
    _git(root, "init", "-q", env=env)
    _git(root, "add", "-A", env=env)
    _git(root, "commit", "-q", "-m", "registry", env=env)
    target = root / TIER1
    target.write_text(target.read_text().replace("never assign blame.", "never blame."))

    statuses = []
    for command in _ci_commands(name):
        process = subprocess.run(
            ["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True
        )
        assert "Traceback" not in process.stderr
        statuses.append((command.split()[1], "--exit-zero" in command, process.returncode))

    expected = [
        ("lint", True, 0),  # the report is written and uploaded whatever it holds
        ("lint", False, 1),  # then the job fails on the V001 error
        ("check", False, 0),
        ("fmt", False, 0),
    ]
    if name == "github-workflow.yml":
        expected.append(("test", False, 0))  # the changed prompt's cases pass, as on the base
        comment = (root / "promptreg-evals.md").read_text()
        assert comment.startswith("## promptreg test") and "**1** unchanged" in comment
    assert statuses == expected
    data = json.loads((root / report).read_text())
    text = json.dumps(data)
    assert "V001" in text and TIER1 in text


# --- every printed configuration runs as printed ---------------------------------------


def _adoption_block() -> str:
    """The `.pre-commit-config.yaml` block of docs/adoption.md, as a reader copies it."""
    text = (REPO / "docs" / "adoption.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "repos:" in b]
    assert len(blocks) == 1
    return blocks[0]


def _init_config(tmp_path: Path) -> str:
    """The .pre-commit-config.yaml `promptreg init` writes in a fresh directory."""
    where = tmp_path / "fresh"
    where.mkdir()
    subprocess.run(
        [sys.executable, "-m", "promptreg", "init"], cwd=where, check=True, capture_output=True
    )
    return (where / ".pre-commit-config.yaml").read_text(encoding="utf-8")


def test_every_printed_rev_is_this_release_tag(tmp_path: Path) -> None:
    for text in (
        (HOOKS / "pre-commit-config.yaml").read_text(encoding="utf-8"),
        _adoption_block(),
        _init_config(tmp_path),
    ):
        assert f"- repo: {PUBLISHED}\n" in text
        assert re.findall(r"(?m)^\s+rev: (\S+)$", text) == [RELEASE_TAG]
    pins = re.findall(
        r"promptreg-standards(?:\[[a-z,]+\])?==([0-9.]+)",
        "".join(
            (path).read_text(encoding="utf-8")
            for path in (
                HOOKS / "github-workflow.yml",
                HOOKS / "gitlab-ci.yml",
                REPO / "docs" / "adoption.md",
            )
        ),
    )
    assert pins and set(pins) == {VERSION}


@pytest.mark.parametrize("source", ["docs/adoption.md", "promptreg init"])
def test_printed_configuration_runs_in_pre_commit(
    tmp_path: Path, hook_repo: HookRepo, source: str
) -> None:
    text = _adoption_block() if source == "docs/adoption.md" else _init_config(tmp_path)
    path = tmp_path / "consumer"
    path.mkdir()
    consumer = Consumer(path, hook_repo, text)
    consumer.edit(TIER1, "never assign blame.", "never assign blame or praise.")

    run = consumer.commit("soften the wording")

    assert run.status == 1, run.output
    _finding(run.output, TIER1, "V001")
    for name in ("promptreg fmt", "promptreg check"):
        assert "Passed" in _hook_line(run.output, name)
    assert "Failed" in _hook_line(run.output, "promptreg lint")


def test_local_variant_says_what_must_be_on_path(tmp_path: Path) -> None:
    """`language: system` runs the `promptreg` that `git commit` finds on PATH; without
    one, pre-commit stops with the message the example's comment explains."""
    comment = (HOOKS / "pre-commit-config.local.yaml").read_text(encoding="utf-8")
    assert "Executable `promptreg` not found" in comment
    assert "PATH" in comment
    root = tmp_path / "monorepo"
    (root / "prompts").mkdir(parents=True)
    shutil.copy2(REPO / "promptreg.yaml", root / "prompts")
    shutil.copytree(REPO / "registry", root / "prompts" / "registry")
    shutil.copy2(HOOKS / "pre-commit-config.local.yaml", root / ".pre-commit-config.yaml")
    path = os.pathsep.join(
        part
        for part in os.environ["PATH"].split(os.pathsep)
        if part and not (Path(part) / "promptreg").exists()
    )
    env = {**_env(tmp_path / "home"), "PATH": path}
    _git(root, "init", "-q", env=env)
    _git(root, "add", "-A", env=env)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Executable `promptreg` not found" in run.stdout + run.stderr
