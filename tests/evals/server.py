"""An OpenAI-compatible HTTP server for the eval tests and benchmarks, on 127.0.0.1.

It serves what `promptreg test` calls: chat completions (plain and streamed), the
Responses API, and the files and batches endpoints of the Batch API. A `Script` says
how it answers (by the request's messages, by a substring, or a default), how slowly
(`latency`), and which failures the next requests get (429 with Retry-After, 500,
timeouts, malformed JSON, 401). It counts every request and the peak number in flight,
and keeps a log of what arrived, so tests assert on what really crossed the wire.

Run it on its own (the benchmarks do): `python -m tests.evals.server --latency 0.2
--port-file PORT` prints nothing and writes its port to PORT.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def messages_key(messages: Any) -> str:
    """The key `Script.answers` uses: a digest of the request's messages."""
    text = json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Fault:
    """What one request gets instead of an answer."""

    kind: str
    """429, 500, 401, 400, timeout (no answer for `seconds`), malformed (200, broken JSON)."""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Script:
    answers: dict[str, str] = field(default_factory=dict)
    """messages_key(messages) → answer."""
    rules: list[tuple[str, str]] = field(default_factory=list)
    """(substring of any message, answer), tried in order after `answers`."""
    default: str = "ok"
    latency: float = 0.0
    faults: deque[Fault] = field(default_factory=deque)
    """Consumed one per chat or responses request, before answering."""
    batch_delay: float = 0.2
    """Seconds after creation at which a batch counts as completed."""
    batch_polls: int = 0
    """Polls answered "in progress" before a batch can complete, whatever the clock says:
    a test that needs the client to poll more than once does not depend on timing."""
    usage: bool = True
    reported_suffix: str = "-2026-01-01"

    def answer(self, messages: Any) -> str:
        found = self.answers.get(messages_key(messages))
        if found is not None:
            return found
        text = "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
        for needle, answer in self.rules:
            if needle in text:
                return answer
        return self.default


