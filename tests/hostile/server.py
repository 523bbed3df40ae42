"""A hostile HTTP/1.1 server on loopback, scripted per test, misbehaving byte by byte.

Raw asyncio sockets (``loop.sock_accept`` / ``sock_recv`` / ``sock_sendall``), no HTTP
framework between the script and the wire. The server reads each request with bounds (head
<= 64 KiB, body by Content-Length or chunked <= 16 MiB), records it (:class:`Received`: method,
target, headers, body, arrival time, request and connection numbers), then hands it to the
test's *behaviour*, which answers through the :class:`Exchange`'s byte-level methods: any
status and headers, a wrong Content-Length, a truncated body, a reset (SO_LINGER 0), bytes
trickled with sleeps, endless ``100 Continue``, a huge or gzip-bomb body generated on the fly,
a redirect. Every loop is bounded in bytes and seconds, a connection lives at most
``max_connection_seconds``, and the server listens on 127.0.0.1 or 127.0.0.2 only.

::

    behaviour = by_call({"group.addcontactlist": rate_limited("-5")}, default=envelope())
    async with HostileServer(behaviour) as server:
        client = AfilnetClient(FormAuth(user, password), base_url=server.base_url)
        ...
    server.requests                        # every request read, in arrival order
    server.count("group.addcontactlist")   # how many of one Afilnet call
    server.statuses[number]                # the status each request was answered with
    server.ends[connection]                # how each connection ended, and when

A behaviour is ``async def behaviour(exchange: Exchange) -> None``. After it returns the
server reads the next request on the same connection (keep-alive) unless the behaviour closed
or reset it, or answered without framing (``exchange.keep_alive = False``). The factories
below cover the usual misbehaviours; :func:`sequence`, :func:`by_number`, :func:`by_call` and
:func:`by_path` combine them.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import socket
import struct
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "LOOPBACK_HOSTS",
    "MIB",
    "Behaviour",
    "Exchange",
    "HostileServer",
    "Received",
    "by_call",
    "by_number",
    "by_path",
    "delayed",
    "endless_continue",
    "endless_json",
    "envelope",
    "gzip_bomb",
    "gzip_gzip_bomb_bytes",
    "json_answer",
    "rate_limited",
    "redirect",
    "reply",
    "reset_after_headers",
    "reset_before_headers",
    "reset_mid_body",
    "sequence",
    "short_content_length",
    "trickle_body",
    "trickle_headers",
    "truncated_body",
]

MIB = 2**20
#: The only addresses a hostile server may listen on.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "127.0.0.2"})
MAX_HEAD = 64 * 1024
MAX_BODY = 16 * MIB
#: Default bounds of the generators: bytes sent and seconds spent by one answer.
MAX_STREAM_BYTES = 256 * MIB
MAX_STREAM_SECONDS = 20.0

Headers = Iterable[tuple[str, str]]
Behaviour = Callable[["Exchange"], Awaitable[None]]


class _Refused(Exception):
    """A request the server will not read (too large, torn): the connection is dropped."""


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    number: int  # 1-based, server-wide, in arrival order
    connection: int  # 1-based connection number
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]  # names lower-cased, in order
    body: bytes
    at: float  # time.monotonic() when the request was read in full

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), if any."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    @property
    def fields(self) -> dict[str, Any]:
        """The parameters: a form body, a JSON object body, or the query string."""
        kind = (self.header("content-type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        if kind == "application/json":
            try:
                data = json.loads(self.body)
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    @property
    def call(self) -> str:
        """``class.method`` as Afilnet names it (``"."`` for a request that is no call)."""
        fields = self.fields
        return f"{fields.get('class', '')}.{fields.get('method', '')}"

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """The ``contacts`` of an ``addcontactlist`` call, decoded ([] if none)."""
        value = self.fields.get("contacts")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return []
        return value if isinstance(value, list) else []


@dataclass
class Ended:
    """How a connection ended, and when (time.monotonic())."""

    reason: Literal["peer closed", "peer gone", "server closed", "server reset", "bound"]
    at: float


class _Stream:
    """Buffered, bounded reads of one connection."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    async def _fill(self) -> bool:
        data = await asyncio.get_running_loop().sock_recv(self.sock, 65536)
        self.buffer += data
        return bool(data)

    async def head(self) -> bytes | None:
        """The request head (without its blank line), or None at a clean EOF."""
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = bytes(self.buffer[:end])
                del self.buffer[: end + 4]
                return head
            if len(self.buffer) > MAX_HEAD:
                raise _Refused("request head over 64 KiB")
            if not await self._fill():
                if self.buffer:
                    raise _Refused("connection closed in the middle of a request head")
                return None

    async def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not await self._fill():
                raise _Refused("connection closed in the middle of a request body")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    async def line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            if len(self.buffer) > MAX_HEAD or not await self._fill():
                raise _Refused("bad chunked request body")
        data = bytes(self.buffer[:end])
        del self.buffer[: end + 2]
        return data

    async def chunked(self) -> bytes:
        body = bytearray()
        while True:
            try:
                size = int((await self.line()).split(b";")[0].strip(), 16)
            except ValueError:
                raise _Refused("bad chunk size in a request body") from None
            if size == 0:
                while await self.line():  # trailers, up to the blank line
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise _Refused("chunked request body over the bound")
            body += await self.exactly(size)
            await self.line()


