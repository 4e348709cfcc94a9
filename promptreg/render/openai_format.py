"""A rendered prompt in the shapes of OpenAI's two text APIs, from the same file.

Chat Completions takes every message and `response_format`; the Responses API takes the
leading system and developer messages as `instructions`, the conversation as `input`,
and the output schema as `text.format`. Both are plain dicts of keyword arguments, so
this module needs no openai import: the application's client sends them.
"""

from __future__ import annotations

from promptreg.core.model import PromptSpec

# typing costs ~15 ms to import and is needed here only for annotations.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_INSTRUCTION_ROLES = ("system", "developer")


def schema_name(spec: PromptSpec) -> str:
    """The name both APIs require for a JSON Schema: letters, digits, _ and -, ≤ 64."""
    return spec.id.replace("/", "__")[:64]


def sampling(spec: PromptSpec) -> dict[str, Any]:
    """temperature and top_p, where the file sets them (both APIs name them alike)."""
    model = spec.model
    found = {"temperature": model.temperature, "top_p": model.top_p}
    return {name: value for name, value in found.items() if value is not None}


def response_format(spec: PromptSpec) -> dict[str, Any] | None:
    """Chat Completions' `response_format`, or None for text output."""
    output = spec.output
    if output is None or output.format != "json":
        return None
    if not output.schema:
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {"name": schema_name(spec), "schema": dict(output.schema)},
    }


def responses_kwargs(spec: PromptSpec, messages: list[dict[str, str]]) -> dict[str, Any]:
    """Keyword arguments for `client.responses.create(**...)` from rendered messages.

    The seed has no Responses parameter and is left out; `max_output_tokens` keeps its
    name. A system or developer message after the first user message stays in `input`,
    where the API accepts those roles too, so the order of the file is never changed.
    """
    lead = 0
    while lead < len(messages) and messages[lead]["role"] in _INSTRUCTION_ROLES:
        lead += 1
    kwargs: dict[str, Any] = {"model": spec.model.name}
    if lead:
        kwargs["instructions"] = "\n\n".join(m["content"] for m in messages[:lead])
    kwargs["input"] = [{"role": m["role"], "content": m["content"]} for m in messages[lead:]]
    kwargs.update(sampling(spec))
    if spec.model.max_output_tokens is not None:
        kwargs["max_output_tokens"] = spec.model.max_output_tokens
    output = spec.output
    if output is not None and output.format == "json":
        if output.schema:
            text_format: dict[str, Any] = {
                "type": "json_schema",
                "name": schema_name(spec),
                "schema": dict(output.schema),
            }
        else:
            text_format = {"type": "json_object"}
        kwargs["text"] = {"format": text_format}
    return kwargs
