"""The SDK as application code uses it: open, get approved prompts, render, call a model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from promptreg import NotApprovedError, Registry, TemplateError, VariableError
from promptreg.core.errors import InvalidPromptError, PromptNotFoundError

REPO = Path(__file__).resolve().parents[2]
SUMMARIZE = "support/summarize-ticket"


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A private copy of the embedded registry that a test may edit."""
    shutil.copy(REPO / "promptreg.yaml", tmp_path / "promptreg.yaml")
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    return tmp_path


def test_approved_prompt_loads_and_renders() -> None:
    prompt = Registry.open(REPO).get(SUMMARIZE)
    messages = prompt.render(ticket_text="Order 1234 arrived broken.", customer_tier="pro")
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "Order 1234 arrived broken." in messages[1]["content"]
    assert prompt.content_hash.startswith("sha256:")


def test_get_reuses_the_loaded_prompt() -> None:
    registry = Registry.open(REPO)
    assert registry.get(SUMMARIZE) is registry.get(SUMMARIZE)


def test_edit_after_approval_is_refused_naming_prompt_and_stale_approval(
    registry_copy: Path,
) -> None:
    path = registry_copy / "registry" / f"{SUMMARIZE}.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        "You summarise customer support tickets", "You summarise support tickets", 1
    )
    assert edited != text
    path.write_text(edited, encoding="utf-8")

    with pytest.raises(NotApprovedError) as caught:
        Registry.open(registry_copy).get(SUMMARIZE)
    message = str(caught.value)
    assert SUMMARIZE in message
    assert "stale" in message
    approval = Registry.open(registry_copy).spec(SUMMARIZE).approvals[0]
    assert approval.reviewer in message


def test_metadata_edit_keeps_the_approval(registry_copy: Path) -> None:
    path = registry_copy / "registry" / f"{SUMMARIZE}.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: (edited) ", 1), encoding="utf-8")
    assert Registry.open(registry_copy).get(SUMMARIZE).spec.title.startswith("(edited)")


def test_unapproved_prompt_is_refused_unless_allowed() -> None:
    registry = Registry.open(REPO)
    with pytest.raises(NotApprovedError, match=r"research/literature-digest.*draft"):
        registry.get("research/literature-digest")
    prompt = registry.get("research/literature-digest", allow_unapproved=True)
    assert prompt.spec.status == "draft"


def test_approval_from_a_reviewer_outside_the_group_does_not_count(registry_copy: Path) -> None:
    path = registry_copy / "registry" / f"{SUMMARIZE}.prompt.yaml"
    spec = Registry.open(registry_copy).spec(SUMMARIZE)
    reviewer = spec.approvals[0].reviewer
    path.write_text(
        path.read_text(encoding="utf-8").replace(reviewer, "intruder@example.com"),
        encoding="utf-8",
    )
    with pytest.raises(NotApprovedError, match=r"intruder@example\.com is not a member"):
        Registry.open(registry_copy).get(SUMMARIZE)


def test_render_reports_every_variable_problem_at_once() -> None:
    prompt = Registry.open(REPO).get(SUMMARIZE)
    with pytest.raises(VariableError) as caught:
        prompt.render(customer_tier="gold", ticket_txt="typo")
    problems = caught.value.problems
    assert any("ticket_text is required" in p for p in problems)
    assert any("customer_tier must be one of" in p for p in problems)
    assert any("did you mean 'ticket_text'" in p for p in problems)
    with pytest.raises(VariableError, match="must be a string"):
        prompt.render(ticket_text=42)


def test_defaults_fill_in_missing_optional_variables() -> None:
    prompt = Registry.open(REPO).get(SUMMARIZE)
    variable = prompt.variables["customer_tier"]
    assert variable.has_default
    rendered = prompt.render(ticket_text="Hello")
    assert str(variable.default) in rendered[1]["content"]


def test_list_filters() -> None:
    registry = Registry.open(REPO)
    everything = registry.list()
    assert len(everything) >= 15
    tier3 = registry.list(tier=3)
    assert tier3 and all(s.tier == 3 for s in tier3)
    assert {s.id for s in registry.list(owner="legal-ops")} >= {"legal/contract-clause-risk"}
    assert all(s.status == "draft" for s in registry.list(status="draft"))
    assert all("support" in s.tags for s in registry.list(tag="support"))


