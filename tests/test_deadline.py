"""The attempt deadline: it fires (late by at most GRAIN, never early), it leaves nothing
behind when the block finishes first, and a caller's own cancellation is never mistaken for
it, on asyncio and on trio."""

from __future__ import annotations

import asyncio
import math
import time

import anyio
import anyio.lowlevel
import pytest

from afilnet_async.deadline import GRAIN, Deadline

BACKENDS = ["asyncio", "trio"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_block_that_runs_too_long_raises_timeout_error(backend: str) -> None:
    async def main() -> tuple[float, bool]:
        started = time.monotonic()
        deadline = Deadline(0.1)
        with pytest.raises(TimeoutError):
            async with deadline:
                await anyio.sleep(5)
        return time.monotonic() - started, deadline.expired

    elapsed, expired = anyio.run(main, backend=backend)
    assert expired
    assert 0.1 <= elapsed < 0.1 + GRAIN + 0.5


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_block_that_finishes_in_time_leaves_nothing_behind(backend: str) -> None:
    async def main() -> bool:
        deadline = Deadline(0.05)
        async with deadline:
            await anyio.lowlevel.checkpoint()
        await anyio.sleep(0.05 + 2 * GRAIN)  # past its slot: nothing cancels this sleep
        return deadline.expired

    assert anyio.run(main, backend=backend) is False


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_callers_cancel_passes_through_untouched(backend: str) -> None:
    async def main() -> tuple[bool, bool]:
        deadline = Deadline(10)
        with anyio.move_on_after(0.05) as caller:
            async with deadline:
                await anyio.sleep(5)
        return caller.cancelled_caught, deadline.expired

    assert anyio.run(main, backend=backend) == (True, False)


def test_a_cancel_arriving_with_the_deadline_stays_a_cancel() -> None:
    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        deadline = Deadline(10)
        with pytest.raises(asyncio.CancelledError):
            async with deadline:
                deadline.expire()  # the slot's timer fires...
                task.cancel()  # ...as someone else cancels the task
                await asyncio.sleep(1)
        task.uncancel()

    asyncio.run(main())


def test_many_concurrent_deadlines_each_fire_and_only_theirs() -> None:
    async def main() -> tuple[int, int]:
        timed_out = finished = 0

        async def attempt(n: int) -> None:
            nonlocal timed_out, finished
            try:
                async with Deadline(0.1 if n % 2 else 5):
                    await anyio.sleep(0.3 if n % 2 else 0.01)
                finished += 1
            except TimeoutError:
                timed_out += 1

        with anyio.fail_after(5):
            async with anyio.create_task_group() as tasks:
                for n in range(1000):
                    tasks.start_soon(attempt, n)
        return timed_out, finished

    assert asyncio.run(main()) == (500, 500)


def test_no_deadline_never_fires() -> None:
    async def main() -> bool:
        deadline = Deadline(math.inf)
        async with deadline:
            await asyncio.sleep(0.01)
        return deadline.expired

    assert asyncio.run(main()) is False
