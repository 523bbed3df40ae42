"""Item 3: cancellation at every await point of a call and of an import.

Calls: a cold client's call is started, the event loop is stepped 0, 1, 2, ... times and the
call cancelled there (asyncio's ``Task.cancel()``, or an anyio cancel scope), until a step
count lets it finish; every await point it passes through is a cancellation point exercised
(the distinct places the cancellations landed are counted). Also under anyio deadlines of
0, 50, 100, ... µs. Imports (with a journal): cancelled at 0, T/30, 2T/30, ... seconds (T: the
time an uncancelled one takes) by ``Task.cancel()`` or an anyio deadline.

After each cancellation: no request left in the connection pool, every pooled connection idle
or closed, the client still usable; at the end, file descriptors and sockets back to their
baseline. For imports: the journal loads, each range it confirms is really stored, and a
re-run with it completes with no row lost or stored twice.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from afilnet_async import AfilnetClient, FormAuth, OAuth2Auth, RetryPolicy
from afilnet_async.bulk.journal import Journal
from afilnet_async.emulator import Emulator, Faults, Group, RunningServer

from .helpers import STRATEGIES, make_auth, open_fds, open_sockets, record, settle

ITEM = "3 cancellation"
#: No call or import here needs more loop steps than this to finish.
MAX_STEPS = 3000
_mobiles = itertools.count(10**10)


#: The clients here have small pools that give up waiting for a connection fast: a connection
#: (or a queued request) that a cancelled call left behind makes the next calls wait out the
#: pool timeout and fail, where they must get a connection at once.
SMALL_POOL: dict[str, Any] = {"max_connections": 1, "timeout": httpx.Timeout(5.0, pool=0.5)}


async def pool_is_free(client: AfilnetClient, size: int = 1) -> bool:
    """``size`` concurrent calls (the pool's size) succeed without waiting for a connection:
    nothing a cancelled call left behind holds one."""
    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            for _ in range(size):
                group.start_soon(client.user.get_balance)
    return True


#: Where cancellations landed: the innermost frame of the library, httpx, httpcore or h11.
LANDINGS: set[str] = set()
_OURS = ("/afilnet_async/", "/httpx/", "/httpcore/", "/h11/")


def _note_landing(error: BaseException) -> None:
    where = "before the call started"
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if any(part in code.co_filename for part in _OURS):
            parent = Path(code.co_filename).parent.name
            where = f"{parent}/{Path(code.co_filename).name}:{tb.tb_lineno} ({code.co_name})"
        tb = tb.tb_next
    LANDINGS.add(where)


async def asyncio_cancel_after(steps: int, work: Callable[[], Awaitable[Any]]) -> bool:
    """Run ``work`` as a task, step the loop ``steps`` times, cancel it; whether it finished."""
    task = asyncio.ensure_future(work())
    for _ in range(steps):
        if task.done():
            break
        await asyncio.sleep(0)
    if task.done():
        task.result()
        return True
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as caught:
        await task  # a cancelled call must not swallow its cancellation
    _note_landing(caught.value)
    return False


async def scope_cancel_after(steps: int, work: Callable[[], Awaitable[Any]]) -> bool:
    """Run ``work`` in an anyio task group and cancel its scope after ``steps`` checkpoints."""
    finished = False

    async def target() -> None:
        nonlocal finished
        try:
            await work()
        except anyio.get_cancelled_exc_class() as cancelled:
            _note_landing(cancelled)
            raise
        finished = True

    async with anyio.create_task_group() as group:
        group.start_soon(target)
        for _ in range(steps):
            if finished:
                break
            await anyio.lowlevel.checkpoint()
        group.cancel_scope.cancel()
    return finished


async def deadline_cancel_after(steps: int, work: Callable[[], Awaitable[Any]]) -> bool:
    """Run ``work`` under ``anyio.move_on_after(steps * 50 µs)``; whether it finished."""
    with anyio.move_on_after(steps * 50e-6) as scope:
        await work()
    return not scope.cancelled_caught


CANCELLERS = {
    "asyncio Task.cancel": asyncio_cancel_after,
    "anyio cancel scope": scope_cancel_after,
}


async def sweep(
    cancel: Callable[[int, Callable[[], Awaitable[Any]]], Awaitable[bool]],
    work: Callable[[], Awaitable[Any]],
    after_each: Callable[[bool], Awaitable[None]],
) -> tuple[int, int]:
    """Cancel ``work`` after 0, 1, 2, ... steps until it finishes.

    Returns the runs cancelled and the distinct places (library frame / innermost frame)
    their cancellations landed.
    """
    LANDINGS.clear()
    for steps in range(MAX_STEPS):
        finished = await cancel(steps, work)
        await after_each(finished)
        if finished:
            return steps, len(LANDINGS)
    raise AssertionError(f"the work never finished within {MAX_STEPS} steps")


# --- calls ---------------------------------------------------------------------------------


@pytest.fixture
async def loopback() -> Any:
    """An emulator on a loopback port, and the process's fds and sockets before any client."""
    emu = Emulator.demo()
    async with emu.serve(host="127.0.0.1", port=0) as server:
        yield emu, server, open_fds(), open_sockets()


def _client(
    emu: Emulator, server: RunningServer | None, strategy: str, **options: Any
) -> AfilnetClient:
    auth = make_auth(strategy, "demo", "demo")
    if server is None:
        return emu.client(auth, **options)
    return AfilnetClient(auth, base_url=server.base_url, **(SMALL_POOL | options))


async def _call_sweep(
    emu: Emulator, server: RunningServer, strategy: str, canceller: str
) -> tuple[int, int]:
    """Sweep a mutating call; returns (runs cancelled, distinct landing points)."""
    group = Group(emu.state.next_id(), emu.state.find("demo"), "c", "mobile", ["mobile", "name"])
    emu.state.groups[group.id] = group
    client = _client(emu, server, strategy, max_retries=0)
    mobile = str(next(_mobiles))

    async def work() -> None:
        await client.group.add_contact(idgroup=group.id, contact={"mobile": mobile, "name": "n"})

    async def after_each(finished: bool) -> None:
        nonlocal client, mobile
        # the client is still usable: no connection held, no OAuth2 refresh left behind
        assert await pool_is_free(client), "a cancelled call left a request or a busy connection"
        stored = [c for c in group.contacts.values() if c["mobile"] == mobile]
        assert len(stored) == 1 if finished else len(stored) <= 1
        await client.aclose()
        client = _client(emu, server, strategy, max_retries=0)  # the next run starts cold
        mobile = str(next(_mobiles))

    try:
        with anyio.fail_after(60):
            return await sweep(CANCELLERS[canceller], work, after_each)
    finally:
        await client.aclose()


@pytest.mark.parametrize("canceller", sorted(CANCELLERS))
@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_call_cancelled_at_every_step_over_loopback(
    loopback: Any, strategy: str, canceller: str
) -> None:
    """A cold client's add_contact (connect, OAuth2 grant, request, answer), cancelled after
    0, 1, 2, ... loop steps until it completes."""
    emu, server, fds, sockets = loopback
    cancelled, points = await _call_sweep(emu, server, strategy, canceller)
    record(ITEM, **{f"call, {strategy}, {canceller}": f"{cancelled} cancelled runs, "
                    f"{points} distinct await points"})  # fmt: skip
    record(ITEM, **{"cancelled runs": cancelled, "distinct await points (summed)": points})
    assert cancelled >= 5 and points >= 3
    assert await settle(lambda: open_sockets() <= sockets), "a socket leaked"
    assert await settle(lambda: emu.counters.in_flight == 0)
    assert open_fds() <= fds


async def test_cancelled_calls_do_not_starve_a_pool_of_two_connections(loopback: Any) -> None:
    """One client with two pooled connections, its calls cancelled (``Task.cancel()``) after
    0..40 steps: afterwards its calls still get connections (httpcore alone leaves a
    cancelled request's connection busy, and two of those make every later call wait out the
    pool timeout)."""
    _, server, _, sockets = loopback
    client = AfilnetClient(
        FormAuth("demo", "demo"), base_url=server.base_url, max_connections=2, timeout=1.0,
        max_retries=0,
    )  # fmt: skip
    try:
        with anyio.fail_after(30):
            for steps in range(40):
                await asyncio_cancel_after(steps, client.user.get_balance)
            async with anyio.create_task_group() as group:
                for _ in range(6):
                    group.start_soon(client.user.get_balance)
            assert await pool_is_free(client, 2)
    finally:
        await client.aclose()
    assert await settle(lambda: open_sockets() <= sockets)


async def test_an_oauth2_refresh_cancelled_at_every_step_is_not_left_behind(
    loopback: Any,
) -> None:
    """The 401 path: a revoked token, a refresh, a retry; cancelled anywhere along it, the
    next calls (concurrent ones too) get a token and nobody waits on a dead refresh."""
    emu, server, fds, sockets = loopback
    client = AfilnetClient(
        OAuth2Auth("demo", "demo"), base_url=server.base_url, max_retries=0,
        max_connections=2, timeout=httpx.Timeout(5.0, pool=1.0),
    )  # fmt: skip
    await client.user.get_balance()
    cancelled = 0

    async def work() -> None:
        await client.user.get_balance()

    async def after_each(finished: bool) -> None:
        nonlocal cancelled
        cancelled += not finished
        assert await pool_is_free(client, 2)
        with anyio.fail_after(5):
            async with anyio.create_task_group() as group:
                for _ in range(5):
                    group.start_soon(client.user.get_balance)
        emu.expire_tokens()  # the next run meets a 401 with the token it holds

    emu.expire_tokens()
    try:
        with anyio.fail_after(60):
            runs, points = await sweep(asyncio_cancel_after, work, after_each)
    finally:
        await client.aclose()
    record(ITEM, **{"call, oauth2 401 + refresh, asyncio Task.cancel": f"{runs} cancelled "
                    f"runs, {points} distinct await points"})  # fmt: skip
    record(ITEM, **{"cancelled runs": runs, "distinct await points (summed)": points})
    assert cancelled == runs >= 5 and points >= 3
    assert await settle(lambda: open_sockets() <= sockets)
    assert open_fds() <= fds


async def test_calls_under_shrinking_deadlines_over_loopback(loopback: Any) -> None:
    """anyio deadlines (move_on_after) of 0, 50, 100, ... µs on calls through every style."""
    emu, server, fds, sockets = loopback
    emu.faults = Faults(latency=0.002)
    outcomes: Counter[str] = Counter()
    for strategy in STRATEGIES:
        client = _client(emu, server, strategy, max_retries=0)

        async def work(client: AfilnetClient = client) -> None:
            await client.user.get_balance()

        async def after_each(finished: bool, client: AfilnetClient = client) -> None:
            outcomes["finished" if finished else "cancelled by the deadline"] += 1
            assert await pool_is_free(client)

        try:
            with anyio.fail_after(60):
                await sweep(deadline_cancel_after, work, after_each)
        finally:
            await client.aclose()
    record(ITEM, **{"calls under deadlines (loopback, 4 styles)": outcomes})
    assert outcomes["cancelled by the deadline"] >= 4 * 10
    assert await settle(lambda: open_sockets() <= sockets)
    assert open_fds() <= fds


# --- imports -------------------------------------------------------------------------------

ROWS = 60


def _rows(base: int) -> list[dict[str, str]]:
    return [{"mobile": f"{base + index}", "name": f"row {index}"} for index in range(ROWS)]


def _journal_is_consistent(path: Path, group: Group, rows: list[dict[str, str]]) -> int:
    """The journal loads and its confirmed ranges are stored; the rows it confirms."""
    journal = Journal(path, {"kind": "import", "idgroup": group.id})
    journal.close()
    stored = {contact["mobile"] for contact in group.contacts.values()}
    confirmed = 0
    for span in journal.ranges:
        if span.state == "confirmed":
            missing = [i for i in range(span.start, span.end) if rows[i]["mobile"] not in stored]
            assert not missing, f"rows {missing} are confirmed in the journal but not stored"
            confirmed += span.end - span.start
    return confirmed


#: How many cancelled runs an import sweep aims for (a stride over the loop steps).
IMPORT_RUNS = 30
FAST = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.01)


