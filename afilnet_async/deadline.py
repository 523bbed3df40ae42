"""The deadline of one whole attempt (connect, send, headers and body together).

In an asyncio task, deadlines share timers: each is put in a slot of ``GRAIN`` seconds and one
loop timer per slot cancels the attempts still running in it, so a call costs no timer of its
own (a timer per call, armed and cancelled, cost more than the rest of the client's work per
call). A deadline therefore fires up to ``GRAIN`` late, never early. Elsewhere (trio) it is an
anyio cancel scope. Either way, running out of time raises :class:`TimeoutError` out of the
``async with``, and a caller's own cancellation passes through untouched.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from types import TracebackType

import anyio

__all__ = ["GRAIN", "Deadline"]

#: Seconds per timer slot: how late at most a deadline fires.
GRAIN = 0.05


class _Slots:
    """The deadlines of one event loop, by the slot (a multiple of GRAIN) they expire in."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending: dict[float, set[Deadline]] = {}

    def add(self, deadline: Deadline, when: float) -> float:
        slot = math.ceil(when / GRAIN) * GRAIN
        members = self.pending.get(slot)
        if members is None:
            members = self.pending[slot] = set()
            asyncio.get_running_loop().call_at(slot, self._expire, slot)
        members.add(deadline)
        return slot

    def discard(self, deadline: Deadline, slot: float) -> None:
        members = self.pending.get(slot)
        if members is not None:
            members.discard(deadline)

    def _expire(self, slot: float) -> None:
        for deadline in self.pending.pop(slot, ()):
            deadline.expire()


_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Slots] = weakref.WeakKeyDictionary()


def _current_task() -> asyncio.Task[object] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no asyncio loop in this thread: trio
        return None


class Deadline:
    """``async with Deadline(seconds):`` a block that raises TimeoutError after ``seconds``
    (``math.inf``: never); :attr:`expired` tells the deadline from a caller's cancel."""

    __slots__ = ("_cancelling", "_expired", "_scope", "_seconds", "_slot", "_slots", "_task")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._expired = False
        self._task: asyncio.Task[object] | None = None
        self._slots: _Slots | None = None
        self._slot = 0.0
        self._cancelling = 0
        self._scope: anyio.CancelScope | None = None

    async def __aenter__(self) -> Deadline:
        task = _current_task()
        if task is None:
            self._scope = anyio.CancelScope(deadline=anyio.current_time() + self._seconds)
            self._scope.__enter__()
        elif not math.isinf(self._seconds):
            loop = task.get_loop()
            slots = _SLOTS.get(loop)
            if slots is None:
                slots = _SLOTS[loop] = _Slots()
            self._task, self._slots, self._cancelling = task, slots, task.cancelling()
            self._slot = slots.add(self, loop.time() + self._seconds)
        return self

    def expire(self) -> None:
        """Called by the slot's timer: cancel the block (it then raises TimeoutError)."""
        if self._task is not None and not self._task.done():
            self._expired = True
            self._task.cancel()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        if self._scope is not None:
            swallowed = self._scope.__exit__(exc_type, exc, traceback)
            if self._scope.cancelled_caught and self.expired:
                raise TimeoutError
            return swallowed
        if self._slots is not None:
            self._slots.discard(self, self._slot)
        # As asyncio.timeout: the cancellation is ours unless someone else asked for one too.
        if (
            self._expired
            and self._task is not None
            and self._task.uncancel() <= self._cancelling
            and exc_type is asyncio.CancelledError
        ):
            raise TimeoutError from None
        return None

    @property
    def expired(self) -> bool:
        """Whether the deadline passed (and is cancelling, or cancelled, the block)."""
        scope = self._scope
        if scope is not None:
            return scope.cancel_called and anyio.current_time() >= scope.deadline
        return self._expired
