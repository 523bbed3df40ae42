"""The deadline of one whole attempt (connect, send, headers and body together).

In an asyncio task it is asyncio's own ``asyncio.timeout`` (about half the cost per call of
an anyio cancel scope, which on asyncio is built on top of it); anywhere else (trio) it is an
anyio cancel scope. Either way, running out of time raises :class:`TimeoutError` out of the
``async with``, and a caller's own cancellation passes through untouched.
"""

from __future__ import annotations

import asyncio
import math
from types import TracebackType

import anyio

__all__ = ["Deadline"]


def _in_asyncio_task() -> bool:
    try:
        return asyncio.current_task() is not None
    except RuntimeError:  # no asyncio loop in this thread: trio
        return False


class Deadline:
    """``async with Deadline(seconds):`` a block that raises TimeoutError after ``seconds``
    (``math.inf``: never); :attr:`expired` tells the deadline from a caller's cancel."""

    __slots__ = ("_scope", "_seconds", "_timer")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._timer: asyncio.Timeout | None = None
        self._scope: anyio.CancelScope | None = None

    async def __aenter__(self) -> Deadline:
        if _in_asyncio_task():
            self._timer = asyncio.timeout(None if math.isinf(self._seconds) else self._seconds)
            await self._timer.__aenter__()
        else:
            self._scope = anyio.CancelScope(deadline=anyio.current_time() + self._seconds)
            self._scope.__enter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        if self._timer is not None:
            await self._timer.__aexit__(exc_type, exc, traceback)  # raises TimeoutError
            return None
        assert self._scope is not None
        swallowed = self._scope.__exit__(exc_type, exc, traceback)
        if self._scope.cancelled_caught and self.expired:
            raise TimeoutError
        return swallowed

    @property
    def expired(self) -> bool:
        """Whether the deadline passed (and is cancelling, or cancelled, the block)."""
        if self._timer is not None:
            return self._timer.expired()
        scope = self._scope
        return scope is not None and scope.cancel_called and anyio.current_time() >= scope.deadline
