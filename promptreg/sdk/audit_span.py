"""An audit record as the attributes of the current OpenTelemetry span, apart from
audit.py because only a process with a recording span needs it."""

from __future__ import annotations

from collections.abc import Mapping

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from promptreg.render.prompt import Prompt

_OPERATIONS = {"render": "chat", "openai_chat": "chat", "openai_responses": "chat"}


def span_attributes(prompt: Prompt, call: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as span attributes: GenAI semantic-convention names where one exists
    (`gen_ai.*`), the rest under `promptreg.*`. Values never go on a span: spans are
    exported to systems the prompt's logging level does not govern."""
    spec = prompt.spec
    model = spec.model
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": _OPERATIONS.get(call, "chat"),
        "gen_ai.request.model": model.name,
        "gen_ai.output.type": "json" if spec.output and spec.output.format == "json" else "text",
        "promptreg.call": call,
        "promptreg.prompt.id": spec.id,
        "promptreg.prompt.version": spec.version,
        "promptreg.prompt.content_hash": spec.content_hash,
        "promptreg.prompt.tier": spec.tier,
        "promptreg.source": record["source"],
        "promptreg.variables": sorted(record["variables"]),
    }
    settings = {
        "gen_ai.request.temperature": model.temperature,
        "gen_ai.request.top_p": model.top_p,
        "gen_ai.request.max_tokens": model.max_output_tokens,
        "gen_ai.request.seed": model.seed,
    }
    attributes.update({name: value for name, value in settings.items() if value is not None})
    for key, value in record["context"].items():
        attributes[f"promptreg.context.{key}"] = value
    return attributes
