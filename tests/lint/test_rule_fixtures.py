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
git repository where `base/<name>` was committed first and `<name>` is the working
copy, against `--base HEAD`. A working copy whose first line starts with `# deleted`
is removed instead (an approved prompt deleted, V005).

Approval provenance rules (G011 to G014) need a history: a folder with a `history/`
subfolder holds, per fixture, `history/<fixture name>/NN-EMAIL[.signed|.signed-unlisted]
.prompt.yaml`, the file's states committed in order by EMAIL (signed with a key that is,
or is not, in the allowed-signers file); see tests/test_provenance.py's history_repo.

Eval result rules (G015 to G017) read `.promptreg/evals/`: a folder with a `results/`
subfolder describes, per fixture, the recorded results in `results/<fixture name>.yaml`;
see tests/evals/fixture_results.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from promptreg.core.config import load_config
from promptreg.git.baseline import Baseline
from promptreg.lint.catalogue import RULES
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection

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
    settings = load_config(repo / "promptreg.yaml")
    linter = Linter(settings, selection, Baseline(settings, "HEAD"))
    findings = linter.lint_paths([settings.registry_dir]).findings
    return {(f.span.line, f.code) for f in findings}


def _id(item: tuple[str, Path]) -> str:
    return item[1].relative_to(FIXTURES).as_posix()


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
    if RULES[code].family == "R":
        # Whole-registry rules need a registry, not a file: tests/test_check.py builds
        # bad and good registries for each of them.
        check_tests = (Path(__file__).parent / "test_check.py").read_text(encoding="utf-8")
        assert code in check_tests, f"{code} has no bad and good registry in test_check.py"
        return
    folder = FIXTURES / code
    assert any(folder.rglob("bad*.prompt.yaml")), f"no bad fixture for {code} in {folder}"
    assert any(folder.rglob("good*.prompt.yaml")), f"no good fixture for {code} in {folder}"