@dataclass
class Counters:
    requests: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    connections: int = 0
    """TCP connections accepted: fewer than requests when clients keep them alive."""
    busy_seconds: float = 0.0
    """Summed over requests: time from arrival to answer. Over the span from the first
    arrival to the last answer it is the mean number in flight."""
    first_arrival: float | None = None
    last_answer: float | None = None
    by_path: dict[str, int] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    """Each request: time (monotonic), path, status, body (parsed JSON, if any), headers."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body are two writes: with Nagle's algorithm the body waits for
    # the client's delayed ACK of the head (up to 40 ms), which held the requests really
    # in flight at 50 concurrent near 40, whatever the client did.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.counters.connections += 1

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        state = self.server
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        # A client speaking to a proxy names the whole URL (absolute form): the server
        # answers as the proxy would have passed it on, and logs the URL asked for.
        target = urlsplit(self.path).path if "://" in self.path else self.path
        path = target.split("?")[0].removeprefix("/v1")
        if method == "GET" and path == "/_stats":
            self._json(200, state.take_stats())  # not counted: it asks for the counts
            return
        with state.lock:
            counters = state.counters
            counters.requests += 1
            counters.in_flight += 1
            counters.peak_in_flight = max(counters.peak_in_flight, counters.in_flight)
            arrived = time.monotonic()
            if counters.first_arrival is None:
                counters.first_arrival = arrived
            counters.by_path[path] = counters.by_path.get(path, 0) + 1
            entry: dict[str, Any] = {
                "time": time.monotonic(),
                "method": method,
                "path": path,
                "target": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
            counters.log.append(entry)
        try:
            self._route(method, path, raw, entry)
        finally:
            with state.lock:
                counters = state.counters  # take_stats may have started new counts
                counters.in_flight -= 1
                counters.last_answer = time.monotonic()
                counters.busy_seconds += counters.last_answer - arrived

    def _route(self, method: str, path: str, raw: bytes, entry: dict[str, Any]) -> None:
        state = self.server
        if method == "POST" and path in ("/chat/completions", "/responses"):
            body = json.loads(raw)
            entry["body"] = body
            fault = _next_fault(state)
            if fault is not None and self._fault(fault):
                return
            if state.script.latency:
                time.sleep(state.script.latency)
            if path == "/responses":
                self._json(200, responses_body(state.script, body))
            elif body.get("stream"):
                self._stream(body)
            else:
                self._json(
                    200, chat_body(state.script, body), {"x-ratelimit-remaining-requests": "99"}
                )
        elif method == "POST" and path == "/files":
            self._upload(raw)
        elif method == "GET" and path.startswith("/files/") and path.endswith("/content"):
            file_id = path.split("/")[2]
            data = state.files.get(file_id)
            if data is None:
                self._json(404, {"error": {"message": f"no file {file_id}"}})
            else:
                self._send(200, data, content_type="application/octet-stream")
        elif method == "POST" and path == "/batches":
            body = json.loads(raw)
            entry["body"] = body
            self._json(200, state.create_batch(body))
        elif method == "GET" and path.startswith("/batches/"):
            batch = state.batch(path.split("/")[2])
            self._json(200 if batch else 404, batch or {"error": {"message": "no such batch"}})
        else:
            self._json(404, {"error": {"message": f"no route {method} {path}"}})

    def _fault(self, fault: Fault) -> bool:
        if fault.kind == "timeout":
            time.sleep(fault.seconds)
            return False  # answers late, after the client gave up
        if fault.kind == "malformed":
            self._send(200, b'{"id": "x", "choices": [{"message": ')
            return True
        status = int(fault.kind)
        self._json(
            status, {"error": {"message": f"scripted {status}", "type": "scripted"}}, fault.headers
        )
        return True

    def _stream(self, body: dict[str, Any]) -> None:
        text = self.server.script.answer(body["messages"])
        model = body["model"] + self.server.script.reported_suffix
        pieces = [text[i : i + 7] for i in range(0, len(text), 7)] or [""]
        chunks = [
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": model,
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            for piece in pieces
        ]
        chunks.append(
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": model,
                "choices": [],
                "usage": _usage(body["messages"], text),
            }
        )
        data = b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks) + b"data: [DONE]\n\n"
        self._send(200, data, content_type="text/event-stream")

    def _upload(self, raw: bytes) -> None:
        header = f"Content-Type: {self.headers.get('content-type')}\r\n\r\n".encode()
        message = BytesParser(policy=policy.default).parsebytes(header + raw)
        data = b""
        purpose = ""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if name == "file":
                data = payload
            elif name == "purpose":
                purpose = payload.decode()
        file_id = self.server.add_file(data)
        self._json(
            200,
            {
                "id": file_id,
                "object": "file",
                "bytes": len(data),
                "created_at": int(time.time()),
                "filename": "batch.jsonl",
                "purpose": purpose,
                "status": "processed",
            },
        )


def _next_fault(state: _Server) -> Fault | None:
    with state.lock:
        return state.script.faults.popleft() if state.script.faults else None


def _usage(messages: Any, text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in messages)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": len(text.split()),
        "total_tokens": prompt + len(text.split()),
    }


def chat_body(script: Script, body: dict[str, Any]) -> dict[str, Any]:
    text = script.answer(body["messages"])
    answer: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"] + script.reported_suffix,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }
    if script.usage:
        answer["usage"] = _usage(body["messages"], text)
    return answer


def responses_body(script: Script, body: dict[str, Any]) -> dict[str, Any]:
    text = script.answer(body["input"])
    usage = _usage(body["input"], text)
    return {
        "id": "resp-test",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": body["model"] + script.reported_suffix,
        "output": [
            {
                "type": "message",
                "id": "m",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "usage": {
            "input_tokens": usage["prompt_tokens"],
            "output_tokens": usage["completion_tokens"],
            "total_tokens": usage["total_tokens"],
        },
        "parallel_tool_calls": False,
        "tool_choice": "auto",
        "tools": [],
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connections when many open at once

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.counters = Counters()
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}

    def take_stats(self) -> dict[str, Any]:
        """What the benchmarks ask between runs (GET /v1/_stats, on a connection of its
        own): requests, connections, the peak and the mean in flight since the last
        ask; the counts start again."""
        with self.lock:
            counters = self.counters
            span = (counters.last_answer or 0.0) - (counters.first_arrival or 0.0)
            stats = {
                "requests": counters.requests,
                "connections": counters.connections - 1,
                "peak_in_flight": counters.peak_in_flight,
                "mean_in_flight": counters.busy_seconds / span if span > 0 else 0.0,
                "span_s": span,
            }
            self.counters = Counters(in_flight=counters.in_flight)
            return stats

    def add_file(self, data: bytes) -> str:
        with self.lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = data
        return file_id

    def create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            batch_id = f"batch-{len(self.batches) + 1}"
            lines = self.files[body["input_file_id"]].splitlines()
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "errors": None,
                "input_file_id": body["input_file_id"],
                "completion_window": body["completion_window"],
                "status": "in_progress",
                "created_at": int(time.time()),
                "metadata": body.get("metadata"),
                "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                "_ready": time.monotonic() + self.script.batch_delay,
                "_polls_left": self.script.batch_polls,
            }
            return _public(self.batches[batch_id])

    def batch(self, batch_id: str) -> dict[str, Any] | None:
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return None
            if batch["status"] == "in_progress" and batch["_polls_left"] > 0:
                batch["_polls_left"] -= 1
            elif batch["status"] == "in_progress" and time.monotonic() >= batch["_ready"]:
                output = []
                for raw in self.files[batch["input_file_id"]].splitlines():
                    line = json.loads(raw)
                    body = line["body"]
                    answer = (
                        responses_body(self.script, body)
                        if line["url"] == "/v1/responses"
                        else chat_body(self.script, body)
                    )
                    output.append(
                        {
                            "id": f"r-{len(output)}",
                            "custom_id": line["custom_id"],
                            "response": {"status_code": 200, "request_id": "r", "body": answer},
                            "error": None,
                        }
                    )
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = b"".join(json.dumps(o).encode() + b"\n" for o in output)
                batch.update(
                    status="completed",
                    output_file_id=file_id,
                    completed_at=int(time.time()),
                    request_counts={"total": len(output), "completed": len(output), "failed": 0},
                )
            return _public(batch)


def _public(batch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if not k.startswith("_")}


class OpenAIServer:
    """`with OpenAIServer(script) as server:` serves on `server.url` in a thread."""

    def __init__(self, script: Script | None = None) -> None:
        self.script = script or Script()
        self._server = _Server(self.script)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def counters(self) -> Counters:
        return self._server.counters

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        return [e for e in self.counters.log if e["path"] == path]

    def __enter__(self) -> OpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--default", default="ok")
    parser.add_argument("--port-file", type=Path, required=True)
    args = parser.parse_args()
    with OpenAIServer(Script(default=args.default, latency=args.latency)) as server:
        args.port_file.write_text(str(server._server.server_address[1]))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
