"""The cached answer (promptreg.lint.quick): a lint whose files all have current cache
entries is answered without the rules, and is the answer a full run gives.

Each test makes a real repository holding the embedded registry, lints once (the full
run writes the memo), changes one thing the cached findings depend on, and checks that
the next run is a full one again with the findings that change brings.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.core.cachefile import read_entries, write_entries
from promptreg.core.loader import load_prompt
from promptreg.governance.evidence import CaseResult, ResultsFile, format_time, results_path
from promptreg.governance.fingerprint import case_keys
from promptreg.lint.quick import (
    MEMO_FORMAT,
    MEMO_NAME,
    cached_answer,
    memo_key,
    selection_args,
)
from tests.gitrepo import GitRepo

PROMPT = "registry/support/summarize-ticket.prompt.yaml"
EVALS = ".promptreg/evals"
TIER_3 = "registry/legal/dsar-triage.prompt.yaml"


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    made = git_repo("quick", registry=True)
    made.commit("registry")
    monkeypatch.chdir(made.root)
    return made


def _lint(*args: str) -> tuple[int, list[dict[str, object]], bool]:
    """Exit status, JSON findings, and whether the run loaded the rule catalogue (a
    fresh interpreter each time, as the hook runs)."""
    code = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        f"status = main({['lint', '--format', 'json', *args]!r})\n"
        "sys.stderr.write('\\nFULL' if 'promptreg.lint.catalogue' in sys.modules else '\\nQUICK')\n"
        "sys.exit(status)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert "Traceback" not in process.stderr, process.stderr
    full = process.stderr.rstrip().endswith("FULL")
    return process.returncode, json.loads(process.stdout)["findings"], full


def _codes(findings: list[dict[str, object]]) -> set[object]:
    return {f["code"] for f in findings}


def test_a_second_run_is_answered_from_the_cache_with_the_same_findings(repo: GitRepo) -> None:
    first = _lint()
    second = _lint()
    assert first[2] and not second[2]  # the second never imported a rule
    assert first[:2] == second[:2]
    assert _lint(PROMPT)[2] is False  # one file of the registry: also from the cache
    assert _lint("--no-cache")[:2] == first[:2]


def test_the_cached_answer_names_files_as_the_full_run_does(repo: GitRepo) -> None:
    repo.write(PROMPT, repo.path("support/summarize-ticket").read_text() + "\ttab: 1\n")
    full = _lint(PROMPT)
    quick = _lint(PROMPT)
    assert full[2] and not quick[2]
    assert full[1] and full[1] == quick[1]
    assert {f["path"] for f in quick[1]} == {PROMPT}


def test_an_edited_file_is_linted_again(repo: GitRepo) -> None:
    _lint(PROMPT)
    text = repo.path("support/summarize-ticket").read_text()
    repo.write(PROMPT, text.replace("tier: 2", "tier: 7"))
    status, findings, full = _lint(PROMPT)
    assert full and status == 1 and findings


def test_a_commit_moves_head_and_the_next_run_is_full(repo: GitRepo) -> None:
    _lint()
    repo.write("notes.txt", "unrelated\n")
    repo.commit("a commit elsewhere")
    assert _lint()[2]
    assert not _lint()[2]


def test_a_changed_signers_file_is_seen(repo: GitRepo) -> None:
    _lint()
    repo.allow_signers("mei@example.com")
    assert _lint()[2]


def _record(
    repo: GitRepo, prompt_id: str, age: dt.timedelta, *, passed: bool = True
) -> dt.datetime:
    """Passing results for every case of the prompt, answered `age` ago; when."""
    settings = repo.settings
    spec = load_prompt(repo.path(prompt_id)).spec
    assert spec is not None
    answered = dt.datetime.now(dt.UTC).replace(microsecond=0) - age
    results = tuple(
        CaseResult(
            case=key.name,
            repeat=0,
            fingerprint=key.fingerprint(0),
            components=key.components(),
            passed=passed,
            answered_at=format_time(answered),
            run_at=format_time(answered),
            endpoint="127.0.0.1:8000",
            model_requested=key.model,
        )
        for key in case_keys(spec, settings)
    )
    path = results_path(settings, spec.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = ResultsFile(spec.id, spec.version, spec.content_hash, format_time(answered), results)
    path.write_text(document.dumps(), encoding="utf-8")
    return answered


def test_recorded_eval_results_are_seen(repo: GitRepo) -> None:
    _lint(TIER_3)
    _record(repo, "legal/dsar-triage", dt.timedelta(days=1))
    passing = _lint(TIER_3)
    assert passing[2] and not _codes(passing[1]) & {"G015", "G016", "G017"}
    assert not _lint(TIER_3)[2]
    _record(repo, "legal/dsar-triage", dt.timedelta(days=1), passed=False)
    failing = _lint(TIER_3)
    assert failing[2] and "G016" in _codes(failing[1])


def test_a_changed_judge_prompt_is_seen(repo: GitRepo) -> None:
    judge = repo.path("evals/rubric-judge")
    before = _lint()
    assert not _lint()[2]
    judge.write_text(judge.read_text().replace("rubric", "rubrics", 1), encoding="utf-8")
    assert _lint(TIER_3)[2]
    assert before[2]


def test_a_changed_configuration_or_selection_is_not_answered_from_the_memo(
    repo: GitRepo,
) -> None:
    _lint()
    assert _lint("--select", "S")[2]  # another selection: full
    assert not _lint("--select", "S")[2]
    repo.config.write_text(repo.config.read_text() + "\n# a comment\n", encoding="utf-8")
    assert _lint("--select", "S")[2]


def _memo_path(repo: GitRepo) -> Path:
    return repo.root / ".promptreg" / "cache" / MEMO_NAME


def _key(repo: GitRepo) -> str:
    return memo_key(repo.config, repo.config.read_bytes(), selection_args(None, (), ()))


def test_the_answer_expires_when_a_recorded_eval_answer_outlives_its_age_limit(
    repo: GitRepo,
) -> None:
    _lint()
    assert cached_answer(repo.config, selection_args(None, (), ()), []) is not None
    entries = read_entries(_memo_path(repo), MEMO_FORMAT, _key(repo))
    entries["memo"]["valid_until"] = time.time() - 1
    assert write_entries(_memo_path(repo), MEMO_FORMAT, _key(repo), entries)
    assert cached_answer(repo.config, selection_args(None, (), ()), []) is None


def test_the_memo_records_when_the_next_answer_expires(repo: GitRepo) -> None:
    _lint()
    memo = read_entries(_memo_path(repo), MEMO_FORMAT, _key(repo))["memo"]
    assert memo["valid_until"] is None  # nothing recorded: nothing can grow old
    answered = _record(repo, "legal/dsar-triage", dt.timedelta(days=29))
    _lint()
    memo = read_entries(_memo_path(repo), MEMO_FORMAT, _key(repo))["memo"]
    assert "eval_max_age_days: 30" in repo.config.read_text()
    assert memo["valid_until"] == (answered + dt.timedelta(days=30)).timestamp()


def test_a_memo_sealed_by_someone_else_is_not_believed(repo: GitRepo, tmp_path: Path) -> None:
    _lint()
    memo = _memo_path(repo)
    text = memo.read_text(encoding="utf-8")
    memo.write_text("0" * 64 + text[64:], encoding="utf-8")  # another seal
    assert cached_answer(repo.config, selection_args(None, (), ()), []) is None
    assert _lint()[2]


@pytest.mark.parametrize(
    "given",
    ["registry/nope.prompt.yaml", "promptreg.yaml", "README.md", "registry/empty"],
)
def test_paths_only_a_full_run_may_judge_are_never_answered_from_the_cache(
    repo: GitRepo, given: str
) -> None:
    _lint()
    (repo.root / "registry" / "empty").mkdir()
    (repo.root / "README.md").write_text("# readme\n", encoding="utf-8")
    assert cached_answer(repo.config, selection_args(None, (), ()), [Path(given)]) is None


def test_a_link_inside_the_registry_is_never_answered_from_the_cache(repo: GitRepo) -> None:
    _lint()
    support = repo.root / "registry" / "support"
    moved = repo.root / "elsewhere"
    support.rename(moved)
    support.symlink_to(moved)
    status, findings, full = _lint(PROMPT)
    assert full and status == 1 and "F013" in _codes(findings)


def test_a_results_folder_entry_linked_to_a_device_is_not_read(repo: GitRepo) -> None:
    """A pull request can commit `.promptreg/evals/x.json -> /dev/zero`: computing what
    the cached answer depends on must not read it (it would never end)."""
    folder = repo.root / EVALS
    folder.mkdir(parents=True)
    (folder / "x.json").symlink_to("/dev/zero")
    status, _, full = _lint(PROMPT)
    assert full and status in (0, 1)
    assert not _lint(PROMPT)[2]  # and the memo written then answers the next run
