"""`promptreg bump` and the round-trip edits under it, on real git repositories.

The prompt carries comments in every awkward place (end of line, between keys, inside
and after the changelog, end of file); each test checks that bump changed only the
version line and added the changelog entry, and that every other byte is as it was.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.config import load_config
from promptreg.core.loader import load_prompt
from promptreg.core.model import Approval, ChangelogEntry
from promptreg.edit.rewrite import EditError, approval_text, bump_text
from promptreg.git.baseline import Baseline
from promptreg.lint.runner import Linter
from promptreg.lint.select import Selection
from tests.gitrepo import REPO, GitRepo

PROMPT_ID = "support/summarize-ticket"
RELATIVE = f"registry/{PROMPT_ID}.prompt.yaml"
TODAY = dt.date.today().isoformat()


def _commented(text: str) -> str:
    """The registry prompt with comments added at the places round trips get wrong."""
    for old, new in (
        ("\nversion: 1.3.0\n", "\nversion: 1.3.0            # semver; `promptreg bump` sets it\n"),
        ("\nmodel:\n", "\n# Model settings were load-tested by support-platform.\nmodel:\n"),
        ("\nchangelog:\n", "\n# Newest first.\nchangelog:\n  # one entry per released version\n"),
        ("lockouts.\n", "lockouts.  # v1.2\n"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text + "# end of file: keep this comment\n"


COMMENTED = _commented((REPO / RELATIVE).read_text(encoding="utf-8"))
TIER_LINE = "      Customer tier: {{ customer_tier }}\n\n"
TIER_VARIABLE = re.compile(r"(?m)^  customer_tier:\n(?:    .*\n)+")
LANGUAGE_VARIABLE = """\
  language:
    type: string
    description: Language of the summary.
    trusted: true
    required: false
    default: en
