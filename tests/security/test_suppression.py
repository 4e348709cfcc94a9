"""Class: a prompt file switching off its own governance.

The attack: the author commits a tier 3 prompt carrying approvals she typed in herself
(the reviewers never committed them, so G011 refuses them) and waives G011 in the same
file, inline and in `lint.ignore`, with a plausible reason. A governance finding is the
organisation's to waive, in promptreg.yaml, never the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from promptreg.cli.main import main
from promptreg.core.yamlio import read_document
from promptreg.lint import suppress
from promptreg.lint.catalogue import code_of
from tests.gitrepo import DANA, GitRepo

REPO = Path(__file__).resolve().parents[2]
RELATIVE = "registry/legal/contract-clause-risk.prompt.yaml"


def forged(waive_inline: bool, waive_file: bool) -> str:
    """The approved registry prompt, as its author would commit it without the reviewers."""
    text = (REPO / RELATIVE).read_text(encoding="utf-8")
    if waive_inline:
        text = re.sub(
            r"(?m)^(  - reviewer: \S+)$",
            r"\1  # promptreg: ignore[G011] approved in the meeting",
            text,
        )
    if waive_file:
        assert "\nlint:" not in text
        text += (
            "lint:\n  ignore:\n"
            "    - {rule: G011, reason: Approved in the review meeting.}\n"
            "    - {rule: approval-not-committed-by-reviewer, reason: Same meeting.}\n"
        )
    return text


def lint(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(
        ["lint", "--no-cache", "--config", str(repo.config), *args, str(repo.root / RELATIVE)]
    )
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return status, out.out + out.err


@pytest.mark.parametrize(
    ("waive_inline", "waive_file"), [(True, False), (False, True), (True, True)]
)
def test_a_forged_approval_cannot_be_waived_from_the_file(
    git_repo: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
    waive_inline: bool,
    waive_file: bool,
) -> None:
    repo = git_repo(identity=DANA)
    repo.write(RELATIVE, forged(waive_inline, waive_file))
    repo.commit("Add contract-clause-risk, approved in the meeting", DANA)

    status, out = lint(repo, capsys)

    assert status == 1, out
    codes = re.findall(r": (G\d{3}) \[", out)
    assert codes.count("G011") == 2, out  # both typed-in approvals, still reported
    assert "G018" in codes, out  # and the attempt itself is named
    assert "G010" not in codes, out  # not mistaken for an unused (harmless) suppression


def test_the_organisation_can_waive_it_in_promptreg_yaml(
    git_repo: Callable[..., GitRepo], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = git_repo(identity=DANA)
    repo.write(RELATIVE, forged(False, False))
    repo.edit_config("lint:\n", f"lint:\n  per_file_ignores:\n    {RELATIVE}: [G011]\n")
    repo.commit("Add contract-clause-risk; the organisation waives G011 for it", DANA)

    status, out = lint(repo, capsys)

    assert "G011" not in out
    assert "G018" not in out
    assert status == 0, out


def test_suppression_text_inside_a_quoted_key_is_not_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "x.prompt.yaml"
    path.write_text(
        "output:\n"
        "  schema:\n"
        "    properties:\n"
        '      "note # promptreg: ignore[Q010] a reason": {type: string}\n'
        "      plain: {type: string}  # promptreg: ignore[Q010] a real comment\n",
        encoding="utf-8",
    )
    document = read_document(path)
    found = suppress.inline_suppressions(document, code_of)
    assert [s.span.line for s in found] == [5]
