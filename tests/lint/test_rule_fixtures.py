"""Every rule's bad and good fixtures, generated from tests/fixtures/rules/<CODE>/.

Layout: `<CODE>/**/bad*.prompt.yaml` must produce exactly the findings of that rule that
are marked on their lines with a trailing `# expect: CODE[, CODE...]` comment (block
scalars cannot hold comments, so a finding N lines into one is marked on the line of
its `|` indicator as `# expect: CODE@+N`); `<CODE>/**/good*.prompt.yaml` must
produce none. A fixture folder may carry its own promptreg.yaml; otherwise
tests/fixtures/rules/promptreg.yaml applies. Only the folder's rule (and the F family,
so a broken fixture cannot pass silently) is selected. A bad fixture that is a directory
(F012: unreadable file) expects the rule on line 1.

Version rules compare with git: a folder with a `base/` subfolder is linted in a fresh
git repository where `base/<name>` was committed first and `<name>` was committed on
top, against `--base HEAD~1` (G021 judges committed changes only). A working copy whose
first line starts with `# deleted` is removed instead (an approved prompt deleted, V005).

Approval provenance rules (G011 to G014) need a history: a folder with a `history/`
subfolder holds, per fixture, `history/<fixture name>/NN-EMAIL[.signed|.signed-unlisted]
.prompt.yaml`, the file's states committed in order by EMAIL (signed with a key that is,
or is not, in the allowed-signers file); see tests/test_provenance.py's history_repo.

Whole-registry rules (R) need a registry, not a file: each `<CODE>/bad*/` and
`<CODE>/good*/` directory is a project (a `registry/` and maybe a CODEOWNERS) that
`promptreg check` sees in a fresh git repository, with tests/fixtures/rules/
promptreg.yaml pointed at its registry. Its prompt files end in `.prompt.yaml.in`, so
that linting this folder does not read them as fixtures of their own; the `.in` is
dropped when the project is built. Marks work as above, in every file of the project.
R002 (paths that differ only in case) cannot be a fixture: such a pair breaks checkouts
on macOS and Windows. tests/lint/test_check.py builds its registries. Other registry
rules with `bad*/` directories (G019, a policy change) are built the same way; a
project's `base/` folder is committed first, the rest of it on top, and it is checked
against `--base HEAD~1`; a project with its own promptreg.yaml uses that one.

Eval result rules (G015 to G017) read `.promptreg/evals/`: a folder with a `results/`
subfolder describes, per fixture, the recorded results in `results/<fixture name>.yaml`;
see tests/evals/fixture_results.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.git.baseline import Baseline
from promptreg.lint.catalogue import RULES
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from promptreg.lint.session import LintSession
from tests.gitrepo import GitRepo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
EXPECT_RE = re.compile(
    r"#\s*expect:\s*([A-Z]\d{3}(?:@\+\d+)?(?:\s*,\s*[A-Z]\d{3}(?:@\+\d+)?)*)\s*$"
)


def _fixture_files(kind: str) -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir()
        for path in sorted(folder.rglob(f"{kind}*.prompt.yaml"))
        if "base" not in path.relative_to(folder).parts
    ]


def _expected(path: Path, code: str) -> set[tuple[int, str]]:
    if path.is_dir():
        return {(1, code)}
    expected = set()
    text = path.read_bytes().decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT_RE.search(line)
        for item in match.group(1).split(",") if match else ():
            code_part, _, offset = item.strip().partition("@+")
            expected.add((number + int(offset or 0), code_part))
    return expected


def _lint(code: str, path: Path, tmp_path: Path) -> set[tuple[int, str]]:
    folder = FIXTURES / code
    config = folder / "promptreg.yaml"
    selection = Selection.build(select=[code, "F"])
    if (folder / "base").is_dir():
        return _lint_against_git_base(folder, path, selection, tmp_path)
    if (folder / "history").is_dir():
        from tests.governance.test_provenance import history_repo

        settings, target = history_repo(folder, path, tmp_path)
        return {(f.span.line, f.code) for f in Linter(settings, selection).lint_file(target)}
    if (folder / "results").is_dir():
        from tests.evals.fixture_results import results_registry

        settings, target = results_registry(folder, path, FIXTURES / "promptreg.yaml", tmp_path)
        return {(f.span.line, f.code) for f in Linter(settings, selection).lint_file(target)}
    settings = load_config(config if config.is_file() else FIXTURES / "promptreg.yaml")
    findings = Linter(settings, selection).lint_file(path)
    return {(f.span.line, f.code) for f in findings}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={"PATH": os.environ["PATH"], "HOME": str(repo), "GIT_CONFIG_NOSYSTEM": "1"},
    )


def _lint_against_git_base(
    folder: Path, path: Path, selection: Selection, tmp_path: Path
) -> set[tuple[int, str]]:
    repo = tmp_path / "repo"
    target = repo / "registry" / "demo" / path.name
    target.parent.mkdir(parents=True)
    config = (FIXTURES / "promptreg.yaml").read_text(encoding="utf-8")
    (repo / "promptreg.yaml").write_text(
        config.replace("registry: no-registry-here", "registry: registry"), encoding="utf-8"
    )
    shutil.copyfile(folder / "base" / path.relative_to(folder), target)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    current = path.read_bytes()
    if current.startswith(b"# deleted"):
        target.unlink()
    else:
        target.write_bytes(current)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "change")
    settings = load_config(repo / "promptreg.yaml")
    linter = Linter(settings, selection, Baseline(settings, "HEAD~1"))
    findings = linter.lint_paths([settings.registry_dir]).findings
    return {(f.span.line, f.code) for f in findings}


def _id(item: tuple[str, Path]) -> str:
    return item[1].relative_to(FIXTURES).as_posix()


def _registry_cases(kind: str) -> list[tuple[str, Path]]:
    return [
        (folder.name, case)
        for folder in sorted(FIXTURES.iterdir())
        if folder.is_dir() and folder.name in RULES and _registry_folder(folder)
        for case in sorted(folder.glob(f"{kind}*"))
        if case.is_dir()
    ]


def _registry_folder(folder: Path) -> bool:
    """Whether the folder's cases are projects (R rules, and G019) rather than files; a
    bad*.prompt.yaml directory is a file case (F012: a path that cannot be read)."""
    projects = (c for c in folder.glob("bad*") if not c.name.endswith(".prompt.yaml"))
    return RULES[folder.name].family == "R" or any(c.is_dir() for c in projects)


def _project_files(case: Path, under: str = "") -> list[tuple[str, Path]]:
    """(path in the built project, fixture file) for every file of a registry case (of
    its `base/` folder with `under="base"`)."""
    top = case / under if under else case
    return [
        (file.relative_to(top).as_posix().removesuffix(".in"), file)
        for file in sorted(top.rglob("*"))
        if file.is_file() and (under or "base" not in file.relative_to(case).parts)
    ]


def _check_registry(code: str, case: Path, repo: GitRepo) -> set[tuple[str, int, str]]:
    config = (FIXTURES / "promptreg.yaml").read_text(encoding="utf-8")
    config = config.replace("registry: no-registry-here", "registry: registry")
    base = None
    if (case / "base").is_dir():
        repo.write("promptreg.yaml", config)
        for relative, file in _project_files(case, "base"):
            repo.write(relative, file.read_text(encoding="utf-8"))
        repo.commit("base")
        base = "HEAD~1"
    for relative, file in _project_files(case):
        repo.write(relative, file.read_text(encoding="utf-8"))
    if not (case / "promptreg.yaml").is_file():
        repo.write("promptreg.yaml", config)
    if base:
        repo.commit("change")
    with LintSession.open(repo.settings, select=[code], cache=False, base=base) as session:
        result = session.check_registry()
    assert result.files_checked == len(list((repo.root / "registry").rglob("*.prompt.yaml")))
    root = repo.root.resolve()
    return {
        (f.path.resolve().relative_to(root).as_posix(), f.span.line, f.code)
        for f in result.findings
    }


@pytest.mark.parametrize("item", _registry_cases("bad"), ids=_id)
def test_bad_registry_yields_exactly_the_marked_findings(
    item: tuple[str, Path], git_repo: Callable[..., GitRepo]
) -> None:
    code, case = item
    expected = {
        (relative, line, marked)
        for relative, file in _project_files(case)
        for line, marked in _expected(file, code)
    }
    assert any(marked == code for *_, marked in expected), f"{case} marks no {code}"
    assert _check_registry(code, case, git_repo(config=False)) == expected


@pytest.mark.parametrize("item", _registry_cases("good"), ids=_id)
def test_good_registry_is_clean(item: tuple[str, Path], git_repo: Callable[..., GitRepo]) -> None:
    code, case = item
    assert _check_registry(code, case, git_repo(config=False)) == set()


@pytest.mark.parametrize("item", _fixture_files("bad"), ids=_id)
def test_bad_fixture_yields_exactly_the_marked_findings(
    item: tuple[str, Path], tmp_path: Path
) -> None:
    code, path = item
    expected = _expected(path, code)
    assert expected, f"{path} marks no expected finding with `# expect: {code}`"
    assert any(c == code for _, c in expected)
    assert _lint(code, path, tmp_path) == expected


@pytest.mark.parametrize("item", _fixture_files("good"), ids=_id)
def test_good_fixture_is_clean(item: tuple[str, Path], tmp_path: Path) -> None:
    code, path = item
    assert _lint(code, path, tmp_path) == set()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_bad_and_good_fixtures(code: str) -> None:
    folder = FIXTURES / code
    if RULES[code].family == "R" or (folder.is_dir() and _registry_folder(folder)):
        if not folder.is_dir():
            # A registry no repository can hold: tests/lint/test_check.py builds it.
            check_tests = (Path(__file__).parent / "test_check.py").read_text(encoding="utf-8")
            assert code in check_tests, f"{code} has no bad and good registry in test_check.py"
            return
        for kind in ("bad", "good"):
            assert any(c.is_dir() for c in folder.glob(f"{kind}*")), f"no {kind}*/ in {folder}"
        return
    assert any(folder.rglob("bad*.prompt.yaml")), f"no bad fixture for {code} in {folder}"
    assert any(folder.rglob("good*.prompt.yaml")), f"no good fixture for {code} in {folder}"
