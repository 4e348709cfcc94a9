"""llm-rubric: the registry's judge prompt grades an answer against a rubric.

The judge is an ordinary prompt of the registry (named by `evals.judge`), so it is
reviewed, versioned and approved like the prompts it grades, and its content hash is
part of every graded case's fingerprint. It is given two variables, `rubric` and
`output`, and must answer with JSON: `{"pass": true, "score": 0.9, "reason": "..."}`.
"""

from __future__ import annotations

import json
from typing import Any

from promptreg.core.model import PromptSpec
from promptreg.evals.assertion import Verdict, quote
from promptreg.evals.client import Connection
from promptreg.evals.grading import CaseError
from promptreg.render.prompt import Prompt

JUDGE_VARIABLES = ("rubric", "output")


class Judge:
    def __init__(self, spec: PromptSpec, connection: Connection) -> None:
        missing = [name for name in JUDGE_VARIABLES if name not in spec.variables]
        if missing:
            raise CaseError(
                f"the judge prompt {spec.id} has no variable {', '.join(missing)}",
                location=spec.location(("variables",), key=True),
                hint="a judge prompt takes `rubric` and `output` (docs/evals.md shows one)",
            )
        self.spec = spec
        self.prompt = Prompt(spec)
        self.model = connection.endpoint.model_for(spec.model.name)

    def request(self, rubric: str, output: str) -> dict[str, Any]:
        request = self.prompt.openai_chat(rubric=rubric, output=output)
        request["model"] = self.model
        return request


def verdict(text: str, threshold: float) -> Verdict:
    """The judge's answer as a verdict; an answer that is not the agreed JSON fails."""
    start = text.find("{")
    try:
        data: Any = json.JSONDecoder().raw_decode(text, start)[0] if start >= 0 else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Verdict(False, f"the judge's answer is not JSON: {quote(text)}")
    score = data.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        score = 1.0 if data.get("pass") is True else 0.0
    score = min(1.0, max(0.0, float(score)))
    reason = str(data.get("reason", ""))[:300]
    passed = score >= threshold and data.get("pass") is not False
    words = f"score {score:.2f} (threshold {threshold:.2f})"
    return Verdict(passed, f"{words}: {reason}" if reason else words, score)
