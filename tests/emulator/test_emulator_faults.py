"""Each injected fault, seen by the real client over loopback (and a few in process)."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from afilnet_async import (
    AfilnetClient,
    AfilnetConnectionError,
    AuthenticationError,
    BearerAuth,
    FormAuth,
    OAuth2Auth,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from afilnet_async.emulator import Emulator, Faults, RunningServer, ServerSettings

Connect = Callable[..., AfilnetClient]


async def test_429_until_retries_are_exhausted(emu: Emulator, connect: Connect) -> None:
    emu.faults = Faults(rate_429=1.0, retry_after=0.05)
    async with connect("form", "demo", "demo", max_retries=0) as client:
        with pytest.raises(RateLimitError) as raised:
            await client.user.get_balance()
    assert raised.value.retry_after == 0.05
    async with connect("form", "demo", "demo", max_retries=2) as client:
        started = time.perf_counter()
        with pytest.raises(RateLimitError):
            await client.user.get_balance()
    assert time.perf_counter() - started >= 0.1  # two waits of Retry-After
    assert emu.counters.by_status[429] == 4
    assert emu.counters.faults["rate_limit"] == 4


@pytest.mark.parametrize(
    ("faults", "status"),
    [
        (Faults(rate_503=1.0), 503),
        (Faults(rate_502=1.0), 502),
        (Faults(rate_5xx=1.0, status_5xx=(504,)), 504),
    ],
)
async def test_5xx_applies_nothing(
    emu: Emulator, connect: Connect, faults: Faults, status: int
) -> None:
    emu.faults = faults
    async with connect("query", "demo", "demo") as client:
        with pytest.raises(ServerError) as raised:
            await client.group.get_contacts(idgroup=1)
        with pytest.raises(OutcomeUnknownError) as unknown:  # not safe to repeat: not retried
            await client.group.create_group(name="g", type="mobile", fields=["mobile"])
    assert raised.value.status_code == status
    assert isinstance(unknown.value.cause, ServerError)
    assert unknown.value.cause.status_code == status
    assert emu.state.groups == {}
    assert emu.counters.applied == 0


async def test_dropped_connection(emu: Emulator, connect: Connect) -> None:
    emu.faults = Faults(rate_drop=1.0)
    async with connect("basic", "demo", "demo") as client:
        with pytest.raises(OutcomeUnknownError) as raised:
            await client.group.create_group(name="g", type="mobile", fields=["mobile"])
    assert isinstance(raised.value.cause, AfilnetConnectionError)
    assert emu.state.groups == {}
    assert emu.counters.faults["drop"] == 1
    assert not emu.counters.by_status  # the answer never completed
    assert emu.counters.in_flight == 0


async def test_dropped_connection_in_process() -> None:
    emu = Emulator.demo(faults=Faults(rate_drop=1.0))
    async with emu.client(FormAuth("demo", "demo"), max_retries=0) as client:
        with pytest.raises(AfilnetConnectionError):
            await client.user.get_balance()


async def test_applied_then_500(emu: Emulator, connect: Connect) -> None:
    emu.faults = Faults(rate_applied_then_500=1.0)
    async with connect("form", "demo", "demo") as client:
        with pytest.raises(OutcomeUnknownError) as raised:
            await client.group.create_group(name="lost answer", type="mobile", fields=["mobile"])
    assert isinstance(raised.value.cause, ServerError)
    assert raised.value.cause.status_code == 500
    [group] = emu.state.groups.values()
    assert group.name == "lost answer"
    assert emu.counters.applied == 1
    assert emu.counters.faults["applied_then_500"] == 1


async def test_latency_and_the_concurrency_the_server_saw(emu: Emulator, connect: Connect) -> None:
    emu.faults = Faults(latency=0.2)
    async with connect("form", "demo", "demo") as client:
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for _ in range(10):
                group.start_soon(client.user.get_balance)
        elapsed = time.perf_counter() - started
    assert 0.2 <= elapsed < 1.5  # concurrent, not 10 x 0.2 s
    assert emu.counters.peak_in_flight == 10
    assert emu.counters.in_flight == 0


async def test_requests_per_second_cap_per_account(emu: Emulator, connect: Connect) -> None:
    emu.add_account("other", "password")
    emu.faults = Faults(rps_limit=3)
    async with connect("form", "demo", "demo") as client:
        for _ in range(3):
            await client.user.get_balance()
        with pytest.raises(RateLimitError) as raised:
            await client.user.get_balance()
    assert raised.value.retry_after is not None
    assert 0 < raised.value.retry_after <= 1
    async with connect("form", "other", "password") as other:
        await other.user.get_balance()  # another account has its own window
    async with connect("form", "demo", "demo", max_retries=1) as patient:
        await patient.user.get_balance()  # waits Retry-After, then gets in
    assert emu.counters.faults["rps_limit"] >= 1


async def test_token_lifetime_expiry_makes_the_client_refresh(
    emu: Emulator, connect: Connect
) -> None:
    emu.faults = Faults(token_lifetime=0.3)
    async with connect("oauth2", "demo", "demo") as client:
        await client.user.get_balance()
        await anyio.sleep(0.35)
        await client.user.get_balance()  # refreshed before use: the old token has expired
        assert emu.counters.tokens_issued == 2
        emu.faults = Faults()
        await client.user.get_balance()
        emu.expire_tokens()  # the server forgets the token the client still trusts
        await client.user.get_balance()  # 401, refresh once, retry once
    assert emu.counters.tokens_issued == 3
    assert emu.counters.by_status[401] == 1


async def test_an_expired_token_is_refused(emu: Emulator, server: RunningServer) -> None:
    emu.faults = Faults(token_lifetime=0.1)
    async with httpx.AsyncClient() as http:
        grant = await http.post(
            server.base_url + "oauth/token",
            data={"grant_type": "password", "username": "demo", "password": "demo"},
        )
    assert grant.json()["expires_in"] == 0.1
    async with AfilnetClient(
        BearerAuth(grant.json()["access_token"]), base_url=server.base_url, max_retries=0
    ) as client:
        await client.user.get_balance()
        await anyio.sleep(0.15)
        with pytest.raises(AuthenticationError) as raised:
            await client.user.get_balance()
    assert raised.value.code == "INCORRECT_USER_PASSWORD"


async def test_token_endpoint_faults_only_when_asked(emu: Emulator, server: RunningServer) -> None:
    def client() -> AfilnetClient:
        return AfilnetClient(OAuth2Auth("demo", "demo"), base_url=server.base_url, max_retries=0)

    emu.faults = Faults(rate_503=1.0)
    async with client() as oauth:
        with pytest.raises(ServerError):
            await oauth.user.get_balance()
    assert emu.counters.tokens_issued == 1  # the token endpoint answered; the API did not
    emu.faults = Faults(rate_503=1.0, token_endpoint_faults=True)
    async with client() as oauth:
        with pytest.raises(ServerError):
            await oauth.user.get_balance()
    assert emu.counters.tokens_issued == 1


def _statuses(seed: int, count: int = 30) -> list[int]:
    emu = Emulator.demo(faults=Faults(rate_429=0.3, rate_503=0.2), seed=seed)

    async def run() -> list[int]:
        transport = emu.transport()
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            query = {"class": "user", "method": "getbalance", "user": "demo", "password": "demo"}
            return [(await http.get("/api/http/", params=query)).status_code for _ in range(count)]

    return anyio.run(run)


def test_the_dice_are_seeded() -> None:
    first, again, other = _statuses(7), _statuses(7), _statuses(8)
    assert first == again
    assert first != other
    assert {200, 429, 503} == set(first)


def test_fault_rates_are_validated() -> None:
    with pytest.raises(ValueError, match="sum above 1"):
        Faults(rate_429=0.6, rate_drop=0.5)
    with pytest.raises(ValueError, match="5xx"):
        Faults(status_5xx=(404,))
    with pytest.raises(ValueError, match="rate_502"):
        Faults(rate_502=1.5)


async def test_server_settings_and_the_legacy_fault_fields(emu: Emulator, connect: Connect) -> None:
    """token_lifetime and rps_limit live in ServerSettings; Faults still accepts them (older
    callers) and then overrides the settings while those faults are in force."""
    emu.settings = ServerSettings(token_lifetime=0.3, rps_limit=2)
    async with connect("oauth2", "demo", "demo") as client:
        await client.user.get_balance()
        await client.user.get_balance()
        with pytest.raises(RateLimitError):
            await client.user.get_balance()
        emu.clock.advance(1.0)  # frees the rate window and expires the token alike
        await client.user.get_balance()
    assert emu.counters.tokens_issued == 2
    emu.faults = Faults(rps_limit=100, token_lifetime=60)
    async with connect("oauth2", "demo", "demo") as client:
        for _ in range(5):
            await client.user.get_balance()
    emu.faults = Faults()  # the settings' values again
    async with connect("form", "demo", "demo") as client:
        emu.clock.advance(1.0)
        await client.user.get_balance()
        await client.user.get_balance()
        with pytest.raises(RateLimitError):
            await client.user.get_balance()
    with pytest.raises(TypeError, match="ServerSettings"):
        emu.settings = Faults()  # type: ignore[assignment]