def test_unknown_and_malicious_ids_are_refused() -> None:
    registry = Registry.open(REPO)
    with pytest.raises(PromptNotFoundError, match="did you mean 'support/summarize-ticket'"):
        registry.get("support/summarise-ticket")
    with pytest.raises(PromptNotFoundError, match="not a prompt id"):
        registry.get("../../etc/passwd")


def test_broken_prompt_file_raises_with_its_location(registry_copy: Path) -> None:
    path = registry_copy / "registry" / f"{SUMMARIZE}.prompt.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "evil: &a [1]\n", encoding="utf-8")
    with pytest.raises(InvalidPromptError) as caught:
        Registry.open(registry_copy).get(SUMMARIZE)
    assert caught.value.problems[0].code == "F003"
    assert str(caught.value.location).startswith(str(path))


class _ChatServer(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions endpoint that records what it received."""

    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, "body": json.loads(body)})
        answer = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 1_764_000_000,
                "model": "gpt-4o-mini",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": '{"summary": "ok"}'},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture
def chat_server() -> Iterator[str]:
    _ChatServer.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_openai_chat_kwargs_go_through_the_real_client(chat_server: str) -> None:
    import openai

    prompt = Registry.open(REPO).get(SUMMARIZE)
    kwargs = prompt.openai_chat(ticket_text="Refund order 1234.", customer_tier="pro")
    client = openai.OpenAI(base_url=chat_server, api_key="test-key", max_retries=0)
    completion = client.chat.completions.create(**kwargs)

    assert completion.choices[0].message.content == '{"summary": "ok"}'
    (request,) = _ChatServer.received
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    spec = prompt.spec
    assert body["model"] == spec.model.name
    assert body["messages"] == prompt.render(ticket_text="Refund order 1234.", customer_tier="pro")
    assert body["temperature"] == spec.model.temperature
    assert body["max_completion_tokens"] == spec.model.max_output_tokens
    assert spec.output is not None and spec.output.format == "json"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == dict(spec.output.schema or {})
    assert body["response_format"]["json_schema"]["name"] == "support__summarize-ticket"


def test_text_output_has_no_response_format() -> None:
    registry = Registry.open(REPO)
    spec = next(
        s for s in registry.list(status="approved") if s.output is None or s.output.format == "text"
    )
    prompt = registry.get(spec.id)
    values = {
        name: (
            var.enum[0]
            if var.enum
            else {
                "string": "x",
                "integer": 1,
                "number": 1.0,
                "boolean": True,
                "array": ["x"],
                "object": {},
            }[var.type]
        )
        for name, var in prompt.variables.items()
        if var.required
    }
    assert "response_format" not in prompt.openai_chat(**values)


def test_sdk_path_imports_no_heavy_dependency() -> None:
    """After import, open, get and render, none of openai, textual, tiktoken is loaded."""
    script = f"""
import sys
import promptreg
reg = promptreg.Registry.open({str(REPO)!r})
prompt = reg.get({SUMMARIZE!r})
prompt.render(ticket_text="hello")
prompt.openai_chat(ticket_text="hello")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("openai", "textual", "tiktoken"))
print(",".join(heavy) or "none")
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "none"


def test_lint_path_imports_no_heavy_dependency() -> None:
    """Linting never loads openai or textual; tiktoken only when a K rule counts tokens."""
    script = f"""
import sys
from promptreg.cli.main import main
config = {str(REPO / "promptreg.yaml")!r}
status = main(["lint", "-q", "--config", config, "--ignore", "K", {str(REPO / "registry")!r}])
before = sorted(m for m in sys.modules if m.split(".")[0] in ("openai", "textual", "tiktoken"))
status += main(["lint", "-q", "--config", config, {str(REPO / "registry")!r}])
after = sorted(m for m in sys.modules if m.split(".")[0] in ("openai", "textual"))
print(status, ",".join(before) or "none", ",".join(after) or "none")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "0 none none"


def test_render_error_names_the_prompt_and_the_message(registry_copy: Path) -> None:
    path = registry_copy / "registry" / f"{SUMMARIZE}.prompt.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("<ticket>\n", "<ticket>\n      {{ 'a' * 10**9 }}\n", 1), encoding="utf-8"
    )
    prompt = Registry.open(registry_copy).get(SUMMARIZE, allow_unapproved=True)
    with pytest.raises(TemplateError) as caught:
        prompt.render(ticket_text="hello")
    assert caught.value.message.startswith(f"{SUMMARIZE} message 2 (user): template stopped:")
