"""The hostile server itself: loopback only, records what it reads, keeps its bounds, and its
gzip bomb is a valid gzip-of-gzip of exactly the size it claims."""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from .conftest import ServeFactory
from .server import (
    MIB,
    HostileServer,
    _crc32_of_repeats,
    endless_json,
    envelope,
    gzip_gzip_bomb_bytes,
    sequence,
    trickle_body,
)


def test_listens_on_loopback_only() -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "localhost"):  # noqa: S104 (refused)
        with pytest.raises(ValueError, match="loopback"):
            HostileServer(envelope(), host=host)


@pytest.mark.parametrize("times", [1, 2, 3, 7, 64, 1000])
def test_crc_of_repeated_blocks_matches_zlib(times: int) -> None:
    block = b"\x00hostile\xff" * 3
    assert _crc32_of_repeats(block, times) == zlib.crc32(block * times)


def test_gzip_bomb_is_valid_and_small() -> None:
    small = gzip_gzip_bomb_bytes(8)
    assert gzip.decompress(gzip.decompress(small)) == bytes(8 * MIB)  # CRC and ISIZE checked
    big = gzip_gzip_bomb_bytes(5 * 1024)
    assert len(big) < 16 * 1024  # a few KB on the wire ...
    inner = zlib.decompressobj(16 + 15).decompress(big)
    assert 4 * MIB < len(inner) < 8 * MIB  # ... one layer down, a few MiB ...
    # ... and the inner stream's trailer claims 5 GiB (mod 2**32): its ISIZE field.
    assert int.from_bytes(inner[-4:], "little") == (5 * 1024 * MIB) % 2**32


async def test_records_requests_and_keeps_connections_alive(serve: ServeFactory) -> None:
    server = await serve(sequence(envelope(1), then=envelope(2)))
    async with httpx.AsyncClient() as http:
        first = await http.post(server.base_url + "http/", data={"class": "user", "x": "1"})
        second = await http.post(server.base_url + "http/", data={"method": "getbalance"})
    assert (first.json()["result"], second.json()["result"]) == (1, 2)
    assert [r.number for r in server.requests] == [1, 2]
    assert {r.connection for r in server.requests} == {1}  # keep-alive
    assert server.requests[0].path == "/api/http/"
    assert server.requests[0].fields == {"class": "user", "x": "1"}
    assert server.statuses == {1: 200, 2: 200}


async def test_generated_bodies_are_bounded(serve: ServeFactory) -> None:
    server = await serve(endless_json("close", max_bytes=3 * MIB))
    async with httpx.AsyncClient() as http:
        answer = await http.get(server.base_url)
    assert len(answer.content) == 3 * MIB  # close-delimited, cut at the bound
    assert server.streamed == {1: 3 * MIB}
    assert server.ends[1].reason == "server closed"


async def test_trickles_stop_at_their_bound(serve: ServeFactory) -> None:
    server = await serve(trickle_body(every=0.01, max_seconds=0.3))
    async with httpx.AsyncClient() as http:
        with pytest.raises(httpx.RemoteProtocolError):  # closed before the body was complete
            await http.get(server.base_url)
    assert 20 <= server.bytes_sent < 200 + 200
