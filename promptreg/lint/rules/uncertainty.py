"""What Q001 counts as telling the model what to do when it is unsure.

Kept apart from the Q rules because it is a vocabulary, tuned by the table in
tests/lint/test_uncertainty.py (phrasings that must pass and must not).
"""

from __future__ import annotations

import re

_DOUBT = (
    r"(?:not|n't)\s+(?:sure|certain|confident|clear)|unsure|uncertain|in\s+doubt|unclear|"
    r"ambiguous|(?:do|does|did)\s*(?:not|n't)\s+(?:know|say|mention|state|contain|include|"
    r"cover|answer|give|specify)|(?:is|are)\s*(?:not|n't)\s+(?:given|stated|provided|"
    r"mentioned|specified|available|known|included)|(?:is|are)\s+(?:missing|insufficient|incomplete)|"
    r"(?:cannot|can't|can\s+not)\s+(?:tell|determine|find|answer|verify|confirm|be\s+sure)"
)
UNCERTAINTY_RE = re.compile(
    # What to do named outright.
    r"\b(?:never|do\s*(?:not|n't)|without|avoid|no)\s+(?:guess|guessing|speculat\w*|"
    r"mak(?:e|ing)\s+(?:things|anything|something|it|up)|invent\w*|fabricat\w*|"
    r"assum\w*|mak(?:e|ing)\s+up)\b"
    r"|\b(?:not\s+stated|not\s+provided|not\s+enough\s+information|"
    r"insufficient\s+(?:information|evidence|data)|ask\s+(?:for\s+clarification|"
    r"(?:the\s+user\s+)?(?:a\s+)?(?:clarifying|follow-up)\s+questions?)|say\s+so|"
    r"(?:say|admit|answer|reply|respond|write|state)\s+(?:with\s+)?(?:that\s+)?"
    r"(?:you\s+)?(?:do\s*(?:not|n't)\s+know|are\s+(?:not\s+sure|unsure)|"
    r"[\"']?(?:unknown|i\s+don't\s+know|i\s+do\s+not\s+know|n/a)\b)|"
    r"flag\s+(?:it\s+|this\s+|them\s+)?for|needs?\s+(?:human\s+)?review|"
    r"(?:hand|pass|escalate|refer)\s+(?:it\s+|this\s+)?(?:over\s+)?to\s+a\s+(?:human|person)|"
    r"leave\s+(?:it|the\s+field|that\s+field)\s+(?:blank|empty)|"
    r"not\s+(?:in|covered\s+by)\s+the)\b"
    # A condition of doubt, which the sentence then answers.
    rf"|\b(?:if|when|where|whenever)\b[^.;:!?\n]{{0,60}}?(?:{_DOUBT})",
    re.IGNORECASE,
)
"""Wordings that tell the model what to do when it is unsure: a named fallback ("never
guess", "write 'not stated'", "ask a clarifying question"), or a condition of doubt
("if you are not sure", "when the ticket does not say", "if in doubt") that the
sentence goes on to answer. tests/lint/test_uncertainty.py holds the table."""
