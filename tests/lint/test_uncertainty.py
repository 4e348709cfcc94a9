"""Q001 recognises the ordinary ways of telling a model what to do when it is unsure."""

from __future__ import annotations

import pytest

from promptreg.lint.rules.uncertainty import UNCERTAINTY_RE

PASS = [
    "If the ticket does not say, write 'not stated'; never guess.",
    "Do not guess.",
    "Don't make things up.",
    "Never invent figures.",
    "Do not speculate about the cause.",
    "Do not fabricate citations.",
    "If you are not sure, say so.",
    "If you aren't certain, tell the agent.",
    "If in doubt, leave the field blank.",
    "When in doubt, ask the user a clarifying question.",
    "If the answer is not in the document, reply that you do not know.",
    "If the notes don't mention an owner, write 'owner: unknown'.",
    "When the contract is ambiguous, flag it for legal review.",
    "If the information is missing, say what is missing.",
    "If you cannot determine the category, choose 'other' and explain why.",
    "Where the policy is unclear, hand it over to a human.",
    "Answer 'unknown' when the date is not given.",
    "Say you don't know rather than guessing.",
    "Admit that you are unsure.",
    "Ask for clarification before answering.",
    "If the data is insufficient, stop.",
    "Without assuming anything, list the facts.",
    "If the text isn't clear about the amount, say the amount is not stated.",
    "Escalate to a person if you can't verify the identity.",
]

FAIL = [
    "Summarise the ticket in three sentences.",
    "Always give an answer.",
    "Make your best guess.",
    "Be confident and concise.",
    "Answer every question the customer asks.",
    "Write the reply in a friendly tone.",
    "Classify the ticket as billing, technical or other.",
    "Use only the text inside <ticket> tags.",
    "If the customer is angry, apologise once.",
    "Handle unknown product names by listing them.",
    "When the ticket is long, summarise the last message first.",
    "Assume the reader is an engineer.",
]


@pytest.mark.parametrize("text", PASS)
def test_phrasings_that_tell_the_model_what_to_do(text: str) -> None:
    assert UNCERTAINTY_RE.search(text), text


@pytest.mark.parametrize("text", FAIL)
def test_phrasings_that_do_not(text: str) -> None:
    assert not UNCERTAINTY_RE.search(text), UNCERTAINTY_RE.search(text)
