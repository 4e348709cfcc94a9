"""A small HTTP/1.1 client for eval requests: one JSON POST each, on kept-alive connections.

Why not the openai client's HTTP stack for these: at 50 requests in flight its
connection pool examines every connection on each request and each response (a poll
of each socket), which cost more CPU than everything else the runner does for a case
and held the requests really in flight well below the limit; and importing openai
costs most of a second before the first request can leave. An eval request needs
little of it: POST a body, read a status, headers and a body, keep the connection.

Each request takes an idle connection (the most recently used) or opens one, so at
most as many connections are open as requests have been in flight at once, and the
runner's limit is the only limit. A kept-alive connection the server closed while it
sat idle is replaced once, before anything was read from it. HTTPS uses the trust
settings of httpx2, the openai client's HTTP library, so both verify the same way.
Endpoints behind a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY) are left to
the openai client, which speaks to proxies.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_BODY = 64 * 1024 * 1024
"""An answer larger than this is refused: a chat completion is kilobytes."""
_HEAD_LIMIT = 256 * 1024


class HttpError(Exception):
    """The connection failed or the server broke the protocol; worth trying again."""


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    headers: Mapping[str, str]
    """Names in lower case; repeated headers joined with ", "."""
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def behind_proxy(base_url: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the proxy environment variables send requests to `base_url` through a
    proxy (as httpx reads them): then the openai client makes them."""
    parts = urlsplit(base_url)
    names = (f"{parts.scheme}_proxy", "all_proxy")
    if not any(environ.get(n) or environ.get(n.upper()) for n in names):
        return False
    host = (parts.hostname or "").lower()
    for entry in (environ.get("no_proxy") or environ.get("NO_PROXY") or "").split(","):
        entry = entry.strip().lower().lstrip(".")
        entry = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry  # host:port
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return False
    return True


class Pool:
    """Connections to one origin, reused across requests."""

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url}")
        self.secure = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.secure else 80)
        self.prefix = parts.path.rstrip("/")
        default = parts.port is None or parts.port == (443 if self.secure else 80)
        authority = self.host if ":" not in self.host else f"[{self.host}]"
        if not default:
            authority += f":{self.port}"
        fixed = {"Host": authority, "Accept": "application/json", **headers}
        self._head = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self.timeout = timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._ssl: Any = None

    async def post(self, path: str, body: bytes) -> HttpReply:
        """POST `body` (JSON) to the endpoint's `path`; raises HttpError or TimeoutError."""
        request = (
            f"POST {self.prefix}{path} HTTP/1.1\r\n{self._head}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1") + body
        async with asyncio.timeout(self.timeout):
            while self._idle:
                reader, writer = self._idle.pop()
                if reader.at_eof() or writer.is_closing():
                    writer.close()
                    continue
                reply = await self._exchange(reader, writer, request, reused=True)
                if reply is not None:
                    return reply
            reader, writer = await self._open()
            reply = await self._exchange(reader, writer, request, reused=False)
            assert reply is not None  # a fresh connection raises instead
            return reply

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.secure and self._ssl is None:
            import httpx2  # the openai client's HTTP library: the same trust settings

            self._ssl = httpx2.create_ssl_context()
        try:
            return await asyncio.open_connection(
                self.host, self.port, ssl=self._ssl if self.secure else None, limit=_HEAD_LIMIT
            )
        except OSError as exc:
            raise HttpError(str(exc) or type(exc).__name__) from None

    async def _exchange(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        request: bytes,
        *,
        reused: bool,
    ) -> HttpReply | None:
        """The reply; None when a reused connection turned out closed before any byte."""
        started = False
        try:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            started = True
            status, headers, keep = _parse_head(head)
            while 100 <= status < 200:  # an interim answer: the real one follows
                status, headers, keep = _parse_head(await reader.readuntil(b"\r\n\r\n"))
            if status in (204, 304):  # no body, whatever the headers say
                body = b""
            else:
                body, keep = await _read_body(reader, headers, keep)
        except BaseException as exc:
            writer.close()
            closed = isinstance(exc, ConnectionError) or (
                isinstance(exc, asyncio.IncompleteReadError) and not exc.partial
            )
            if reused and not started and closed:
                return None
            if isinstance(exc, OSError | asyncio.IncompleteReadError | asyncio.LimitOverrunError):
                raise HttpError(str(exc) or type(exc).__name__) from None
            raise
        if keep:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return HttpReply(status, headers, _decoded(body, headers))

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _parse_head(head: bytes) -> tuple[int, dict[str, str], bool]:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if not version.startswith("HTTP/1.") or not code.isdigit():
        raise HttpError(f"not an HTTP/1.x answer: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise HttpError(f"malformed header line: {line[:80]!r}")
        name = name.strip().lower()
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    connection = headers.get("connection", "").lower()
    keep = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    return int(code), headers, keep


async def _read_body(
    reader: asyncio.StreamReader, headers: Mapping[str, str], keep: bool
) -> tuple[bytes, bool]:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        size_read = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise HttpError(f"malformed chunk size: {line[:40]!r}") from None
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers: nothing the runner reads
                return b"".join(parts), keep
            size_read += size
            if size_read > MAX_BODY:
                raise HttpError(f"an answer of more than {MAX_BODY} bytes")
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_BODY:
            raise HttpError(f"unusable content-length: {length[:40]!r}")
        return await reader.readexactly(int(length)), keep
    parts = []  # delimited by the end of the connection
    size_read = 0
    while chunk := await reader.read(65536):
        size_read += len(chunk)
        if size_read > MAX_BODY:
            raise HttpError(f"an answer of more than {MAX_BODY} bytes")
        parts.append(chunk)
    return b"".join(parts), False


def _decoded(body: bytes, headers: Mapping[str, str]) -> bytes:
    encoding = headers.get("content-encoding", "identity").lower()
    if encoding in ("gzip", "deflate"):
        try:
            return zlib.decompress(body, zlib.MAX_WBITS | 32)  # gzip or zlib header
        except zlib.error as exc:
            raise HttpError(f"a {encoding} body that does not decompress: {exc}") from None
    return body