def _parse_head(head: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise _Refused(f"bad request line {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise _Refused(f"bad header line {line[:80]!r}")
        headers.append((name.strip().lower(), value.strip()))
    return parts[0], parts[1], tuple(headers)


class Exchange:
    """One request and the connection it came on: what a behaviour answers through."""

    def __init__(self, server: HostileServer, sock: socket.socket, request: Received) -> None:
        self.server = server
        self.request = request
        self._sock = sock
        #: Read the next request on this connection after the behaviour returns.
        self.keep_alive = True
        self.closed = False
        self.sent = 0

    # -- bytes -------------------------------------------------------------------------------

    async def send(self, data: bytes) -> None:
        """Send ``data`` in full (raises OSError if the client went away)."""
        await asyncio.get_running_loop().sock_sendall(self._sock, data)
        self.sent += len(data)
        self.server.bytes_sent += len(data)

    async def head(self, status: int, headers: Headers = (), *, reason: str | None = None) -> None:
        """The status line, ``headers`` as given (nothing added) and the blank line."""
        if reason is None:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Whatever"
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if status >= 200:  # recorded once sent: an answer the client never got is not counted
            self.server.statuses[self.request.number] = status

    async def reply(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: Headers = (),
        *,
        content_length: int | Literal["auto"] | None = "auto",
    ) -> None:
        """A whole answer. ``content_length``: ``"auto"`` (the body's length, keep-alive), a
        number (declared as given: a lie ends the connection after the body), or None
        (close-delimited: no length, the connection is closed after the body)."""
        headers = list(headers)
        declared = len(body) if content_length == "auto" else content_length
        if declared is None:
            headers.append(("Connection", "close"))
        else:
            headers.append(("Content-Length", str(declared)))
        await self.head(status, headers)
        if body:
            await self.send(body)
        if declared is None or declared != len(body):
            await self.close()

    async def trickle(self, data: bytes, *, every: float, max_seconds: float) -> None:
        """``data`` one byte at a time, ``every`` seconds apart, for at most ``max_seconds``."""
        deadline = time.monotonic() + max_seconds
        for index in range(len(data)):
            if time.monotonic() >= deadline:
                return
            await self.send(data[index : index + 1])
            await asyncio.sleep(every)

    async def stream(
        self,
        pieces: Iterable[bytes],
        *,
        chunked: bool,
        max_bytes: int = MAX_STREAM_BYTES,
        max_seconds: float = MAX_STREAM_SECONDS,
    ) -> int:
        """Send ``pieces`` (a generator: nothing is held in full) as chunks or raw bytes,
        until they run out, ``max_bytes`` of payload or ``max_seconds``; the payload sent."""
        deadline = time.monotonic() + max_seconds
        number = self.request.number
        self.server.streamed[number] = total = 0
        self.server.stream_cut_by_peer[number] = False
        for piece in pieces:
            if total >= max_bytes or time.monotonic() >= deadline:
                break
            piece = piece[: max_bytes - total]
            try:
                await self.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            except OSError:
                self.server.stream_cut_by_peer[number] = True
                raise
            total += len(piece)
            self.server.streamed[number] = total
        return total

    # -- ending the connection ---------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection after what was sent (FIN)."""
        if not self.closed:
            self.closed = True
            self.server._end(self._sock, "server closed")

    async def reset(self) -> None:
        """Abort the connection: SO_LINGER 0, so the close sends a RST."""
        if not self.closed:
            self.closed = True
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.server._end(self._sock, "server reset")


class HostileServer:
    """``async with HostileServer(behaviour) as server``: listening on ``host``, port 0."""

    def __init__(
        self,
        behaviour: Behaviour,
        *,
        host: str = "127.0.0.1",
        max_connection_seconds: float = 30.0,
    ) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"a hostile server listens on loopback only, not {host!r}")
        self.behaviour = behaviour
        self.host = host
        self.port = 0
        self.max_connection_seconds = max_connection_seconds
        self.requests: list[Received] = []
        self.statuses: dict[int, int] = {}
        self.ends: dict[int, Ended] = {}
        #: Payload bytes each streamed answer sent (request number -> bytes), and whether the
        #: stream stopped because the client went away.
        self.streamed: dict[int, int] = {}
        self.stream_cut_by_peer: dict[int, bool] = {}
        self.failures: list[str] = []
        self.connections = 0
        self.bytes_sent = 0
        self._listener: socket.socket | None = None
        self._accepting: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._open: dict[socket.socket, int] = {}

    def __repr__(self) -> str:
        return f"<HostileServer {self.origin} requests={len(self.requests)}>"

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root to give ``AfilnetClient(base_url=...)``."""
        return f"{self.origin}/api/"

    def count(self, call: str | None = None) -> int:
        """Requests received, or those of one Afilnet call (``"group.addcontactlist"``)."""
        return sum(1 for r in self.requests if call is None or r.call == call)

    def of(self, call: str) -> list[Received]:
        """The requests of one Afilnet call, in arrival order."""
        return [r for r in self.requests if r.call == call]

    # -- life cycle --------------------------------------------------------------------------

    async def __aenter__(self) -> HostileServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            listener.bind((self.host, 0))
            listener.listen(64)
            listener.setblocking(False)
        except BaseException:
            listener.close()
            raise
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._accepting = asyncio.get_running_loop().create_task(self._accept())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
        if self.failures and exc_type is None:
            raise AssertionError(f"the hostile server's behaviour failed: {self.failures}")

    async def aclose(self) -> None:
        """Stop accepting, cancel every connection and close every socket (bounded)."""
        tasks = [t for t in (self._accepting, *self._tasks) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)
        for sock in list(self._open):
            self._end(sock, "server closed")
        if self._listener is not None:
            self._listener.close()

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._listener is not None
        while True:
            sock, _ = await loop.sock_accept(self._listener)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connections += 1
            self._open[sock] = self.connections
            task = loop.create_task(self._serve(sock, self.connections))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _end(self, sock: socket.socket, reason: Any) -> None:
        number = self._open.pop(sock, None)
        if number is not None:
            self.ends.setdefault(number, Ended(reason, time.monotonic()))
        sock.close()

    async def _serve(self, sock: socket.socket, connection: int) -> None:
        stream = _Stream(sock)
        try:
            async with asyncio.timeout(self.max_connection_seconds):
                while True:
                    request = await self._read(stream, connection)
                    if request is None:
                        self._end(sock, "peer closed")
                        return
                    exchange = Exchange(self, sock, request)
                    await self.behaviour(exchange)
                    if exchange.closed:
                        return
                    if not exchange.keep_alive:
                        await exchange.close()
                        return
        except TimeoutError:
            self._end(sock, "bound")
        except (OSError, _Refused):  # the client went away (reset, closed mid-request)
            self._end(sock, "peer gone")
        except Exception as exc:  # a bug in a behaviour: the test fails when the server exits
            self.failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            self._end(sock, "server closed")

    async def _read(self, stream: _Stream, connection: int) -> Received | None:
        head = await stream.head()
        if head is None:
            return None
        method, target, headers = _parse_head(head)
        values = dict(headers)
        if "chunked" in values.get("transfer-encoding", "").lower():
            body = await stream.chunked()
        else:
            try:
                length = int(values.get("content-length", "0") or "0")
            except ValueError:
                raise _Refused("a Content-Length that is not a number") from None
            if not 0 <= length <= MAX_BODY:
                raise _Refused(f"request body of {length} bytes")
            body = await stream.exactly(length)
        received = Received(
            number=len(self.requests) + 1,
            connection=connection,
            method=method,
            target=target,
            headers=headers,
            body=body,
            at=time.monotonic(),
        )
        self.requests.append(received)
        return received


# --- answers -------------------------------------------------------------------------------

_JSON = ("Content-Type", "application/json")


def reply(
    status: int = 200,
    body: bytes = b"",
    headers: Headers = (),
    *,
    content_length: int | Literal["auto"] | None = "auto",
) -> Behaviour:
    """Any status, headers and body (see :meth:`Exchange.reply` for ``content_length``)."""
    headers = tuple(headers)

    async def behaviour(exchange: Exchange) -> None:
        await exchange.reply(status, body, headers, content_length=content_length)

    return behaviour


def json_answer(value: Any, status: int = 200, headers: Headers = ()) -> Behaviour:
    """``value`` as a JSON body."""
    return reply(status, json.dumps(value).encode(), (_JSON, *headers))


def envelope(result: Any = None) -> Behaviour:
    """Afilnet's success envelope."""
    return json_answer({"status": "SUCCESS", "result": result})


def rate_limited(retry_after: str | None, status: int = 429) -> Behaviour:
    """A bare 429 (no Afilnet envelope) with this ``Retry-After`` (None: no header)."""
    headers = [("Content-Type", "text/plain")]
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return reply(status, b"Too Many Requests", headers)


def redirect(status: int, location: str) -> Behaviour:
    """A redirect to ``location`` (307 and 308 keep the method and the body)."""
    return reply(status, b"", [("Location", location), ("Content-Type", "text/plain")])


def reset_before_headers() -> Behaviour:
    """Read the request, then reset the connection without a byte of answer."""

    async def behaviour(exchange: Exchange) -> None:
        await exchange.reset()

    return behaviour


def reset_after_headers(declared: int = 1000, pause: float = 0.2) -> Behaviour:
    """Headers announcing ``declared`` bytes, a pause (the client reads them), then a reset."""

    async def behaviour(exchange: Exchange) -> None:
        await exchange.head(200, [_JSON, ("Content-Length", str(declared))])
        await asyncio.sleep(pause)
        await exchange.reset()

    return behaviour


def reset_mid_body(body: bytes, declared: int, pause: float = 0.2) -> Behaviour:
    """Headers announcing ``declared`` bytes, ``body`` (fewer), a pause, then a reset."""

    async def behaviour(exchange: Exchange) -> None:
        await exchange.head(200, [_JSON, ("Content-Length", str(declared))])
        await exchange.send(body)
        await asyncio.sleep(pause)
        await exchange.reset()

    return behaviour


def truncated_body(body: bytes, declared: int) -> Behaviour:
    """Content-Length ``declared`` (more than ``body``), ``body``, then a clean close (FIN)."""
    return reply(200, body, [_JSON], content_length=declared)


def short_content_length(body: bytes, declared: int) -> Behaviour:
    """Content-Length ``declared`` (less than ``body``): the rest is garbage on the line."""
    return reply(200, body, [_JSON], content_length=declared)


def trickle_headers(every: float = 1.0, max_seconds: float = 15.0) -> Behaviour:
    """The status line, then an endless header trickled one byte every ``every`` seconds."""

    async def behaviour(exchange: Exchange) -> None:
        await exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        endless = b"X-Slow: " + b"a" * 100_000
        await exchange.trickle(endless, every=every, max_seconds=max_seconds)
        await exchange.close()

    return behaviour


def trickle_body(every: float = 1.0, max_seconds: float = 15.0) -> Behaviour:
    """Complete headers for a 100,000-byte body, then the body one byte every ``every`` s."""
    body = b'{"status":"SUCCESS","result":"' + b"a" * 99_968 + b'"}'

    async def behaviour(exchange: Exchange) -> None:
        await exchange.head(200, [_JSON, ("Content-Length", str(len(body)))])
        await exchange.trickle(body, every=every, max_seconds=max_seconds)
        await exchange.close()

    return behaviour


def endless_continue(every: float = 0.05, max_seconds: float = 15.0) -> Behaviour:
    """``100 Continue`` after ``100 Continue``, every ``every`` seconds, never an answer."""

    async def behaviour(exchange: Exchange) -> None:
        deadline = time.monotonic() + max_seconds
        while time.monotonic() < deadline:
            await exchange.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            await asyncio.sleep(every)
        await exchange.close()

    return behaviour


def _contacts_forever(piece_size: int = MIB) -> Iterator[bytes]:
    yield b'{"status":"SUCCESS","result":['
    contact = b'{"mobile":"34600000000","name":"endless"},'
    yield from itertools.repeat(contact * (piece_size // len(contact)))


def endless_json(
    framing: Literal["chunked", "close"],
    *,
    max_bytes: int = MAX_STREAM_BYTES,
    max_seconds: float = MAX_STREAM_SECONDS,
) -> Behaviour:
    """A success envelope whose ``result`` array never ends, with no Content-Length:
    chunked (never the last chunk) or close-delimited. Generated on the fly, 1 MiB at a time,
    up to ``max_bytes`` or ``max_seconds``; then the connection is closed."""

    async def behaviour(exchange: Exchange) -> None:
        framing_header = ("Transfer-Encoding", "chunked") if framing == "chunked" else None
        headers = [_JSON, framing_header or ("Connection", "close")]
        await exchange.head(200, headers)
        chunked = framing == "chunked"
        pieces = _contacts_forever()
        await exchange.stream(pieces, chunked=chunked, max_bytes=max_bytes, max_seconds=max_seconds)
        await exchange.close()

    return behaviour


def _crc32_of_repeats(block: bytes, times: int) -> int:
    """CRC-32 of ``block * times`` without building it: ``c -> crc32(block, c)`` is affine
    over GF(2), so its ``times``-th power is found by squaring (a 32-column table each)."""

    def table(function: Callable[[int], int]) -> tuple[int, list[int]]:
        base = function(0)
        return base, [function(1 << bit) ^ base for bit in range(32)]

    def apply(affine: tuple[int, list[int]], crc: int) -> int:
        result, columns = affine
        bit = 0
        while crc:
            if crc & 1:
                result ^= columns[bit]
            crc >>= 1
            bit += 1
        return result

    def squared(affine: tuple[int, list[int]]) -> tuple[int, list[int]]:
        return table(lambda crc: apply(affine, apply(affine, crc)))

    power = table(lambda crc: zlib.crc32(block, crc))
    crc = 0
    while times:
        if times & 1:
            crc = apply(power, crc)
        power = squared(power)
        times >>= 1
    return crc


@functools.cache
def gzip_gzip_bomb_bytes(decoded_mib: int) -> bytes:
    """``decoded_mib`` MiB of zeros, gzipped, gzipped again: a valid ``Content-Encoding:
    gzip, gzip`` body of ~12 KB for 5 GiB. Built without ever holding the zeros or the inner
    stream: the inner deflate stream is 1 MiB blocks cut by full flushes (identical after the
    first), its CRC computed arithmetically; each block goes straight into the outer gzip."""
    zeros = bytes(MIB)
    inner = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    first = inner.compress(zeros) + inner.flush(zlib.Z_FULL_FLUSH)
    block = inner.compress(zeros) + inner.flush(zlib.Z_FULL_FLUSH)
    if block != inner.compress(zeros) + inner.flush(zlib.Z_FULL_FLUSH):
        raise AssertionError("this zlib does not repeat flushed blocks: cannot build the bomb")
    tail = inner.flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    size = decoded_mib * MIB
    trailer = struct.pack("<II", _crc32_of_repeats(zeros, decoded_mib), size % 2**32)
    outer = zlib.compressobj(9, zlib.DEFLATED, 16 + 15, 9)
    parts = [outer.compress(header + first)]
    parts.extend(outer.compress(block) for _ in range(decoded_mib - 1))
    parts.append(outer.compress(tail + trailer))
    parts.append(outer.flush())
    return b"".join(parts)


def gzip_bomb(decoded_mib: int = 5 * 1024, encoding: str = "gzip, gzip") -> Behaviour:
    """A few KB on the wire that decode to ``decoded_mib`` MiB (Content-Length set)."""

    async def behaviour(exchange: Exchange) -> None:
        body = gzip_gzip_bomb_bytes(decoded_mib)
        headers = [_JSON, ("Content-Encoding", encoding)]
        await exchange.reply(200, body, headers)

    return behaviour


# --- combinators ---------------------------------------------------------------------------


def delayed(seconds: float, then: Behaviour) -> Behaviour:
    """Wait ``seconds``, then answer as ``then``."""

    async def behaviour(exchange: Exchange) -> None:
        await asyncio.sleep(seconds)
        await then(exchange)

    return behaviour


def sequence(*behaviours: Behaviour, then: Behaviour) -> Behaviour:
    """The n-th request this behaviour answers gets ``behaviours[n]``; later ones ``then``."""
    served = itertools.count()

    async def behaviour(exchange: Exchange) -> None:
        index = next(served)
        await (behaviours[index] if index < len(behaviours) else then)(exchange)

    return behaviour


def by_number(script: Mapping[int, Behaviour], default: Behaviour) -> Behaviour:
    """Request number n (server-wide, 1-based) gets ``script[n]``; the others ``default``."""

    async def behaviour(exchange: Exchange) -> None:
        await script.get(exchange.request.number, default)(exchange)

    return behaviour


def by_call(script: Mapping[str, Behaviour], default: Behaviour) -> Behaviour:
    """Afilnet call ``"class.method"`` gets ``script[call]``; the others ``default``."""

    async def behaviour(exchange: Exchange) -> None:
        await script.get(exchange.request.call, default)(exchange)

    return behaviour


def by_path(script: Mapping[str, Behaviour], default: Behaviour) -> Behaviour:
    """Request path ``"/api/oauth/token"`` gets ``script[path]``; the others ``default``."""

    async def behaviour(exchange: Exchange) -> None:
        await script.get(exchange.request.path, default)(exchange)

    return behaviour
