"""`--dry-run`: every case rendered and counted offline, with what the run would cost.

Nothing is sent and no client is made. Input tokens are counted with the model's
encoding, plus the chat format's overhead (3 tokens a message, 3 to start the answer);
output tokens are the prompt's `max_output_tokens`, an upper bound (or unknown when
neither the prompt nor `models:` says). llm-rubric cases add the judge's request, whose
input includes the answer it grades, counted at that same upper bound.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from promptreg.core.config import Settings
from promptreg.evals.client import Connection
from promptreg.evals.judge import Judge
from promptreg.evals.plan import PlannedPrompt, render_request

MESSAGE_OVERHEAD = 3
REPLY_OVERHEAD = 3


@dataclass(slots=True)
class Estimate:
    prompt: str
    model: str
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int | None = 0
    cost_usd: float | None = 0.0

    def add(self, tokens_in: int, tokens_out: int | None, price: Any) -> None:
        self.requests += 1
        self.input_tokens += tokens_in
        if tokens_out is None or self.output_tokens is None:
            self.output_tokens = None
        else:
            self.output_tokens += tokens_out
        if price is None or tokens_out is None or self.cost_usd is None:
            self.cost_usd = None
        else:
            self.cost_usd += (tokens_in * price.input + tokens_out * price.output) / 1e6


def _count(count_tokens: Callable[[str, str], int], encoding: str, text: str) -> int:
    return count_tokens(text, encoding)


def _request_tokens(request: dict[str, Any], count: Callable[[str], int]) -> int:
    messages = request["messages"]
    return sum(count(m["content"]) + MESSAGE_OVERHEAD for m in messages) + REPLY_OVERHEAD


def estimate(
    prompts: Iterable[PlannedPrompt],
    settings: Settings,
    connection: Connection,
    count_tokens: Callable[[str, str], int],
    judge: Judge | None,
) -> list[Estimate]:
    estimates = []
    for planned in prompts:
        spec = planned.spec
        model = connection.endpoint.model_for(spec.model.name)
        info = settings.models.get(spec.model.name)
        out = spec.model.max_output_tokens or (info.max_output_tokens if info else None)
        price = settings.evals.prices.get(model) or settings.evals.prices.get(spec.model.name)
        row = Estimate(spec.id, model)
        count = functools.partial(_count, count_tokens, planned.encoding)
        for case in planned.cases:
            request = render_request(planned, case, connection)
            tokens = _request_tokens(request, count)
            for _ in range(planned.repeats):
                row.add(tokens, out, price)
                for assertion in case.judged:
                    assert judge is not None
                    _add_judge(row, judge, assertion.value, out, settings, count_tokens)
        estimates.append(row)
    return estimates


def _add_judge(
    row: Estimate,
    judge: Judge,
    rubric: str,
    answer_tokens: int | None,
    settings: Settings,
    count_tokens: Callable[[str, str], int],
) -> None:
    spec = judge.spec
    info = settings.models.get(spec.model.name)
    encoding = info.encoding if info else "o200k_base"
    request = judge.request(rubric, "")
    tokens = _request_tokens(request, lambda text: count_tokens(text, encoding))
    if answer_tokens is not None:
        tokens += answer_tokens
    price = settings.evals.prices.get(judge.model) or settings.evals.prices.get(spec.model.name)
    row.add(tokens, spec.model.max_output_tokens, price)


def _money(value: float | None) -> str:
    return "?" if value is None else f"${value:.4f}"


def write_estimates(estimates: Sequence[Estimate], out: TextIO, fmt: str) -> None:
    total_in = sum(e.input_tokens for e in estimates)
    outs = [e.output_tokens for e in estimates]
    total_out = None if any(o is None for o in outs) else sum(o for o in outs if o is not None)
    costs = [e.cost_usd for e in estimates]
    total_cost = None if any(c is None for c in costs) else sum(c for c in costs if c is not None)
    if fmt == "json":
        rows = [
            {
                "prompt": e.prompt,
                "model": e.model,
                "requests": e.requests,
                "input_tokens": e.input_tokens,
                "output_tokens_at_most": e.output_tokens,
                "cost_usd_at_most": e.cost_usd,
            }
            for e in estimates
        ]
        total = {
            "requests": sum(e.requests for e in estimates),
            "input_tokens": total_in,
            "output_tokens_at_most": total_out,
            "cost_usd_at_most": total_cost,
        }
        out.write(json.dumps({"prompts": rows, "total": total}, indent=2) + "\n")
        return
    width = max([len(e.prompt) for e in estimates] + [6])
    header = "REQUESTS  INPUT TOKENS  OUTPUT TOKENS (AT MOST)  COST (AT MOST)"
    out.write(f"{'PROMPT'.ljust(width)}  {header}\n")
    for e in estimates:
        output = "?" if e.output_tokens is None else f"{e.output_tokens:,}"
        out.write(
            f"{e.prompt.ljust(width)}  {e.requests:>8,}  {e.input_tokens:>12,}  "
            f"{output:>23}  {_money(e.cost_usd):>14}\n"
        )
    requests = sum(e.requests for e in estimates)
    output = "?" if total_out is None else f"{total_out:,}"
    out.write(
        f"{'total'.ljust(width)}  {requests:>8,}  {total_in:>12,}  {output:>23}  "
        f"{_money(total_cost):>14}\n"
    )
    if total_cost is None:
        out.write("? = unknown: no max_output_tokens, or no price in evals.prices\n")
