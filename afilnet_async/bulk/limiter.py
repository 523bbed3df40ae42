"""Concurrency that adapts to the server: additive increase, multiplicative decrease (AIMD).

On a 429 every sender pauses (for as long as the retry policy says) and the window of
requests in flight halves (once per pause, however many requests saw the 429); each window
of successes then widens it by one, back up to the ceiling the caller asked for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

__all__ = ["AdaptiveLimiter", "RateLimiter"]


class AdaptiveLimiter:
    """At most ``limit`` holders at once; ``limit`` moves between 1 and ``ceiling``.

    ``refusals`` counts 429s since the last success (the policy's backoff grows with it) and
    :meth:`stalled_for` says how long the server has refused everything.
    """

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.limit = ceiling
        self.in_flight = 0
        self.peak = 0
        self.decreases = 0
        self.refusals = 0
        self._successes = 0
        self._paused_until = 0.0
        self._last_progress = anyio.current_time()
        self._condition = anyio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``limit`` places for the duration of a request."""
        await self._acquire()
        try:
            yield
        finally:
            self.in_flight -= 1
            async with self._condition:
                self._condition.notify_all()

    async def _acquire(self) -> None:
        while True:
            pause = self._paused_until - anyio.current_time()
            if pause > 0:
                await anyio.sleep(pause)
                continue
            async with self._condition:
                if self.in_flight < self.limit and anyio.current_time() >= self._paused_until:
                    self.in_flight += 1
                    self.peak = max(self.peak, self.in_flight)
                    return
                await self._condition.wait()

    def succeeded(self) -> None:
        """A request went through: after ``limit`` of them, allow one more in flight."""
        self.refusals = 0
        self._last_progress = anyio.current_time()
        self._successes += 1
        if self._successes >= self.limit and self.limit < self.ceiling:
            self.limit += 1
            self._successes = 0

    def rate_limited(self, wait: float) -> None:
        """A 429: pause everyone ``wait`` seconds and halve the window (once per pause)."""
        now = anyio.current_time()
        self.refusals += 1
        if now >= self._paused_until:
            self.limit = max(1, self.limit // 2)
            self._successes = 0
            self.decreases += 1
        self._paused_until = max(self._paused_until, now + wait)

    def stalled_for(self) -> float:
        """Seconds since the last success (or the start) while 429s keep coming; 0 otherwise."""
        if not self.refusals:
            return 0.0
        return anyio.current_time() - self._last_progress


class RateLimiter:
    """Spaces acquisitions ``1 / per_second`` apart (no bursts); ``None`` means unlimited."""

    def __init__(self, per_second: float | None) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next request may start."""
        if not self._interval:
            return
        now = anyio.current_time()
        start = max(now, self._next)
        self._next = start + self._interval
        if start > now:
            await anyio.sleep(start - now)
