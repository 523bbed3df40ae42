"""Reading an answer's body within a size limit, decompressing it as it streams in.

httpx decodes ``Content-Encoding`` without a bound on the output, so a few kilobytes of
stacked gzip can expand to gigabytes in one chunk. Here the raw bytes are decompressed with
zlib's ``max_length``, one bounded piece at a time, and every stage is counted against the
limit: a compression bomb stops at the limit, however it is built.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from .errors import MalformedResponseError, ResponseTooLargeError

__all__ = ["ACCEPT_ENCODING", "read_body", "read_body_in_flow"]

#: What the client asks for: the encodings it can decode within bounds.
ACCEPT_ENCODING = "gzip, deflate"
#: The most one decompression step produces at once.
_PIECE = 256 * 1024


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, decompressed in bounded pieces."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._gzip = encoding in ("gzip", "x-gzip")
        self._zlib = self._new(zlib.MAX_WBITS)
        self._first = True
        self.produced = 0

    def _new(self, wbits: int) -> zlib._Decompress:
        return zlib.decompressobj(wbits | 16 if self._gzip else wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decompressed output of ``data``, in pieces of at most ``_PIECE`` bytes."""
        while data:
            try:
                piece = self._zlib.decompress(data, _PIECE)
            except zlib.error:
                if self._first and not self._gzip:  # "deflate" sent raw, without zlib's header
                    self._zlib, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise MalformedResponseError(
                    f"the answer's {self.encoding} encoding is corrupt"
                ) from None
            self._first = False
            if piece:
                yield piece
            if self._zlib.unconsumed_tail:
                data = self._zlib.unconsumed_tail
            elif self._zlib.eof and self._zlib.unused_data and self._gzip:
                data = self._zlib.unused_data  # the next member of a multi-member gzip
                self._zlib = self._new(zlib.MAX_WBITS)
            else:
                data = b""


def _layers(header: str) -> list[_Inflater]:
    """The decoders for a Content-Encoding header, innermost last (applied in reverse)."""
    names = [name.strip().lower() for name in header.split(",") if name.strip()]
    layers = []
    for name in reversed(names):
        if name == "identity":
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            raise MalformedResponseError(f"the answer uses an unsupported encoding {name[:20]!r}")
        layers.append(_Inflater(name))
    return layers


def _decode(layers: list[_Inflater], data: bytes, limit: int) -> Iterator[bytes]:
    """``data`` through every layer; each layer's total output is held to ``limit``."""
    pieces: Iterator[bytes] = iter((data,))
    for layer in layers:
        pieces = _through(layer, pieces, limit)
    return pieces


def _through(layer: _Inflater, pieces: Iterator[bytes], limit: int) -> Iterator[bytes]:
    for piece in pieces:
        for out in layer.feed(piece):
            layer.produced += len(out)
            if layer.produced > limit:
                raise ResponseTooLargeError(_too_large(limit))
            yield out


def _too_large(limit: int) -> str:
    return f"the answer is larger than max_response_bytes ({limit:,} bytes decoded)"


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The body of a streamed ``response``, decoded; :class:`ResponseTooLargeError` past
    ``limit`` decoded bytes (the response is then closed by the caller).

    ``MemoryError`` while collecting the body is reported as ResponseTooLargeError.
    """
    try:  # already read, decoded, by a transport that builds whole answers (a mock)
        content = response.content
    except httpx.ResponseNotRead:
        pass
    else:
        if len(content) > limit:
            raise ResponseTooLargeError(_too_large(limit))
        return content
    layers = _layers(response.headers.get("content-encoding", ""))
    declared = response.headers.get("content-length", "")
    if not layers and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(_too_large(limit))
    chunks: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            for piece in _decode(layers, raw, limit) if layers else (raw,):
                size += len(piece)
                if size > limit:
                    raise ResponseTooLargeError(_too_large(limit))
                chunks.append(piece)
        return b"".join(chunks)
    except MemoryError:
        chunks.clear()
        raise ResponseTooLargeError("the answer did not fit in memory") from None


class _BoundedStream(httpx.AsyncByteStream):
    """A response's raw byte stream that refuses to go past ``limit`` bytes."""

    def __init__(self, stream: httpx.AsyncByteStream, limit: int) -> None:
        self._stream, self._limit = stream, limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._stream:
            size += len(chunk)
            if size > self._limit:
                raise ResponseTooLargeError(_too_large(self._limit))
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


async def read_body_in_flow(response: httpx.Response, limit: int) -> bytes:
    """The body of a response an :class:`httpx.Auth` flow receives, decoded, within ``limit``.

    httpx reads every response of an auth flow but the last itself, in full and decoded
    without bound; here it is read first, raw and bounded (httpx's own read then finds it
    done), and decoded in bounded pieces.
    """
    encoding = response.headers.pop("content-encoding", "")
    if not isinstance(response.stream, httpx.AsyncByteStream):  # pragma: no cover - sync
        raise MalformedResponseError("the answer cannot be read asynchronously")
    response.stream = _BoundedStream(response.stream, limit)
    raw = await response.aread()
    layers = _layers(encoding)
    if not layers:
        return raw
    try:
        return b"".join(_decode(layers, raw, limit))
    except MemoryError:
        raise ResponseTooLargeError("the answer did not fit in memory") from None
