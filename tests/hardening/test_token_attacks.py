"""Item 4: attacks on OAuth2Auth's token handling.

Expired, revoked, forged and malformed tokens; a token endpoint that hangs, is down, answers
503, resets connections or answers garbage; storms of 401s with hundreds of waiters. Each
storm or failing refresh costs one token request however many calls wait on it (they share
its outcome, a token or an error), retries stay bounded, errors are clear (TokenError,
AuthenticationError, transport errors), and nothing hangs: every scenario runs under a
deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from afilnet_async import (
    AfilnetClient,
    AfilnetError,
    AuthenticationError,
    BearerAuth,
    OAuth2Auth,
)
from afilnet_async.emulator import Emulator, Faults, RunningServer

from .helpers import TokenCounter, open_sockets, record, settle

#: The base URL of a client on an emulator's in-process transport.
IN_PROCESS = "http://127.0.0.1/api/"

ITEM = "4 token attacks"
CALLERS = 300


async def storm(client: AfilnetClient, callers: int = CALLERS) -> Counter[str]:
    """``callers`` concurrent get_balance() calls; their outcomes by kind."""
    outcomes: Counter[str] = Counter()

    async def one() -> None:
        try:
            await client.user.get_balance()
        except AfilnetError as error:
            outcomes[type(error).__name__] += 1
        else:
            outcomes["ok"] += 1

    async with anyio.create_task_group() as group:
        for _ in range(callers):
            group.start_soon(one)
    return outcomes


@pytest.fixture
async def served() -> AsyncIterator[tuple[Emulator, RunningServer]]:
    emu = Emulator.demo(faults=Faults(latency=0.01))
    async with emu.serve(host="127.0.0.1", port=0) as server:
        yield emu, server


# --- expired and revoked tokens: 401 storms -------------------------------------------------


async def test_401_storms_cost_one_refresh_each() -> None:
    """Five storms of 300 concurrent calls, each after every token was revoked."""
    emu = Emulator.demo(faults=Faults(latency=0.01))
    per_storm = []
    counter = TokenCounter(emu.transport())
    async with AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=IN_PROCESS, transport=counter, max_retries=0
    ) as client:
        with anyio.fail_after(30):
            assert (await storm(client)) == {"ok": CALLERS}
            for _ in range(5):
                emu.expire_tokens()
                before = (counter.token_requests, emu.counters.by_status[401])
                outcomes = await storm(client)
                assert outcomes == {"ok": CALLERS}, outcomes
                per_storm.append(counter.token_requests - before[0])
                assert emu.counters.by_status[401] - before[1] == CALLERS, "one 401 per call"
    record(ITEM, **{"401 storms (300 callers): token requests per storm": per_storm})
    assert per_storm == [1] * 5


async def test_a_401_storm_bigger_than_the_pool_does_not_deadlock(served: Any) -> None:
    """200 callers on 20 pooled connections, all answered 401: the waiting callers must not
    hold their connections while the one refresh needs one (it used to wait out the 30 s
    pool timeout, then fail every call)."""
    emu, server = served
    per_storm = []
    pool = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    counter = TokenCounter(httpx.AsyncHTTPTransport(limits=pool))
    async with AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=server.base_url, transport=counter, max_retries=0
    ) as client:
        with anyio.fail_after(20):
            await client.user.get_balance()
            for _ in range(2):
                emu.expire_tokens()
                before = counter.token_requests
                started = time.monotonic()
                outcomes = await storm(client, 200)
                assert outcomes == {"ok": 200}, outcomes
                per_storm.append(counter.token_requests - before)
                assert time.monotonic() - started < 8
    record(ITEM, **{"401 storms over 20 connections (200 callers): token requests": per_storm})
    assert per_storm == [1, 1]


async def test_tokens_living_a_fraction_of_a_second_are_refreshed_ahead(served: Any) -> None:
    emu, server = served
    emu.faults = Faults(token_lifetime=0.3)
    calls = 0
    counter = TokenCounter()
    async with AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=server.base_url, transport=counter, max_retries=0
    ) as client:
        with anyio.fail_after(20):
            started = anyio.current_time()
            while anyio.current_time() - started < 1.5:
                outcomes = await storm(client, 20)
                assert outcomes == {"ok": 20}, outcomes
                calls += 20
        requests = counter.token_requests
    record(ITEM, **{"0.3 s tokens over 1.5 s": f"{calls} calls, {requests} token requests, "
                    f"{emu.counters.by_status[401]} rejected"})  # fmt: skip
    assert 4 <= requests <= 12
    assert emu.counters.by_status[401] <= 2 * 20, "tokens are refreshed before they expire"


async def test_a_server_that_revokes_every_token_gets_a_bounded_retry_and_a_clear_error() -> None:
    """Each call is answered 401 for any token: one refresh, one retry, AuthenticationError."""
    emu = Emulator.demo()
    app = emu.app

    async def revoking_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/json"):
            emu.expire_tokens()
        await app(scope, receive, send)

    counter = TokenCounter(httpx.ASGITransport(app=revoking_app))
    async with AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=IN_PROCESS, transport=counter
    ) as client:
        with anyio.fail_after(20):
            outcomes = await storm(client, 100)
        requests = counter.token_requests
    api_calls = emu.counters.by_method["user.getbalance"]
    record(ITEM, **{"always-revoked tokens, 100 callers": f"{dict(outcomes)}, {requests} token "
                    f"requests, {api_calls} API requests"})  # fmt: skip
    assert outcomes == {"AuthenticationError": 100}
    assert api_calls <= 2 * 100, "one retry per call after its refresh, no more"
    assert requests <= 3


async def test_forged_and_stale_bearer_tokens_are_refused_once(served: Any) -> None:
    emu, server = served
    stale = emu.state.tokens.issue("demo", 0.001)
    await anyio.sleep(0.01)
    for token in ("forged.jwt.value", stale, "x" * 4000):
        async with AfilnetClient(BearerAuth(token), base_url=server.base_url) as client:
            before = emu.counters.requests
            with pytest.raises(AuthenticationError):
                await client.user.get_balance()
            assert emu.counters.requests - before == 1, "a refused token is not retried"
    record(ITEM, **{"forged, expired, 4000-char bearer tokens": "AuthenticationError, 1 request"})


# --- a token endpoint that answers garbage --------------------------------------------------

GARBAGE_TOKENS: dict[str, bytes] = {
    "space in token": b'{"access_token": "tok en", "expires_in": 60}',
    "newline in token (header injection)": b'{"access_token": "tok\\r\\nX-Evil: 1"}',
    "non-ASCII token": b'{"access_token": "t\\u00f6ken", "expires_in": 60}',
    "number token": b'{"access_token": 12345, "expires_in": 60}',
    "null token": b'{"access_token": null}',
    "NaN lifetime": b'{"access_token": "tok", "expires_in": NaN}',
    "infinite lifetime": b'{"access_token": "tok", "expires_in": Infinity}',
    "zero lifetime": b'{"access_token": "tok", "expires_in": 0}',
    "400-digit lifetime": b'{"access_token": "tok", "expires_in": ' + b"9" * 400 + b"}",
    "array": b'["tok"]',
    "deep nesting": b"[" * 100_000,
    "truncated JSON": b'{"access_token": "to',
    "HTML login page": b"<html><form>login</form></html>",
    "bad UTF-8": b'{"access_token": "\xff\xfe"}',
    "empty": b"",
}


@pytest.mark.parametrize("answer", sorted(GARBAGE_TOKENS))
async def test_a_garbage_token_answer_is_one_token_error_for_every_waiter(answer: str) -> None:
    grants = 0

    def server(request: httpx.Request) -> httpx.Response:
        nonlocal grants
        if request.url.path.endswith("/oauth/token"):
            grants += 1
            return httpx.Response(200, content=GARBAGE_TOKENS[answer])
        raise AssertionError("no call may go out without a token")

    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(server)) as http,
        AfilnetClient(OAuth2Auth("demo", "demo"), http_client=http) as client,
    ):
        with anyio.fail_after(10):
            outcomes = await storm(client, 100)
    record(ITEM, **{"garbage token answers (100 callers each)": Counter({"token requests": grants,
                    "TokenError": outcomes["TokenError"]})})  # fmt: skip
    assert outcomes == {"TokenError": 100}
    assert grants == 1, "every waiter shares the one refusal"


# --- a token endpoint that hangs, is down, resets or answers bytes --------------------------


class AttackServer:
    """A TCP server on 127.0.0.1 misbehaving as ``mode`` says; counts its connections."""

    def __init__(self, mode: str, token: str = "") -> None:
        self.mode, self.token = mode, token
        self.connections = 0
        self._writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            await reader.readuntil(b"\r\n\r\n")
            if self.mode == "hang":
                await asyncio.sleep(3600)
            elif self.mode == "bytes":
                writer.write(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
            elif self.mode == "503":
                writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            elif self.mode == "slow":  # a valid grant, half a second late
                await asyncio.sleep(0.5)
                body = f'{{"access_token": "{self.token}", "expires_in": 60}}'.encode()
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                writer.write(head + body)
            elif self.mode == "truncated":
                writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"access_')
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        writer.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        if self.mode == "refused":  # a port nothing listens on
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            yield f"http://127.0.0.1:{port}/token"
            return
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        try:
            yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/token"
        finally:
            for writer in self._writers:
                writer.close()
            server.close()
            await server.wait_closed()


TRANSPORT_ERRORS = {"AfilnetTransportError", "AfilnetConnectionError", "AfilnetTimeoutError"}
ENDPOINTS: dict[str, set[str]] = {
    "hang": TRANSPORT_ERRORS,
    "refused": TRANSPORT_ERRORS,
    "reset": TRANSPORT_ERRORS,
    "bytes": TRANSPORT_ERRORS,
    "truncated": TRANSPORT_ERRORS,
    "503": {"ServerError"},
}


@pytest.mark.parametrize("mode", sorted(ENDPOINTS))
async def test_a_broken_token_endpoint_fails_all_waiters_together(served: Any, mode: str) -> None:
    """300 callers, no retries, timeout 0.3 s: one token request, one shared failure."""
    emu, server = served
    attacker = AttackServer(mode)
    sockets = open_sockets()
    async with attacker.running() as token_url:
        auth = OAuth2Auth("demo", "demo", token_url=token_url)
        counter = TokenCounter()
        async with AfilnetClient(
            auth, base_url=server.base_url, transport=counter, timeout=0.3, max_retries=0
        ) as client:
            started = time.monotonic()
            with anyio.fail_after(10):
                outcomes = await storm(client)
            elapsed = time.monotonic() - started
            requests = counter.token_requests
    record(ITEM, **{f"token endpoint {mode}, 300 callers, no retries": f"{requests} token "
                    f"request, {elapsed:.2f} s, {dict(outcomes)}"})  # fmt: skip
    assert set(outcomes) <= ENDPOINTS[mode] and sum(outcomes.values()) == CALLERS
    assert emu.counters.by_method["user.getbalance"] == 0, "no call went out without a token"
    assert requests == 1
    assert elapsed < 2, "waiters queued behind each other's failures"
    assert await settle(lambda: open_sockets() <= sockets)


@pytest.mark.parametrize("mode", ["hang", "refused", "503"])
async def test_a_broken_token_endpoint_with_retries_is_bounded(served: Any, mode: str) -> None:
    """The same with max_retries=2: each retry wave shares what refresh it can (the waves
    spread with the backoff's jitter); every call ends within the retries' time."""
    _, server = served
    attacker = AttackServer(mode)
    async with attacker.running() as token_url:
        auth = OAuth2Auth("demo", "demo", token_url=token_url)
        counter = TokenCounter()
        async with AfilnetClient(
            auth, base_url=server.base_url, transport=counter, timeout=0.3, max_retries=2
        ) as client:
            started = time.monotonic()
            with anyio.fail_after(10):
                outcomes = await storm(client)
            elapsed = time.monotonic() - started
            requests = counter.token_requests
    record(ITEM, **{f"token endpoint {mode}, 300 callers, 2 retries": f"{requests} token "
                    f"requests for {3 * CALLERS} attempts, {elapsed:.2f} s"})  # fmt: skip
    assert set(outcomes) <= ENDPOINTS[mode] and sum(outcomes.values()) == CALLERS
    assert requests <= CALLERS, "at most one token request per call over its three attempts"
    # backoff 0.5 s + 1 s (less jitter), plus three 0.3 s timeouts at worst
    assert elapsed < 3.5


async def test_a_slow_token_endpoint_is_waited_for_once(served: Any) -> None:
    """The token endpoint takes 0.5 s (the client waits up to 2 s): 100 callers, one grant."""
    emu, server = served
    attacker = AttackServer("slow", token=emu.state.tokens.issue("demo", 60))
    async with attacker.running() as token_url:
        auth = OAuth2Auth("demo", "demo", token_url=token_url)
        counter = TokenCounter()
        async with AfilnetClient(
            auth, base_url=server.base_url, transport=counter, timeout=2.0
        ) as client:
            with anyio.fail_after(15):
                outcomes = await storm(client, 100)
            requests = counter.token_requests
    record(ITEM, **{"slow token endpoint (0.5 s), 100 callers": f"{requests} token request"})
    assert outcomes == {"ok": 100}
    assert requests == attacker.connections == 1


async def test_token_endpoint_overload_then_recovery(served: Any) -> None:
    """503s on the token endpoint: shared ServerErrors, then a grant once it recovers."""
    emu, server = served
    emu.faults = Faults(rate_503=1.0, token_endpoint_faults=True)
    counter = TokenCounter()
    async with AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=server.base_url, transport=counter, max_retries=0
    ) as client:
        with anyio.fail_after(15):
            failed = await storm(client)
            emu.faults = Faults()
            recovered = await storm(client)
        requests = counter.token_requests
    record(ITEM, **{"token endpoint 503 then up, 300 + 300 callers": f"{requests} token requests"})
    assert failed == {"ServerError": CALLERS}
    assert recovered == {"ok": CALLERS}
    assert requests == 2


async def test_a_cancelled_refresh_leaves_its_waiters_a_new_one_not_an_error(
    served: Any,
) -> None:
    """The caller leading a (slow) token request is cancelled: its 99 waiters do not fail
    with it; one of them leads a new request and they all get that token."""
    emu, server = served
    attacker = AttackServer("slow", token=emu.state.tokens.issue("demo", 60))
    waiters: Counter[str] = Counter()
    async with attacker.running() as token_url:
        auth = OAuth2Auth("demo", "demo", token_url=token_url)
        counter = TokenCounter()
        async with AfilnetClient(
            auth, base_url=server.base_url, transport=counter, max_retries=0
        ) as client:

            async def wait() -> None:
                waiters.update(await storm(client, 99))

            with anyio.fail_after(10):
                async with anyio.create_task_group() as group:
                    leader = anyio.CancelScope()

                    async def lead() -> None:
                        with leader:
                            await client.user.get_balance()

                    group.start_soon(lead)
                    await anyio.sleep(0.1)  # the leader's grant is on its way
                    group.start_soon(wait)
                    await anyio.sleep(0.1)
                    leader.cancel()
            requests = counter.token_requests
    record(ITEM, **{"leader cancelled mid-grant, 99 waiters": f"{requests} token requests, "
                    f"{dict(waiters)}"})  # fmt: skip
    assert leader.cancelled_caught
    assert waiters == {"ok": 99}
    assert requests == 2 == attacker.connections
