"""The machinery every bulk run shares: bounded streaming, adaptive concurrency, the journal.

One producer streams units of work (import chunks, messages) into a bounded channel;
``concurrency`` workers take them and deliver each one. Requests go through the
:class:`AdaptiveLimiter` (narrowed by 429s) and the :class:`RateLimiter` (``max_per_second``),
and are sent once at a time: the runner (not the client) decides on retries, with the retry
policy. A run stops sending once it is aborted (bad credentials, a Retry-After beyond the
policy's patience, a server refusing everything for longer than that). Memory stays flat in
the number of rows and no task is created per row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, NoReturn, TypeVar

import anyio
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from ..call import Call
from ..errors import AfilnetError, RateLimitError
from ..retry import RetryPolicy
from ..sender import Sender
from .journal import Journal, Recorded
from .limiter import AdaptiveLimiter, RateLimiter

__all__ = ["BulkRun", "raise_single"]

Unit = TypeVar("Unit")


def raise_single(group: BaseExceptionGroup[BaseException]) -> NoReturn:
    """Raise the one failure inside a task group's exception group as itself (the first,
    when several failed together: the others are named in its notes)."""
    leaves: list[BaseException] = []

    def collect(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                collect(inner)
        else:
            leaves.append(error)

    collect(group)
    first = next((e for e in leaves if isinstance(e, AfilnetError)), leaves[0])
    for other in leaves:
        if other is not first:
            first.add_note(f"also failed at the same time: {type(other).__name__}: {other}")
    raise first.with_traceback(first.__traceback__) from None


class BulkRun(Generic[Unit]):
    """The state of one bulk run that the importer and the bulk sender share."""

    def __init__(
        self,
        sender: Sender,
        *,
        concurrency: int,
        max_per_second: float | None,
        journal: Journal | None,
        policy: RetryPolicy,
    ) -> None:
        self.sender = sender
        self.concurrency = concurrency
        self.limiter = AdaptiveLimiter(concurrency)
        self.rate = RateLimiter(max_per_second)
        self.journal = journal
        self.policy = policy
        self.aborted: AfilnetError | None = None
        self.requests = self.retries = self.rate_limited = 0
        self._syncing: anyio.Event | None = None

    # -- journal ----------------------------------------------------------------------------

    async def record(self, event: str, unit: Recorded, **details: Any) -> None:
        """Record ``event`` for ``unit`` and return once it is durable. Records of concurrent
        units share one fsync (group commit), made off the event loop."""
        journal = self.journal
        if journal is None:
            return
        number = journal.event(event, unit, **details)
        while journal.synced < number:
            syncing = self._syncing
            if syncing is not None:
                await syncing.wait()
                continue
            syncing = self._syncing = anyio.Event()
            try:
                await anyio.to_thread.run_sync(journal.sync)
            finally:
                self._syncing = None
                syncing.set()

    # -- sending ----------------------------------------------------------------------------

    async def send(self, call: Call, before: Callable[[], Awaitable[None]] | None = None) -> Any:
        """Send ``call`` once, within the rate cap and the adaptive window; ``before`` runs
        right before it goes out (a journal record). A 429 narrows the window and pauses
        every sender for as long as the policy says; the error is raised to the caller."""
        await self.rate.wait()
        async with self.limiter.slot():
            if before is not None:
                await before()
            self.requests += 1
            try:
                result = await self.sender.send_once(call)
            except RateLimitError as error:
                self.rate_limited += 1
                self.limiter.rate_limited(self.policy.delay(self.limiter.refusals, error))
                raise
        self.limiter.succeeded()
        return result

    def abort(self, error: AfilnetError) -> None:
        """Stop sending: every unit not yet delivered fails with ``error``."""
        if self.aborted is None:
            self.aborted = error

    def stalled(self) -> bool:
        """Whether the server has refused everything for longer than the policy's patience."""
        return self.limiter.stalled_for() > self.policy.max_retry_after

    # -- running ----------------------------------------------------------------------------

    async def run(
        self,
        produce: Callable[[ObjectSendStream[Unit]], Coroutine[Any, Any, None]],
        deliver: Callable[[Unit], Awaitable[None]],
    ) -> None:
        """Run ``produce`` (which closes its stream when done) and the workers to the end; a
        failure is raised as itself, never inside an exception group."""
        send, receive = anyio.create_memory_object_stream[Unit](self.concurrency)

        async def work(units: ObjectReceiveStream[Unit]) -> None:
            async with units:
                async for unit in units:
                    await deliver(unit)

        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(produce, send)
                async with receive:
                    for _ in range(self.concurrency):
                        tasks.start_soon(work, receive.clone())
        except BaseExceptionGroup as group:
            raise_single(group)