def _progress(path: Path) -> tuple[int, int]:
    """(chunks recorded sent, chunks recorded confirmed) in a journal."""
    if not path.exists():
        return (0, 0)
    lines = path.read_text("utf-8").splitlines()
    return (sum('"sent"' in line for line in lines), sum('"confirmed"' in line for line in lines))


async def asyncio_cancel_at(delay: float, work: Callable[[], Awaitable[Any]]) -> bool:
    """Run ``work`` as a task and ``Task.cancel()`` it after ``delay`` s; whether it finished."""
    task = asyncio.ensure_future(work())
    await asyncio.wait({task}, timeout=delay)
    if task.done():
        task.result()
        return True
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return False


async def deadline_cancel_at(delay: float, work: Callable[[], Awaitable[Any]]) -> bool:
    """Run ``work`` under an anyio cancel scope with a ``delay`` s deadline."""
    with anyio.move_on_after(delay) as scope:
        await work()
    return not scope.cancelled_caught


TIMED_CANCELLERS = {
    "asyncio Task.cancel": asyncio_cancel_at,
    "anyio cancel scope (deadline)": deadline_cancel_at,
}


async def _import_sweep(
    emu: Emulator,
    make_client: Callable[[], AfilnetClient],
    canceller: Callable[[float, Callable[[], Awaitable[Any]]], Awaitable[bool]],
    directory: Path,
) -> tuple[int, Counter[str]]:
    """Cancel imports with a journal after 0, T/n, 2T/n, ... seconds (T: the time an
    uncancelled one takes, n: IMPORT_RUNS) until one finishes; check the journal and re-run
    each cancelled one to completion."""
    figures: Counter[str] = Counter()
    progress_points: set[tuple[int, int]] = set()
    numbers = itertools.count()
    demo = emu.state.find("demo")

    def fresh() -> tuple[Group, list[dict[str, str]], Path]:
        number = next(numbers)
        group = Group(emu.state.next_id(), demo, "i", "mobile", ["mobile", "name"])
        emu.state.groups[group.id] = group
        return group, _rows(10**11 + number * 1000), directory / f"import-{number}.journal"

    group, rows, journal = fresh()
    client = make_client()

    async def work() -> None:
        await client.group.import_contacts(
            group.id, rows, chunk_size=7, concurrency=3, journal=journal, main_field="mobile",
            retry_policy=FAST,
        )  # fmt: skip

    async def after_each(finished: bool) -> None:
        nonlocal group, rows, journal, client
        faults, emu.faults = emu.faults, Faults()  # the check is of the pool, not of faults
        try:
            assert await pool_is_free(client, 3)
        finally:
            emu.faults = faults
        if journal.exists():
            figures["rows confirmed before the cancellation"] += _journal_is_consistent(
                journal, group, rows
            )
        if not finished:
            figures["imports cancelled"] += 1
            progress_points.add(_progress(journal))
            with anyio.fail_after(30):  # the re-run, uncancelled, completes the import
                report = await client.group.import_contacts(
                    group.id, rows, chunk_size=7, concurrency=3, journal=journal,
                    main_field="mobile", retry_policy=FAST,
                )  # fmt: skip
            assert (report.total, report.imported, report.failed) == (ROWS, ROWS, 0)
            figures["rows resumed from the journal"] += report.resumed
            figures["rows reconciled"] += report.reconciled
        stored = [contact["mobile"] for contact in group.contacts.values()]
        assert sorted(stored) == sorted(row["mobile"] for row in rows), "lost or doubled rows"
        await client.aclose()
        group, rows, journal = fresh()
        client = make_client()

    try:
        with anyio.fail_after(60):
            for _ in range(2):  # the second, warm, run is the one timed
                started = anyio.current_time()
                await work()
                took = anyio.current_time() - started
                await after_each(True)
            for run in range(10 * IMPORT_RUNS):
                finished = await canceller(run * took / IMPORT_RUNS, work)
                await after_each(finished)
                if finished and run >= IMPORT_RUNS // 2:
                    break
    finally:
        await client.aclose()
    figures["ms an uncancelled import takes"] = round(took * 1000)
    figures["distinct journal states at cancellation"] = len(progress_points)
    return figures["imports cancelled"], figures


