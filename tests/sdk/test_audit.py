"""Audit records: one per render or openai_* call, values only at `full`, and redacted."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from promptreg import Registry
from promptreg.sdk.audit import LOGGER_NAME, WORKING_TREE, audit_context, log_audit_to
from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parents[2]
METADATA = "support/summarize-ticket"  # logging: metadata
FULL = "legal/dsar-triage"  # logging: full
SILENT = "engineering/commit-message-draft"  # logging: none

SECRET = "AKIA" + "QYLPMN5HFIQR7XYZ"  # an AWS access key id, built so no scanner flags this file
EMAIL = "jane.doe@gmail.com"
CARD = "4111 1111 1111 1111"


@contextmanager
def route(kind: str) -> Iterator[None]:
    """Records of `promptreg.audit` reach our handlers only ("direct": the logger does not
    propagate) or also another handler, on the root logger ("through logging")."""
    logger = logging.getLogger(LOGGER_NAME)
    other = logging.NullHandler()
    if kind == "direct":
        logger.propagate = False
    else:
        logging.getLogger().addHandler(other)
    try:
        yield
    finally:
        logger.propagate = True
        logging.getLogger().removeHandler(other)


@pytest.fixture(params=["through logging", "direct"])
def audit_log(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Records sent to a JSON-lines file, by either route; a reader returning every
    record so far."""
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    path = tmp_path / "audit.jsonl"
    handler = log_audit_to(path)

    def read() -> list[dict[str, Any]]:
        text = path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    try:
        with route(request.param):
            yield read
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(level)


def test_metadata_record_names_the_prompt_and_sizes_but_holds_no_value(
    audit_log: Callable[[], list[dict[str, Any]]],
) -> None:
    prompt = Registry.open(REPO).get(METADATA)
    text = f"Refund order 1234 to {EMAIL}, key {SECRET}."
    with audit_context(request_id="req-42"):
        prompt.render(ticket_text=text, customer_tier="pro")

    (record,) = audit_log()
    assert record["call"] == "render"
    assert record["prompt_id"] == METADATA
    assert record["version"] == prompt.version
    assert record["content_hash"] == prompt.content_hash
    assert record["tier"] == 2
    assert record["logging"] == "metadata"
    assert record["source"] == WORKING_TREE
    assert record["context"] == {"request_id": "req-42"}
    assert record["variables"] == {"ticket_text": len(text), "customer_tier": 3}
    assert record["time"].endswith("Z")
    assert "values" not in record
    line = json.dumps(record)
    assert "Refund order" not in line
    assert EMAIL not in line
    assert SECRET not in line


def test_full_record_holds_the_values_with_secrets_and_personal_data_redacted(
    audit_log: Callable[[], list[dict[str, Any]]],
) -> None:
    prompt = Registry.open(REPO).get(FULL)
    request = f"Send me all my data. I am {EMAIL}, card {CARD}, token {SECRET}."
    prompt.render(channel="email", received_date="2026-11-02", request_text=request)

    (record,) = audit_log()
    assert record["logging"] == "full"
    assert record["tier"] == 3
    values = record["values"]
    assert values["channel"] == "email"
    assert values["received_date"] == "2026-11-02"
    kept = values["request_text"]
    assert kept.startswith("Send me all my data. I am [redacted email]")
    assert "[redacted card]" in kept
    assert "[redacted secret]" in kept
    line = json.dumps(record)
    for leaked in (EMAIL, CARD, SECRET):
        assert leaked not in line


def test_openai_chat_writes_one_record_of_its_own(
    audit_log: Callable[[], list[dict[str, Any]]],
) -> None:
    prompt = Registry.open(REPO).get(METADATA)
    prompt.openai_chat(ticket_text="Where is order 1234?")
    assert [r["call"] for r in audit_log()] == ["openai_chat"]


