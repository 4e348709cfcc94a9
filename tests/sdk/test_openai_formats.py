"""Both OpenAI helpers, sent by the real openai client to a server on 127.0.0.1, and the
request bodies that crossed the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from promptreg import Registry
from promptreg.core.model import build_spec
from promptreg.render.prompt import Prompt
from tests.evals.server import OpenAIServer, Script

REPO = Path(__file__).resolve().parents[2]
JSON_PROMPT = "support/summarize-ticket"
VALUES = {"ticket_text": "Refund order 1234.", "customer_tier": "pro"}


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(Script(default='{"summary": "ok"}')) as running:
        yield running


def _client(server: OpenAIServer) -> Any:
    import openai

    return openai.OpenAI(base_url=server.url, api_key="test-key", max_retries=0)


def test_openai_responses_body_has_instructions_input_and_the_schema(
    server: OpenAIServer,
) -> None:
    prompt = Registry.open(REPO).get(JSON_PROMPT)
    response = _client(server).responses.create(**prompt.openai_responses(**VALUES))

    assert response.output_text == '{"summary": "ok"}'
    (request,) = server.requests_to("/responses")
    body = request["body"]
    spec = prompt.spec
    system, user = prompt.render(**VALUES)
    assert system["role"] == "system"
    assert body["model"] == spec.model.name
    assert body["instructions"] == system["content"]
    assert body["input"] == [{"role": "user", "content": user["content"]}]
    assert body["temperature"] == spec.model.temperature
    assert body["max_output_tokens"] == spec.model.max_output_tokens
    assert spec.output is not None and spec.output.schema
    assert body["text"] == {
        "format": {
            "type": "json_schema",
            "name": "support__summarize-ticket",
            "schema": dict(spec.output.schema),
        }
    }
    assert "seed" not in body and "messages" not in body and "response_format" not in body


def test_openai_chat_body_beside_it(server: OpenAIServer) -> None:
    prompt = Registry.open(REPO).get(JSON_PROMPT)
    completion = _client(server).chat.completions.create(**prompt.openai_chat(**VALUES))

    assert completion.choices[0].message.content == '{"summary": "ok"}'
    (request,) = server.requests_to("/chat/completions")
    body = request["body"]
    spec = prompt.spec
    assert body["model"] == spec.model.name
    assert body["messages"] == prompt.render(**VALUES)
    assert body["max_completion_tokens"] == spec.model.max_output_tokens
    assert spec.output is not None
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "support__summarize-ticket",
            "schema": dict(spec.output.schema or {}),
        },
    }


def _spec(messages: list[dict[str, str]], **extra: Any) -> Prompt:
    data: dict[str, Any] = {
        "id": "team/converse",
        "version": "1.0.0",
        "title": "Converse",
        "description": "A prompt with a conversation in it.",
        "owner": "team",
        "tier": 1,
        "status": "approved",
        "model": {"name": "gpt-4o-mini", "seed": 7, "top_p": 0.5},
        "messages": messages,
        "variables": {"q": {"type": "string", "description": "the question"}},
        **extra,
    }
    return Prompt(build_spec(data))


def test_conversation_order_is_kept_and_text_output_has_no_format(server: OpenAIServer) -> None:
    prompt = _spec(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": "Answer in English."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi. What is your question?"},
            {"role": "developer", "content": "Cite a source."},
            {"role": "user", "content": "{{ q }}"},
        ]
    )
    _client(server).responses.create(**prompt.openai_responses(q="Why is the sky blue?"))
    (request,) = server.requests_to("/responses")
    body = request["body"]
    assert body["instructions"] == "Be brief.\n\nAnswer in English."
    assert [m["role"] for m in body["input"]] == ["user", "assistant", "developer", "user"]
    assert body["input"][-1]["content"] == "Why is the sky blue?"
    assert body["top_p"] == 0.5
    assert "text" not in body and "seed" not in body and "temperature" not in body


def test_json_output_without_a_schema_asks_for_a_json_object(server: OpenAIServer) -> None:
    prompt = _spec(
        [{"role": "user", "content": "Answer as JSON: {{ q }}"}], output={"format": "json"}
    )
    client = _client(server)
    client.responses.create(**prompt.openai_responses(q="x"))
    client.chat.completions.create(**prompt.openai_chat(q="x"))
    (responses,) = server.requests_to("/responses")
    (chat,) = server.requests_to("/chat/completions")
    assert "instructions" not in responses["body"]
    assert responses["body"]["text"] == {"format": {"type": "json_object"}}
    assert chat["body"]["response_format"] == {"type": "json_object"}
    assert chat["body"]["seed"] == 7
