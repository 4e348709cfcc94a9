"""The eval requests' HTTP/1.1 client, against real sockets: servers that answer in
chunks, compressed, with interim answers, close kept-alive connections, or break the
protocol; and the test server, for connection reuse under concurrency."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable

import pytest

from promptreg.evals.http import HttpError, Pool, behind_proxy
from tests.evals.server import OpenAIServer, Script

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head, await reader.readexactly(length)


async def _serve(answer: Answer) -> tuple[asyncio.Server, list[int]]:
    """A server that reads each request and lets `answer` write the reply; the list
    counts the connections it accepted."""
    accepted: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        served = 0
        try:
            while True:
                await _read_request(reader)
                await answer(reader, writer, served)
                served += 1
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, accepted


def _url(server: asyncio.Server) -> str:
    return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"


def _run(answer: Answer, requests: int, timeout: float = 5.0) -> tuple[list[object], int]:
    async def go() -> tuple[list[object], int]:
        server, accepted = await _serve(answer)
        pool = Pool(_url(server), {"Authorization": "Bearer k"}, timeout)
        replies: list[object] = []
        for _ in range(requests):
            try:
                replies.append(await pool.post("/chat/completions", b'{"a": 1}'))
            except (HttpError, TimeoutError) as exc:
                replies.append(exc)
        await pool.close()
        server.close()
        await server.wait_closed()
        return replies, len(accepted)

    return asyncio.run(go())


def test_chunked_and_gzip_answers_are_read_whole_on_one_kept_connection() -> None:
    body = gzip.compress(json.dumps({"ok": "x" * 5000}).encode())

    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n")
        writer.write(b"Transfer-Encoding: chunked\r\nX-Seen: a\r\nX-Seen: b\r\n\r\n")
        for start in range(0, len(body), 1000):
            part = body[start : start + 1000]
            writer.write(f"{len(part):x};ext=1\r\n".encode() + part + b"\r\n")
        writer.write(b"0\r\nTrailer: t\r\n\r\n")

    replies, connections = _run(answer, 3)
    for reply in replies:
        assert not isinstance(reply, Exception)
        assert json.loads(reply.body) == {"ok": "x" * 5000}  # type: ignore[attr-defined]
        assert reply.headers["x-seen"] == "a, b"  # type: ignore[attr-defined]
    assert connections == 1


def test_a_kept_connection_the_server_closed_is_replaced_without_a_failure() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()  # keep-alive was promised, but the server closes after each one

    replies, connections = _run(answer, 3)
    assert [getattr(r, "body", r) for r in replies] == [b"ok", b"ok", b"ok"]
    assert connections == 3


def test_connection_close_and_an_answer_delimited_by_the_end_of_the_connection() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"HTTP/1.0 503 Busy\r\nRetry-After: 2\r\n\r\n" + b"b" * 70_000)
        await writer.drain()
        writer.close()

    replies, connections = _run(answer, 2)
    for reply in replies:
        assert getattr(reply, "status", None) == 503
        assert getattr(reply, "headers", {})["retry-after"] == "2"
        assert getattr(reply, "body", b"") == b"b" * 70_000
    assert connections == 2


def test_an_answer_without_a_body_does_not_wait_for_one() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"HTTP/1.1 204 No Content\r\nX-N: %d\r\n\r\n" % n)

    replies, connections = _run(answer, 2, timeout=2.0)
    assert [(getattr(r, "status", r), getattr(r, "body", r)) for r in replies] == [
        (204, b""),
        (204, b""),
    ]
    assert connections == 1


def test_a_broken_answer_is_an_http_error_and_a_silent_server_a_timeout() -> None:
    async def garbage(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"SMTP ready\r\n\r\n")

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await asyncio.sleep(5)

    async def cut(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        await writer.drain()
        writer.close()

    [broken], _ = _run(garbage, 1)
    assert isinstance(broken, HttpError) and "not an HTTP/1.x answer" in str(broken)
    [late], _ = _run(silent, 1, timeout=0.3)
    assert isinstance(late, TimeoutError)
    [short], _ = _run(cut, 1)
    assert isinstance(short, HttpError)


def test_no_server_is_an_http_error() -> None:
    async def go() -> Exception:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        url = _url(server)
        server.close()
        await server.wait_closed()
        try:
            await Pool(url, {}, 2.0).post("/x", b"{}")
        except HttpError as exc:
            return exc
        raise AssertionError("the request did not fail")

    assert "connect" in str(asyncio.run(go())).lower()


def test_concurrent_requests_open_no_more_connections_than_were_in_flight() -> None:
    with OpenAIServer(Script(latency=0.05)) as server:

        async def go() -> list[int]:
            pool = Pool(server.url, {"Authorization": "Bearer k"}, 5.0)
            body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
            statuses = []
            for _ in range(3):
                replies = await asyncio.gather(
                    *(pool.post("/chat/completions", body.encode()) for _ in range(20))
                )
                statuses += [r.status for r in replies]
            await pool.close()
            return statuses

        statuses = asyncio.run(go())
        assert statuses == [200] * 60
        assert server.counters.peak_in_flight == 20
        assert server.counters.connections == 20


@pytest.mark.parametrize(
    ("environ", "url", "proxied"),
    [
        ({}, "https://api.openai.com/v1", False),
        ({"HTTPS_PROXY": "http://proxy:3128"}, "https://api.openai.com/v1", True),
        ({"https_proxy": "http://proxy:3128"}, "http://127.0.0.1:8000/v1", False),
        ({"ALL_PROXY": "http://proxy:3128"}, "http://127.0.0.1:8000/v1", True),
        (
            {"ALL_PROXY": "http://p:1", "NO_PROXY": "localhost,127.0.0.1"},
            "http://127.0.0.1/v1",
            False,
        ),
        (
            {"HTTPS_PROXY": "http://p:1", "no_proxy": ".openai.com"},
            "https://api.openai.com/v1",
            False,
        ),
        (
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "openai.com:443"},
            "https://api.openai.com",
            False,
        ),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "notopenai.com"}, "https://openai.com/v1", True),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, "https://api.openai.com/v1", False),
    ],
)
def test_endpoints_behind_a_proxy_are_recognised(
    environ: dict[str, str], url: str, proxied: bool
) -> None:
    assert behind_proxy(url, environ) is proxied