"""


def message_edit(text: str) -> str:
    return text.replace("Never guess.", "Never guess or invent details.")


def optional_added(text: str) -> str:
    return text.replace("messages:\n", LANGUAGE_VARIABLE + "messages:\n", 1)


def variable_removed(text: str) -> str:
    assert TIER_LINE in text and TIER_VARIABLE.search(text)
    return TIER_VARIABLE.sub("", text.replace(TIER_LINE, ""))


pytestmark = pytest.mark.usefixtures("isolated_home")  # git reads no user configuration


def registry_at(root: Path, text: str = COMMENTED) -> Path:
    (root / "registry" / "support").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    (root / RELATIVE).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def repo(git_repo: Callable[..., GitRepo]) -> GitRepo:
    """The commented prompt, committed at 1.3.0."""
    repo = git_repo()
    repo.write(RELATIVE, COMMENTED)
    repo.commit("Add summarize-ticket")
    return repo


def bump(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["bump", PROMPT_ID, *args, "--config", str(config)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Lines removed from `before` and lines added in `after`, in order."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def entry_lines(version: str, summary: str) -> list[str]:
    return [f"  - version: {version}", f"    date: {TODAY}", f"    summary: {summary}"]


# --- level suggestion and refusal -------------------------------------------------------------


def test_message_edit_is_a_patch_and_every_comment_stays(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = message_edit(COMMENTED)
    repo.path(PROMPT_ID).write_text(edited, encoding="utf-8")
    status, out, err = bump(capsys, repo.config)
    assert status == 0, err
    assert "1.3.0 → 1.3.1 (patch; patch needed: message text changed)" in out
    after = repo.path(PROMPT_ID).read_text(encoding="utf-8")
    removed, added = changed_lines(edited, after)
    # An approved prompt whose content changed goes back to review: nobody approved it.
    assert removed == [
        "version: 1.3.0            # semver; `promptreg bump` sets it",
        "status: approved",
    ]
    assert added == [
        "version: 1.3.1            # semver; `promptreg bump` sets it",
        "status: review",
        *entry_lines("1.3.1", "Message text changed."),
    ]
    assert "status: approved → review" in out
    assert after.index("  # one entry per released version\n  - version: 1.3.1") > 0
    assert after.endswith("# end of file: keep this comment\n")


def test_optional_variable_suggests_minor(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.path(PROMPT_ID).write_text(optional_added(COMMENTED), encoding="utf-8")
    status, out, _ = bump(capsys, repo.config)
    assert status == 0
    assert "→ 1.4.0 (minor; minor needed: optional variable 'language' was added)" in out
    spec = load_prompt(repo.path(PROMPT_ID)).spec
    assert spec is not None and spec.version == "1.4.0"
    assert spec.changelog[0].summary == "Optional variable 'language' was added."


def test_breaking_change_suggests_major_and_refuses_less(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = variable_removed(COMMENTED)
    repo.path(PROMPT_ID).write_text(broken, encoding="utf-8")
    for level in ("minor", "patch"):
        status, out, err = bump(capsys, repo.config, level)
        assert status == 2
        assert (
            f"breaking change (variable 'customer_tier' was removed) needs a major bump, "
            f"not {level}" in err
        )
        assert repo.path(PROMPT_ID).read_text(encoding="utf-8") == broken
    status, out, _ = bump(capsys, repo.config)
    assert status == 0
    assert "1.3.0 → 2.0.0 (major" in out
    spec = load_prompt(repo.path(PROMPT_ID)).spec
    assert spec is not None and spec.version == "2.0.0"


def test_higher_level_than_needed_and_message(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.path(PROMPT_ID).write_text(message_edit(COMMENTED), encoding="utf-8")
    status, _, _ = bump(capsys, repo.config, "minor", "-m", "Ask the model not to invent, too.")
    assert status == 0
    text = repo.path(PROMPT_ID).read_text(encoding="utf-8")
    assert "\n".join(entry_lines("1.4.0", "Ask the model not to invent, too.")) in text


def test_bumped_result_passes_the_version_rules(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.path(PROMPT_ID).write_text(variable_removed(COMMENTED), encoding="utf-8")
    settings = load_config(repo.config)
    selection = Selection.build(select=["V"])
    before = Linter(settings, selection, Baseline(settings, "HEAD")).lint_file(repo.path(PROMPT_ID))
    assert {f.code for f in before} == {"V001"}
    assert bump(capsys, repo.config)[0] == 0
    after = Linter(settings, selection, Baseline(settings, "HEAD")).lint_file(repo.path(PROMPT_ID))
    assert after == []


# --- repeated bumps, bumps by hand, nothing to bump ---------------------------------------------


def test_no_content_change_needs_no_bump(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = bump(capsys, repo.config)
    assert status == 0 and "no bump is needed" in err and out == ""
    assert repo.path(PROMPT_ID).read_text(encoding="utf-8") == COMMENTED
    status, out, _ = bump(capsys, repo.config, "patch", "-m", "Re-release for the new model.")
    assert status == 0 and "1.3.0 → 1.3.1 (patch; no content change since HEAD)" in out


def test_bumping_again_moves_the_unreleased_version(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.path(PROMPT_ID).write_text(message_edit(COMMENTED), encoding="utf-8")
    assert bump(capsys, repo.config)[0] == 0
    path = repo.path(PROMPT_ID)
    path.write_text(variable_removed(path.read_text(encoding="utf-8")), encoding="utf-8")
    status, out, _ = bump(capsys, repo.config)
    assert status == 0 and "1.3.1 → 2.0.0" in out
    spec = load_prompt(repo.path(PROMPT_ID)).spec
    assert spec is not None
    assert [e.version for e in spec.changelog] == ["2.0.0", "1.3.0", "1.2.0", "1.0.0"]
    assert spec.changelog[0].summary == "Message text changed."  # kept: it was written for it
    status, out, _ = bump(capsys, repo.config)
    assert status == 0 and "already at 2.0.0 with a changelog entry" in out


def test_version_bumped_by_hand_gets_its_changelog_entry(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = message_edit(COMMENTED).replace("version: 1.3.0 ", "version: 1.4.0 ", 1)
    repo.path(PROMPT_ID).write_text(edited, encoding="utf-8")
    status, out, _ = bump(capsys, repo.config)
    assert status == 0 and "→ 1.4.0 (minor" in out
    removed, added = changed_lines(edited, repo.path(PROMPT_ID).read_text(encoding="utf-8"))
    assert removed == ["status: approved"]
    assert added == ["status: review", *entry_lines("1.4.0", "Message text changed.")]


def test_against_another_base(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("tag", "v1.3.0")
    repo.path(PROMPT_ID).write_text(message_edit(COMMENTED), encoding="utf-8")
    repo.commit("edit, committed without a bump")
    status, out, _ = bump(capsys, repo.config, "--base", "v1.3.0")
    assert status == 0 and "1.3.0 → 1.3.1" in out
    status, _, err = bump(capsys, repo.config, "--base", "no-such-ref")
    assert status == 2 and "'no-such-ref' is not a commit" in err


# --- without a base -----------------------------------------------------------------------------


def test_new_file_at_the_base_bumps_its_own_version(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    other = repo.root / "registry" / "support" / "new-one.prompt.yaml"
    other.write_text(COMMENTED.replace(f"id: {PROMPT_ID}", "id: support/new-one"), "utf-8")
    capsys.readouterr()
    status = main(["bump", "support/new-one", "--config", str(repo.config)])
    out = capsys.readouterr().out
    assert status == 0 and "1.3.0 → 1.3.1 (patch; new since HEAD)" in out


def test_a_repository_without_commits_counts_as_new(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_repo("fresh")
    repo.write(RELATIVE, COMMENTED)
    status, out, _ = bump(capsys, repo.config)
    assert status == 0 and "1.3.0 → 1.3.1 (patch; new since HEAD)" in out


def test_outside_git_needs_an_explicit_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = registry_at(tmp_path / "plain")
    status, _, err = bump(capsys, root / "promptreg.yaml")
    assert status == 2
    assert "not inside a git repository" in err and "give the level explicitly" in err
    assert (root / RELATIVE).read_text(encoding="utf-8") == COMMENTED
    status, out, _ = bump(capsys, root / "promptreg.yaml", "minor", "-m", "New wording.")
    assert status == 0 and "1.3.0 → 1.4.0 (minor; not compared: no git repository)" in out


def test_changelog_is_created_in_its_canonical_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO / "registry/research/literature-digest.prompt.yaml").read_text("utf-8")
    text = re.sub(r"(?ms)^changelog:\n.*", "lint:\n  ignore: []\n", text)
    root = tmp_path / "plain"
    (root / "registry" / "research").mkdir(parents=True)
    shutil.copy(REPO / "promptreg.yaml", root / "promptreg.yaml")
    path = root / "registry/research/literature-digest.prompt.yaml"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    status = main(
        ["bump", "research/literature-digest", "patch", "--config", str(root / "promptreg.yaml")]
    )
    assert status == 0
    removed, added = changed_lines(text, path.read_text(encoding="utf-8"))
    assert removed == ["version: 0.3.0"]
    assert added == [
        "version: 0.3.1",
        "changelog:",
        f"  - {{version: 0.3.1, date: {TODAY}, summary: Version bump.}}",
    ]
    assert path.read_text(encoding="utf-8").endswith(
        "summary: Version bump.}\nlint:\n  ignore: []\n"
    )


def test_a_file_bump_cannot_edit_safely_is_left_alone(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Valid YAML, but the second entry is indented unlike the first: ruamel would re-indent it.
    odd = message_edit(COMMENTED).replace("  - version: 1.2.0\n", "  -   version: 1.2.0\n")
    odd = odd.replace("    date: 2026-06-03\n", "      date: 2026-06-03\n")
    odd = odd.replace("    summary: Add the urgent", "      summary: Add the urgent")
    repo.path(PROMPT_ID).write_text(odd, encoding="utf-8")
    assert load_prompt(repo.path(PROMPT_ID)).spec is not None
    status, _, err = bump(capsys, repo.config)
    assert status == 2 and "nothing was written" in err
    assert repo.path(PROMPT_ID).read_text(encoding="utf-8") == odd


# --- the edit functions directly -----------------------------------------------------------------


APPROVAL = Approval("mei@example.com", "compliance", "2026-12-01", "sha256:" + "a" * 64)
ENTRY = ChangelogEntry("1.1.0", "2026-12-01", "Ask for brevity, politely: please.")
SCAFFOLDED = """\
# yaml-language-server: $schema=../../schemas/prompt.schema.json
id: ops/triage
version: '1.0.0'   # quoted on purpose
messages:
  - {role: user, content: hi}
