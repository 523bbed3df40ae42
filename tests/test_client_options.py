"""Per-call options (with_options), hooks, and the request id of every call."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
from support import BASE_URL, PASSWORD, USER, success

from afilnet_async import (
    AfilnetClient,
    AfilnetTimeoutError,
    CallEvent,
    ClientClosedError,
    ConfigurationError,
    FormAuth,
    OAuth2Auth,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from afilnet_async.emulator import Emulator
from afilnet_async.emulator import server as emulator_server


class Connections:
    """ASGI middleware: the distinct client connections (address, port) that reached the app."""

    def __init__(self, app: Any) -> None:
        self.app, self.seen = app, set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen.add(tuple(scope["client"]))
        await self.app(scope, receive, send)


@pytest.fixture
async def served() -> AsyncIterator[tuple[Emulator, Connections, str]]:
    emu = Emulator.demo()
    counted = Connections(emu.app)
    async with emulator_server.serve(counted, "127.0.0.1", 0) as running:
        yield emu, counted, running.base_url


async def test_a_thousand_derived_clients_share_one_connection_and_one_token(served) -> None:
    emu, connections, base_url = served
    async with AfilnetClient(OAuth2Auth("demo", "demo"), base_url=base_url) as client:
        await client.user.get_balance()
        for number in range(1000):
            derived = client.with_options(timeout=2 + number % 3, max_retries=number % 2)
            assert (await derived.user.get_balance()).balance == 1000
    assert emu.counters.tokens_issued == 1
    assert len(connections.seen) == 1, "every call went over the first connection"
    assert emu.counters.by_method["user.getbalance"] == 1001


async def test_with_options_changes_only_what_it_is_given() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    sleeps: list[float] = []

    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    policy = RetryPolicy(max_retries=3, sleep=sleep)
    client = AfilnetClient(FormAuth(USER, PASSWORD), transport=httpx.MockTransport(slow),
                           retry=policy, timeout=30)  # fmt: skip
    quick = client.with_options(timeout=2, max_retries=0)
    assert quick.retry.max_retries == 0 and client.retry is policy
    assert quick.auth is client.auth and quick.base_url == client.base_url
    with pytest.raises(AfilnetTimeoutError):
        await quick.user.get_balance()
    assert sleeps == []
    with pytest.raises(AfilnetTimeoutError):
        await client.user.get_balance()
    assert len(sleeps) == 3
    same = client.with_options()
    assert same.retry is policy
    with pytest.raises(ConfigurationError):
        client.with_options(max_response_bytes=0)
    await client.aclose()


async def test_closing_the_original_closes_the_derived_but_not_the_other_way() -> None:
    transport = httpx.MockTransport(lambda request: success(1000))
    client = AfilnetClient(FormAuth(USER, PASSWORD), transport=transport)
    derived = client.with_options(timeout=1)
    await derived.aclose()
    assert derived.is_closed and not client.is_closed
    assert (await client.user.get_balance()).balance == 1000
    with pytest.raises(ClientClosedError):
        await derived.user.get_balance()
    other = client.with_options(max_retries=0)
    await client.aclose()
    with pytest.raises(ClientClosedError):
        await other.user.get_balance()


async def test_hooks_see_each_attempt_never_a_credential() -> None:
    events: list[tuple[str, CallEvent]] = []
    with respx.mock(base_url=BASE_URL) as router:
        router.post("http/").mock(side_effect=[httpx.Response(503), success(12)])
        async with AfilnetClient(
            FormAuth(USER, PASSWORD),
            retry=RetryPolicy(max_retries=2, initial_delay=0.001),
            on_request=lambda event: events.append(("request", event)),
            on_response=lambda event: events.append(("response", event)),
        ) as client:
            balance = await client.user.get_balance()
    assert [(kind, e.method, e.attempt, e.status, e.error) for kind, e in events] == [
        ("request", "user.getbalance", 1, None, None),
        ("response", "user.getbalance", 1, 503, "ServerError"),
        ("request", "user.getbalance", 2, None, None),
        ("response", "user.getbalance", 2, 200, None),
    ]
    assert {e.request_id for _, e in events} == {balance.request_id}
    assert all(e.elapsed >= 0 for _, e in events)
    assert "S3cr3t" not in repr(events)


async def test_a_hook_that_raises_is_logged_and_the_call_goes_on(caplog) -> None:
    def broken(event: CallEvent) -> None:
        raise RuntimeError("the metrics backend is down")

    with respx.mock(base_url=BASE_URL) as router:
        router.post("http/").mock(return_value=success(5))
        async with AfilnetClient(FormAuth(USER, PASSWORD), on_response=broken) as client:
            with caplog.at_level(logging.WARNING, logger="afilnet_async"):
                assert (await client.user.get_balance()).balance == 5
    assert any("hook raised" in record.message for record in caplog.records)


async def test_one_request_id_per_call_on_its_result_its_error_and_its_log(caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="afilnet_async")
    with respx.mock(base_url=BASE_URL) as router:
        router.post("http/").mock(
            side_effect=[success(1), httpx.Response(503), httpx.Response(503)]
        )
        async with AfilnetClient(FormAuth(USER, PASSWORD), max_retries=1) as client:
            first = await client.user.get_balance()
            with pytest.raises(ServerError) as caught:
                await client.user.get_balance()
            with pytest.raises(ValidationError) as refused:
                await client.group.get_contacts(idgroup=-1)
    ids = [first.request_id, caught.value.request_id, refused.value.request_id]
    assert all(ids) and len(set(ids)) == 3
    retried = [r.message for r in caplog.records if f"[{caught.value.request_id}]" in r.message]
    assert len(retried) == 2  # both attempts of the failed call, under its one id
