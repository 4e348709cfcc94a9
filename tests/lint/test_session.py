"""LintSession: one run's selection, base, result cache and token counts, owned by the
caller; its caches outlive it on disk, and it lints in the calling process unless asked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.core.errors import UsageError
from promptreg.git.gitio import GitError
from promptreg.lint.cache import shard_of
from promptreg.lint.finding import Finding
from promptreg.lint.session import LintSession
from tests.cachefiles import read_cache, write_cache
from tests.gitrepo import REPO, GitRepo

FIXTURES = REPO / "tests" / "fixtures" / "rules"
TIER2 = "registry/support/summarize-ticket.prompt.yaml"
PROMPTS = len(list((REPO / "registry").rglob("*.prompt.yaml")))


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    made = git_repo(registry=True)
    made.commit("registry")
    return made


def _plant(cache_file: Path, path: Path, message: str) -> None:
    """Add a finding to the stored result of `path`: only an answer from the cache has it."""
    stored = read_cache(cache_file)
    entry = stored["entries"][path.as_posix()]
    entry["findings"].append(
        {
            "code": "S004",
            "name": "unknown-owner",
            "severity": "error",
            "message": message,
            "path": path.as_posix(),
            "line": 1,
            "column": 1,
            "end_line": 1,
            "end_column": 2,
            "fix": None,
        }
    )
    write_cache(cache_file, stored)


def _messages(findings: tuple[Finding, ...]) -> set[str]:
    return {finding.message for finding in findings}


def test_a_second_session_answers_from_the_first_sessions_cache(repo: GitRepo) -> None:
    settings = repo.settings
    with LintSession.open(settings, select=["S", "T"]) as first:
        fresh = first.lint_paths([settings.registry_dir])
    target = repo.root / TIER2
    cache_file = shard_of(repo.root / ".promptreg" / "cache", target)
    assert cache_file.is_file()
    _plant(cache_file, target, "planted in the cache")

    with LintSession.open(repo.settings, select=["S", "T"]) as second:
        warm = second.lint_paths([settings.registry_dir])
    assert "planted in the cache" in _messages(warm.findings)
    assert warm.files_checked == fresh.files_checked == PROMPTS

    with LintSession.open(repo.settings, select=["S", "T"], cache=False) as uncached:
        assert "planted in the cache" not in _messages(uncached.lint_paths([target]).findings)
    with LintSession.open(repo.settings, select=["S"]) as other_selection:
        assert "planted in the cache" not in _messages(
            other_selection.lint_paths([target]).findings
        )

    # The file's own bytes are part of its key: an edited file is linted again.
    with target.open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    with LintSession.open(repo.settings, select=["S", "T"]) as third:
        assert "planted in the cache" not in _messages(third.lint_paths([target]).findings)


def test_the_base_is_part_of_the_cache_key(repo: GitRepo) -> None:
    target = repo.root / TIER2
    with LintSession.open(repo.settings, select=["S"], base="HEAD") as first:
        first.lint_paths([target])
    _plant(shard_of(repo.root / ".promptreg" / "cache", target), target, "planted at HEAD")
    with LintSession.open(repo.settings, select=["S"], base="HEAD") as same:
        assert "planted at HEAD" in _messages(same.lint_paths([target]).findings)
    repo.write("notes.txt", "a commit that moves HEAD\n")
    repo.commit("notes")
    with LintSession.open(repo.settings, select=["S"], base="HEAD") as moved:
        assert "planted at HEAD" not in _messages(moved.lint_paths([target]).findings)


def test_a_session_with_the_cache_off_writes_nothing(repo: GitRepo) -> None:
    with LintSession.open(repo.settings, select=["K"], cache=False) as session:
        session.lint_paths([repo.settings.registry_dir])
    assert not (repo.root / ".promptreg").exists()


def test_lint_cache_false_in_the_configuration_turns_it_off(repo: GitRepo) -> None:
    repo.edit_config("lint:\n", "lint:\n  cache: false\n")
    with LintSession.open(repo.settings, select=["S"]) as session:
        assert session.cache is None
        session.lint_paths([repo.settings.registry_dir])
    assert not (repo.root / ".promptreg").exists()


def test_check_registry_reports_the_registry_rules(repo: GitRepo) -> None:
    tier1 = repo.root / "registry/engineering/incident-timeline.prompt.yaml"
    shutil.copy(tier1, repo.root / "registry/engineering/copy.prompt.yaml")
    repo.git("rm", "-q", TIER2)
    with LintSession.open(repo.settings, select=["V", "R"], base="HEAD", cache=False) as session:
        result = session.check_registry()
        linted = session.lint_paths([tier1])
    assert sorted(f.code for f in result.findings) == ["R001", "R001", "V005"]
    assert result.files_checked == PROMPTS
    assert [f.code for f in linted.findings] == ["V005"]  # lint reports deletions, not R


def test_selection_and_base_errors_are_raised_by_open(repo: GitRepo) -> None:
    with pytest.raises(UsageError, match="matches no rule"):
        LintSession.open(repo.settings, select=["NOPE"])
    with pytest.raises(GitError, match="is not a commit"):
        LintSession.open(repo.settings, base="no-such-branch")


_TOKENS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from promptreg.core.config import load_config
    from promptreg.lint.session import LintSession

    with LintSession.open(load_config(Path(sys.argv[1])), select=["K"]) as session:
        result = session.lint_paths([Path(sys.argv[2])])
    print(json.dumps({
        "tiktoken": "tiktoken" in sys.modules,
        "findings": [[f.code, f.span.line, f.message] for f in result.findings],
    }))
    """
)


def _lint_in_a_new_process(config: Path, path: Path, cache_dir: Path) -> dict[str, object]:
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache_dir)}
    process = subprocess.run(
        [sys.executable, "-c", _TOKENS_SCRIPT, str(config), str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=REPO,
    )
    assert process.returncode == 0, process.stderr
    result: dict[str, object] = json.loads(process.stdout)
    return result


def test_stored_token_counts_spare_the_next_run_the_encoder(tmp_path: Path) -> None:
    config = tmp_path / "promptreg.yaml"
    shutil.copy(FIXTURES / "promptreg.yaml", config)
    prompt = tmp_path / "contract.prompt.yaml"
    shutil.copy(FIXTURES / "K001" / "bad.prompt.yaml", prompt)
    store = tmp_path / ".promptreg" / "cache" / "tokens.json"

    cold = _lint_in_a_new_process(config, prompt, tmp_path / "tiktoken")
    assert cold["tiktoken"] is True  # this file needs counting: the test means something
    assert [code for code, *_ in cold["findings"]] == ["K001"]  # type: ignore[attr-defined]
    assert read_cache(store)["entries"]

    # A metadata edit: the lint result cache misses, the message texts are the same.
    text = prompt.read_text(encoding="utf-8")
    prompt.write_text(text.replace("title: ", "title: (edited) ", 1), encoding="utf-8")
    results = read_cache(shard_of(store.parent, prompt))
    warm = _lint_in_a_new_process(config, prompt, tmp_path / "tiktoken")
    assert warm["tiktoken"] is False
    assert warm["findings"] == cold["findings"]
    after = read_cache(shard_of(store.parent, prompt))
    assert after["entries"] != results["entries"]  # the file was linted again, not cached