approvals: []   # tier 3 needs 2 from compliance
changelog:
  - {version: 1.0.0, date: 2026-11-20, summary: First draft.}  # the first
# tail comment
"""


def test_edits_keep_quotes_flow_entries_and_comments() -> None:
    bumped = bump_text(SCAFFOLDED, "1.1.0", ENTRY)
    removed, added = changed_lines(SCAFFOLDED, bumped)
    assert removed == ["version: '1.0.0'   # quoted on purpose"]
    assert added == [
        "version: '1.1.0'   # quoted on purpose",
        "  - {version: 1.1.0, date: 2026-12-01, summary: 'Ask for brevity, politely: please.'}",
    ]
    approved = approval_text(SCAFFOLDED, APPROVAL)
    removed, added = changed_lines(SCAFFOLDED, approved)
    assert removed == ["approvals: []   # tier 3 needs 2 from compliance"]
    assert added == [
        "approvals:      # tier 3 needs 2 from compliance",
        "  - reviewer: mei@example.com",
        "    group: compliance",
        "    date: 2026-12-01",
        f"    content_hash: {APPROVAL.content_hash}",
    ]


def test_appended_approval_goes_above_the_comments_that_follow_the_list() -> None:
    text = (
        "id: a/b\nversion: 1.0.0\napprovals:\n  - reviewer: jo@example.com  # first\n"
        "    group: compliance\n    date: 2026-11-12\n    content_hash: sha256:x\n"
        "  # more approvals go here\n\n# Changelog below.\nchangelog: []\n"
    )
    result = approval_text(text, APPROVAL)
    assert result == text.replace(
        "    content_hash: sha256:x\n",
        "    content_hash: sha256:x\n  - reviewer: mei@example.com\n    group: compliance\n"
        f"    date: 2026-12-01\n    content_hash: {APPROVAL.content_hash}\n",
    )


def test_replacing_an_approval_keeps_its_place_and_comment() -> None:
    text = (
        "id: a/b\nversion: 1.0.0\napprovals:\n"
        "  - {reviewer: mei@example.com, group: compliance, date: 2026-10-01, "
        "content_hash: sha256:old}  # before the edit\n"
        "  - {reviewer: jo@example.com, group: compliance, date: 2026-10-02, "
        "content_hash: sha256:old}\n"
    )
    result = approval_text(text, APPROVAL, replace_index=0)
    assert result.splitlines()[3].startswith(
        f"  - {{reviewer: mei@example.com, group: compliance, date: 2026-12-01, "
        f"content_hash: {APPROVAL.content_hash}}}"
    )
    assert result.splitlines()[3].endswith(" # before the edit")
    assert result.splitlines()[4] == text.splitlines()[4]


def test_crlf_files_stay_crlf() -> None:
    crlf = SCAFFOLDED.replace("\n", "\r\n")
    result = bump_text(crlf, "1.1.0", ENTRY)
    assert result.count("\r\n") == result.count("\n") == SCAFFOLDED.count("\n") + 1


def test_edits_refuse_what_they_cannot_do_safely() -> None:
    with pytest.raises(EditError, match="not a block mapping"):
        bump_text("{id: a/b, version: 1.0.0}\n", "1.1.0", ENTRY)
    with pytest.raises(EditError, match="F002"):
        bump_text("id: a/b\nid: c/d\nversion: 1.0.0\n", "1.1.0", ENTRY)
    with pytest.raises(EditError, match="not a list"):
        approval_text("id: a/b\napprovals: {}\n", APPROVAL)
