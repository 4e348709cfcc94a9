"""Workflow gap: edit -> review -> approve -> merge of an approved prompt, by two people,
through the real pre-commit hooks of this repository, without --no-verify or hand edits
of the approval record.

Sofia (a team lead) edits the approved tier-2 summariser and bumps it; Ravi (another
team lead) approves it; the branch is checked as CI would, merged, and served.
"""

from __future__ import annotations

from pathlib import Path

from promptreg.sdk.registry import Registry
from tests.test_hooks import TIER2, Consumer, Run, _git, _hook_line
from tests.test_hooks import consumer as consumer  # the fixtures, re-exported
from tests.test_hooks import hook_repo as hook_repo

PROMPT_ID = "support/summarize-ticket"
SOFIA = ("Sofia Author", "sofia@example.com")
RAVI = ("Ravi Reviewer", "ravi@example.com")


def _as(consumer: Consumer, who: tuple[str, str], *args: str, check: bool = True) -> Run:
    """git as `who`: both the configured identity (what `promptreg approve` reads) and
    the commit's author."""
    consumer.git("config", "user.email", who[1])
    consumer.git("config", "user.name", who[0])
    identity = ("-c", f"user.name={who[0]}", "-c", f"user.email={who[1]}")
    return _git(consumer.path, *identity, *args, env=consumer.env, check=check)


def _commit(consumer: Consumer, who: tuple[str, str], message: str) -> Run:
    consumer.git("add", "-A")
    return _as(consumer, who, "commit", "-m", message, check=False)


def test_edit_review_approve_merge_through_the_hooks(consumer: Consumer) -> None:
    main = consumer.git("rev-parse", "--abbrev-ref", "HEAD").output.strip()
    consumer.git("checkout", "-q", "-b", "shorter-summaries")
    consumer.edit(TIER2, '"summary": at most three sentences.', '"summary": at most two sentences.')

    bumped = consumer.promptreg("bump", PROMPT_ID, "-m", "Two sentences are enough.")
    assert bumped.status == 0, bumped.output
    assert "status: approved → review" in bumped.output
    assert "status: review" in consumer.read(TIER2)

    authored = _commit(consumer, SOFIA, "Shorter summaries")

    assert authored.status == 0, authored.output  # the stale approval is information
    for hook in ("promptreg lint", "promptreg fmt", "promptreg check"):
        assert "Passed" in _hook_line(authored.output, hook)

    _as(consumer, RAVI, "status")  # Ravi, in his clone, on the branch
    approved = consumer.promptreg("approve", PROMPT_ID)
    assert approved.status == 0, approved.output
    assert "set `status: approved`" in approved.output
    text = consumer.read(TIER2)
    assert "status: approved" in text and "reviewer: ravi@example.com" in text
    assert "reviewer: dana@example.com" not in text  # the stale entry went with it

    reviewed = _commit(consumer, RAVI, f"Approve {PROMPT_ID}")

    assert reviewed.status == 0, reviewed.output
    assert consumer.git("status", "--porcelain").output == ""
    log = consumer.git("log", "--format=%ae %s", "-3").output.splitlines()
    assert log[:2] == [
        f"ravi@example.com Approve {PROMPT_ID}",
        "sofia@example.com Shorter summaries",
    ]

    ci = consumer.promptreg("lint", "--base", main, "--no-cache", TIER2)  # as CI would
    assert ci.status == 0, ci.output
    assert consumer.promptreg("check", "--base", main).status == 0

    consumer.git("checkout", "-q", main)
    consumer.git("merge", "-q", "--no-ff", "-m", "Merge shorter-summaries", "shorter-summaries")
    prompt = Registry.open(Path(consumer.path)).get(PROMPT_ID)  # served: approved again
    assert "at most two sentences" in prompt.spec.messages[0].content
