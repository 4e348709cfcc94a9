"""The cached answer printed as plain text straight from the stored findings
(promptreg.cli.lint): the same bytes and exit status as the full run that stored them.

Each test makes a real repository holding the embedded registry, lints once in a fresh
interpreter (the full run writes the memo and the result cache), then again, and checks
that the second run took the cached path and printed exactly what the first printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.core.paths import shown_name, shown_path
from promptreg.core.walk import walk_names, walk_registry
from tests.gitrepo import GitRepo

PROMPT = "registry/support/summarize-ticket.prompt.yaml"


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    made = git_repo("text", registry=True)
    made.commit("registry")
    monkeypatch.chdir(made.root)
    return made


def _lint(*args: str, cwd: Path | None = None) -> tuple[int, str, bool]:
    """Exit status, stdout, and whether the run loaded the rule catalogue. Output goes
    to a pipe, as in a hook or CI: plain text, no colour, no source lines."""
    code = (
        "import sys\n"
        "from promptreg.cli.main import main\n"
        f"status = main({['lint', *args]!r})\n"
        "sys.stderr.write('\\nFULL' if 'promptreg.lint.catalogue' in sys.modules else '\\nQUICK')\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env=env,
    )
    assert "Traceback" not in process.stderr, process.stderr
    return process.returncode, process.stdout, process.stderr.rstrip().endswith("FULL")


def _add_findings(repo: GitRepo) -> None:
    """Findings with text the printer must escape: a right-to-left override in a file's
    name (its id no longer matches its path) and in a quoted owner."""
    text = repo.path("support/summarize-ticket").read_text()
    repo.write(PROMPT, text.replace("owner: ", "owner: te\u202eam-", 1))
    repo.write("registry/support/odd\u202ename.prompt.yaml", text)


def _add_warning(repo: GitRepo) -> None:
    """Trailing whitespace in a message: Q005, a warning."""
    text = repo.path("support/summarize-ticket").read_text()
    repo.write(PROMPT, text.replace("{{ customer_tier }}", "{{ customer_tier }}   ", 1))


@pytest.mark.parametrize("quiet", [(), ("-q",)], ids=["summary", "quiet"])
def test_the_cached_text_is_the_full_runs_text(repo: GitRepo, quiet: tuple[str, ...]) -> None:
    _add_findings(repo)
    full = _lint(*quiet)
    cached = _lint(*quiet)
    assert full[2] and not cached[2]
    assert full[:2] == cached[:2]
    assert full[0] == 1  # the owner is unknown: an error
    assert "odd\\u202ename" in cached[1]  # the name as printed: escaped
    assert "\u202e" not in cached[1]
    lines = cached[1].splitlines()
    if quiet:
        assert all(line.startswith("registry/") for line in lines)
    else:
        assert lines[-1].startswith("Found ") and lines[-1].endswith(" files.")


def test_one_file_and_a_folder_are_named_as_the_full_run_names_them(repo: GitRepo) -> None:
    _add_findings(repo)
    for target in (PROMPT, f"./{PROMPT}", "registry/support", "registry/support/"):
        full = _lint("-q", "--no-cache", target)
        _lint("-q", target)  # leaves the memo for this selection
        cached = _lint("-q", target)
        assert not cached[2]
        assert cached[:2] == full[:2], target
        assert f"\n{PROMPT}:" in f"\n{cached[1]}"  # as given, normalised, or walked


def test_files_outside_the_working_directory_are_named_relative_to_it(repo: GitRepo) -> None:
    _add_findings(repo)
    elsewhere = repo.root / "elsewhere"
    elsewhere.mkdir()
    config = str(repo.root / "promptreg.yaml")
    target = f"../{PROMPT}"
    full = _lint("-q", "--no-cache", "--config", config, target, cwd=elsewhere)
    _lint("-q", "--config", config, target, cwd=elsewhere)
    cached = _lint("-q", "--config", config, target, cwd=elsewhere)
    assert not cached[2]
    assert cached[:2] == full[:2]
    assert cached[1].startswith(f"../{PROMPT}:")


def test_exit_zero_and_the_failing_severity_hold_for_the_cached_text(repo: GitRepo) -> None:
    _add_warning(repo)
    full = _lint("-q", "--select", "Q")
    cached = _lint("-q", "--select", "Q")
    assert full[2] and not cached[2]
    assert full[:2] == cached[:2] and cached[0] == 0
    assert cached[1].startswith(f"{PROMPT}:") and " Q005 [warning] " in cached[1]
    assert cached[1].count("\n") == 1
    repo.edit_config("lint:\n", "lint:\n  fail_on: warning\n")
    assert _lint("-q", "--select", "Q")[:2] == (1, cached[1])  # a new configuration: full
    status, printed, full_again = _lint("-q", "--select", "Q")
    assert (status, printed, full_again) == (1, cached[1], False)
    assert _lint("-q", "--select", "Q", "--exit-zero")[:2] == (0, cached[1])


def test_a_clean_run_prints_the_summary_alone(repo: GitRepo) -> None:
    full = _lint("--select", "F", PROMPT)
    cached = _lint("--select", "F", PROMPT)
    assert full[2] and not cached[2]
    assert full[:2] == cached[:2] == (0, "All checks passed (1 file).\n")


def test_names_sort_as_their_paths_do(tmp_path: Path) -> None:
    names = ["a/b", "a-c", "a.b", "A", "a b", "ab", "a/-", "a/b/c", "b", "a0"]
    for name in names:
        folder = tmp_path / "registry" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "x.prompt.yaml").write_text("id: x\n")
    for root in (tmp_path / "registry", Path(os.path.relpath(tmp_path / "registry"))):
        files, links = walk_names(root)
        assert [Path(name) for name in files] == walk_registry(root)[0]
        assert files == [str(path) for path in sorted(Path(name) for name in files)]
        assert links == []


def test_a_shown_name_is_the_shown_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inner").mkdir()
    for spelt in ("inner/x.prompt.yaml", "./inner//x.prompt.yaml", "../x.prompt.yaml", "/x"):
        assert shown_name(Path(spelt)) == str(shown_path(Path(spelt)))
        assert shown_name(spelt) == str(shown_path(Path(spelt)))
