"""Item 6: the library under asyncio and under trio (through anyio).

The same scenarios run on both backends with ``anyio.run(..., backend=...)``: calls through
every auth strategy, the OAuth2 token lifecycle (refresh ahead of expiry, a 401 storm, a
failing token endpoint), a bulk import with faults and a journal (cancelled, then resumed),
and cancellation of calls at every step. The emulator's in-process transport serves both
backends; for real sockets (httpcore's pool on trio's networking) the emulator runs on a
loopback port in a thread of its own, since uvicorn needs asyncio.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from afilnet_async import (
    AfilnetClient,
    AfilnetError,
    BearerAuth,
    FormAuth,
    ImportProgress,
    OAuth2Auth,
    RetryPolicy,
    ServerError,
)
from afilnet_async.bulk.journal import Journal
from afilnet_async.emulator import Emulator, Faults, RunningServer

from .helpers import STRATEGIES, TokenCounter, make_auth, open_sockets, record

#: The base URL of a client on an emulator's in-process transport.
IN_PROCESS = "http://127.0.0.1/api/"

ITEM = "6 asyncio and trio"
BACKENDS = ["asyncio", "trio"]
FAST = RetryPolicy(max_retries=6, initial_delay=0.001, max_delay=0.01)


def run(backend: str, scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``scenario`` on ``backend``, bounded in time."""

    async def bounded() -> Any:
        with anyio.fail_after(60):
            return await scenario()

    result = anyio.run(bounded, backend=backend)
    record(ITEM, **{f"scenarios passed on {backend}": 1})
    return result


@pytest.fixture(scope="module")
def threaded() -> Iterator[tuple[Emulator, RunningServer]]:
    """An emulator on a loopback port, served from its own thread (any backend can call it)."""
    emu = Emulator.demo()
    with emu.serve_in_thread(host="127.0.0.1", port=0) as server:
        yield emu, server


async def _exercise(client: AfilnetClient, tag: str) -> None:
    """A representative tour of the API through one client."""
    assert (await client.user.get_balance()).balance == 1000
    channels = await client.user.get_channels()
    assert {channel.channelname for channel in channels} == {"sms", "email", "voice"}
    await client.user.modify_channel(channelname="sms", active=False)
    group = await client.group.create_group(name=f"g {tag}", type="mobile", fields="mobile,name")
    assert group.idgroup is not None
    await client.group.add_contact(
        idgroup=group.idgroup, contact={"mobile": "34600000000", "name": "Ann & co"}
    )
    await client.group.add_contact_list(
        idgroup=group.idgroup,
        contacts=[{"mobile": f"3460000000{n}", "name": f"n,{n}:"} for n in range(1, 4)],
    )
    contacts = await client.group.get_contacts(idgroup=group.idgroup)
    assert [c.fields["name"] for c in contacts] == ["Ann & co", "n,1:", "n,2:", "n,3:"]
    columns = await client.group.get_group_columns(idgroup=group.idgroup)
    assert columns.columns == ("mobile", "name")


