"""The sentences `promptreg new` scaffolds for a person to replace.

One list, read by the scaffold that writes them and by the rule (Q012) that reports
them left in, so the two cannot drift apart.
"""

from __future__ import annotations

DESCRIPTION = "Say what this prompt does, who reads its output and what they do with it."
TASK = "Describe the task, the audience and the output you want."
HANDOFF_AI = "What the model produces."
HANDOFF_HUMAN = "What a person checks or decides before the output is used."
LIMITATIONS = "What this prompt cannot do, in plain words."
EVAL_INPUT = "Replace with a realistic input."

PLACEHOLDERS: tuple[str, ...] = (
    DESCRIPTION,
    TASK,
    HANDOFF_AI,
    HANDOFF_HUMAN,
    LIMITATIONS,
    EVAL_INPUT,
)