def test_logging_none_writes_no_record(audit_log: Callable[[], list[dict[str, Any]]]) -> None:
    prompt = Registry.open(REPO).get(SILENT)
    prompt.render(diff="--- a\n+++ b\n", ticket_id="ENG-1")
    assert audit_log() == []


def test_a_failed_render_writes_no_record(audit_log: Callable[[], list[dict[str, Any]]]) -> None:
    prompt = Registry.open(REPO).get(METADATA)
    with pytest.raises(Exception, match="ticket_text"):
        prompt.render(ticket_txt="typo")
    assert audit_log() == []


def test_each_thread_keeps_its_own_context(
    audit_log: Callable[[], list[dict[str, Any]]],
) -> None:
    prompt = Registry.open(REPO).get(METADATA)
    start = threading.Barrier(4)

    def serve(request_id: str) -> None:
        with audit_context(request_id=request_id):
            start.wait()
            for _ in range(25):
                prompt.render(ticket_text=request_id)

    threads = [threading.Thread(target=serve, args=(f"req-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = audit_log()
    assert len(records) == 100
    for record in records:
        assert record["variables"]["ticket_text"] == len(record["context"]["request_id"])
    assert {r["context"]["request_id"] for r in records} == {f"req-{n}" for n in range(4)}


def test_nothing_is_built_when_nobody_listens(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    Registry.open(REPO).get(METADATA).render(ticket_text="hello")
    assert [r for r in caplog.records if r.name == LOGGER_NAME] == []


def test_the_current_span_gets_gen_ai_attributes() -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    prompt = Registry.open(REPO).get(FULL)
    with (
        provider.get_tracer("test").start_as_current_span("handle request"),
        audit_context(request_id="req-7"),
    ):
        prompt.openai_chat(
            channel="email", received_date="2026-11-02", request_text=f"I am {EMAIL}"
        )
    (span,) = exporter.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.request.model"] == prompt.spec.model.name
    assert attributes["gen_ai.request.temperature"] == 0
    assert attributes["gen_ai.request.max_tokens"] == 700
    assert attributes["gen_ai.output.type"] == "json"
    assert attributes["promptreg.prompt.id"] == FULL
    assert attributes["promptreg.prompt.version"] == prompt.version
    assert attributes["promptreg.prompt.content_hash"] == prompt.content_hash
    assert attributes["promptreg.source"] == WORKING_TREE
    assert attributes["promptreg.context.request_id"] == "req-7"
    assert set(attributes["promptreg.variables"]) == {"channel", "received_date", "request_text"}
    assert EMAIL not in json.dumps({k: str(v) for k, v in attributes.items()})


def test_a_buffered_handler_writes_its_records_when_closed(tmp_path: Path) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    level = logger.level
    path = tmp_path / "buffered.jsonl"
    handler = log_audit_to(path, flush=False)
    try:
        Registry.open(REPO).get(METADATA).render(ticket_text="hello")
        assert path.read_text(encoding="utf-8") == ""  # still in the file's buffer
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(level)
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["prompt_id"] == METADATA


def test_a_bundle_prompt_names_the_bundle_by_its_digest(
    git_repo: Callable[..., GitRepo],
    capsys: pytest.CaptureFixture[str],
    audit_log: Callable[[], list[dict[str, Any]]],
) -> None:
    from tests.sdk.conftest import DANA, TIER1, build, tier1_text

    repo = git_repo(identity=DANA)
    text = tier1_text("1.0.0")
    assert "logging: none" in text
    repo.write(f"registry/{TIER1}.prompt.yaml", text.replace("logging: none", "logging: metadata"))
    repo.commit("Add the commit-message prompt", DANA)
    status, err, bundle = build(repo, capsys)
    assert status == 0, err
    registry = Registry.open(bundle)
    registry.get(TIER1).render(diff="+ x = 1")
    (record,) = audit_log()
    assert registry.bundle is not None
    assert record["source"] == registry.bundle.digest
    assert record["source"].startswith("sha256:")