@pytest.mark.parametrize("canceller", sorted(TIMED_CANCELLERS))
async def test_an_import_cancelled_all_along_in_process(tmp_path: Path, canceller: str) -> None:
    emu = Emulator.demo(faults=Faults(latency=0.0005))
    runs, figures = await _import_sweep(
        emu, lambda: emu.client(FormAuth("demo", "demo")), TIMED_CANCELLERS[canceller], tmp_path
    )
    record(ITEM, **{f"import, in process, {canceller}": dict(figures)})
    record(ITEM, **{"cancelled runs": runs})
    assert runs >= IMPORT_RUNS // 3
    assert figures["distinct journal states at cancellation"] >= 5
    assert figures["rows resumed from the journal"] > 0 and figures["rows reconciled"] > 0
    assert figures["rows resumed from the journal"] > 0
    assert figures["rows reconciled"] > 0


async def test_an_import_cancelled_over_loopback_with_faults(loopback: Any, tmp_path: Path) -> None:
    """Over loopback with faults on (lost answers, 503s, drops)."""
    emu, server, fds, sockets = loopback
    emu.faults = Faults(latency=0.001, rate_503=0.03, rate_drop=0.02, rate_applied_then_500=0.05)

    def make_client() -> AfilnetClient:
        return AfilnetClient(
            FormAuth("demo", "demo"), base_url=server.base_url, max_connections=3,
            timeout=httpx.Timeout(5.0, pool=0.5),
        )  # fmt: skip

    runs, figures = await _import_sweep(emu, make_client, asyncio_cancel_at, tmp_path)
    emu.faults = Faults()
    record(ITEM, **{"import, loopback + faults, asyncio Task.cancel": dict(figures)})
    record(ITEM, **{"cancelled runs": runs})
    assert runs >= IMPORT_RUNS // 3
    assert figures["distinct journal states at cancellation"] >= 5
    assert await settle(lambda: open_sockets() <= sockets), "a socket leaked"
    assert open_fds() <= fds