@pytest.mark.parametrize("backend", BACKENDS)
def test_calls_through_every_strategy_in_process(backend: str) -> None:
    async def scenario() -> None:
        emu = Emulator.demo()
        token = emu.state.tokens.issue("demo", 3600)
        for strategy in (*STRATEGIES, "bearer"):
            async with emu.client(make_auth(strategy, "demo", "demo", token)) as client:
                await _exercise(client, strategy)
        assert emu.counters.by_status.keys() == {200}

    run(backend, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_calls_through_every_strategy_over_loopback(backend: str, threaded: Any) -> None:
    """Real sockets: httpcore's pool on this backend's networking."""
    emu, server = threaded

    async def scenario() -> None:
        sockets = open_sockets()
        for strategy in STRATEGIES:
            auth = make_auth(strategy, "demo", "demo")
            async with AfilnetClient(auth, base_url=server.base_url) as client:
                await _exercise(client, f"{backend} {strategy}")
        token = emu.state.tokens.issue("demo", 3600)
        async with AfilnetClient(BearerAuth(token), base_url=server.base_url) as client:
            assert (await client.user.get_balance()).balance == 1000
        for _ in range(100):  # the server thread closes its side on its own time
            if open_sockets() <= sockets:
                break
            await anyio.sleep(0.02)
        assert open_sockets() <= sockets

    run(backend, scenario)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_oauth2_token_lifecycle(backend: str) -> None:
    async def scenario() -> dict[str, Any]:
        emu = Emulator.demo(faults=Faults(token_lifetime=0.2, latency=0.005))
        flow = TokenCounter(emu.transport())
        async with AfilnetClient(
            OAuth2Auth("demo", "demo"), base_url=IN_PROCESS, transport=flow, max_retries=0
        ) as client:
            # refreshed ahead of expiry
            started = anyio.current_time()
            while anyio.current_time() - started < 0.6:
                await client.user.get_balance()
            ahead = flow.token_requests
            assert 3 <= ahead <= 6 and emu.counters.by_status[401] == 0
            # a 401 storm after every token was revoked: one refresh
            emu.faults = Faults(latency=0.005)
            await client.user.get_balance()
            emu.expire_tokens()
            before = flow.token_requests
            async with anyio.create_task_group() as group:
                for _ in range(100):
                    group.start_soon(client.user.get_balance)
            storm = flow.token_requests - before
            assert storm == 1
            # a failing token endpoint: one request, its error shared by every waiter
            emu.expire_tokens()
        flow = TokenCounter(emu.transport())  # a new client starts without a token
        async with AfilnetClient(
            OAuth2Auth("demo", "demo"), base_url=IN_PROCESS, transport=flow, max_retries=0
        ) as client:
            emu.faults = Faults(rate_503=1.0, token_endpoint_faults=True)
            errors: Counter[str] = Counter()

            async def failing() -> None:
                try:
                    await client.user.get_balance()
                except AfilnetError as error:
                    errors[type(error).__name__] += 1

            before = flow.token_requests
            async with anyio.create_task_group() as group:
                for _ in range(50):
                    group.start_soon(failing)
            assert errors == {ServerError.__name__: 50}
            shared = flow.token_requests - before
            assert shared == 1
        return {"refreshes ahead in 0.6 s": ahead, "401 storm": storm, "503 grant": shared}

    figures = run(backend, scenario)
    record(ITEM, **{f"oauth2 token requests on {backend}": figures})


def _journal_confirmed_rows_are_stored(path: Path, emu: Emulator, idgroup: int, rows: Any) -> int:
    journal = Journal(path, {"kind": "import", "idgroup": idgroup})
    journal.close()
    stored = {c["mobile"] for c in emu.state.groups[idgroup].contacts.values()}
    confirmed = 0
    for span in journal.ranges:
        if span.state == "confirmed":
            assert all(rows[i]["mobile"] in stored for i in range(span.start, span.end))
            confirmed += span.end - span.start
    return confirmed


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bulk_import_with_faults_a_journal_and_a_cancellation(
    backend: str, tmp_path: Path
) -> None:
    faults = Faults(
        latency=0.002, rate_429=0.05, retry_after=0.01, rate_503=0.05, rate_drop=0.03,
        rate_applied_then_500=0.05,
    )  # fmt: skip

    async def scenario() -> dict[str, Any]:
        emu = Emulator.demo(faults=faults, seed=7)
        rows = [{"mobile": f"346{n:08d}", "name": f"row {n}"} for n in range(600)]
        async with emu.client(FormAuth("demo", "demo"), max_retries=5) as client:
            emu.faults = Faults()
            first = await client.group.create_group(name="a", type="mobile", fields="mobile,name")
            second = await client.group.create_group(name="b", type="mobile", fields="mobile,name")
            emu.faults = faults
            assert first.idgroup and second.idgroup
            journal = tmp_path / f"{backend}-a.journal"
            report = await client.group.import_contacts(
                first.idgroup, rows, chunk_size=10, concurrency=6, journal=journal,
                retry_policy=FAST,
            )  # fmt: skip
            assert (report.imported, report.failed) == (600, 0)
            assert report.retries > 0 and report.reconciled > 0
            stored = Counter(c["mobile"] for c in emu.state.groups[first.idgroup].contacts.values())
            assert len(stored) == 600 and max(stored.values()) == 1
            assert _journal_confirmed_rows_are_stored(journal, emu, first.idgroup, rows) == 600
            # cancelled halfway, then resumed from its journal
            journal = tmp_path / f"{backend}-b.journal"
            with anyio.CancelScope() as scope:

                def halfway(progress: ImportProgress) -> None:
                    if progress.imported >= 300:
                        scope.cancel()

                await client.group.import_contacts(
                    second.idgroup, rows, chunk_size=10, concurrency=6, journal=journal,
                    retry_policy=FAST, on_progress=halfway,
                )  # fmt: skip
            assert scope.cancelled_caught
            confirmed = _journal_confirmed_rows_are_stored(journal, emu, second.idgroup, rows)
            resumed = await client.group.import_contacts(
                second.idgroup, rows, chunk_size=10, concurrency=6, journal=journal,
                retry_policy=FAST,
            )  # fmt: skip
            assert (resumed.imported, resumed.failed, resumed.resumed) == (600, 0, confirmed)
            group = emu.state.groups[second.idgroup]
            stored = Counter(c["mobile"] for c in group.contacts.values())
            assert len(stored) == 600 and max(stored.values()) == 1
        return {"retries": report.retries, "reconciled": report.reconciled,
                "confirmed before the cancellation": confirmed}  # fmt: skip

    figures = run(backend, scenario)
    record(ITEM, **{f"import with faults on {backend}": figures})


_mobiles = itertools.count(10**9)


@pytest.mark.parametrize("backend", BACKENDS)
def test_calls_cancelled_at_every_step_over_loopback(backend: str, threaded: Any) -> None:
    """A cancel scope cancelled after 0, 1, 2, ... checkpoints, through every strategy; the
    pool is left quiet, the client usable, no socket left open."""
    _, server = threaded

    async def scenario() -> int:
        sockets = open_sockets()
        cancelled = 0
        for strategy in STRATEGIES:
            for steps in range(5000):
                client = AfilnetClient(
                    make_auth(strategy, "demo", "demo"), base_url=server.base_url, max_retries=0,
                    max_connections=1, timeout=httpx.Timeout(5.0, pool=0.5),
                )  # fmt: skip
                finished = False

                async def call(client: AfilnetClient = client) -> None:
                    nonlocal finished
                    await client.group.get_group_columns(idgroup=10**6)  # NOT_ACCESS_TO_GROUP
                    finished = True  # pragma: no cover - the call always raises

                async def target(call: Callable[[], Awaitable[None]] = call) -> None:
                    nonlocal finished
                    try:
                        await call()
                    except AfilnetError:
                        finished = True

                async with anyio.create_task_group() as group:
                    group.start_soon(target)
                    for _ in range(steps):
                        if finished:
                            break
                        await anyio.lowlevel.checkpoint()
                    group.cancel_scope.cancel()
                # a connection left busy would make this wait out the 0.5 s pool timeout
                with anyio.fail_after(5):
                    assert (await client.user.get_balance()).balance == 1000
                await client.aclose()
                if finished:
                    break
                cancelled += 1
        for _ in range(100):  # the server thread closes its side on its own time
            if open_sockets() <= sockets:
                break
            await anyio.sleep(0.02)
        assert open_sockets() <= sockets
        return cancelled

    cancelled = run(backend, scenario)
    record(ITEM, **{f"calls cancelled over loopback on {backend} (4 strategies)": cancelled})
    assert cancelled >= 4 * 3
