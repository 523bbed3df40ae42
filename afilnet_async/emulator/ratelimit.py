"""A per-key sliding-window limiter: at most N accepted requests in any window of 1 second.

A limit under 1 request per second becomes one request per ``1 / limit`` seconds.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from .constants import RATE_WINDOW

__all__ = ["SlidingWindowLimiter"]


class SlidingWindowLimiter:
    """Counts accepted requests per key; refused ones do not count."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, window: float = RATE_WINDOW
    ) -> None:
        self._clock = clock
        self._window = window
        self._accepted: dict[str, deque[float]] = {}

    def admit(self, key: str, limit: float | None) -> float | None:
        """``None`` if the request is accepted (and counted), else seconds until a slot frees."""
        if limit is None:
            return None
        capacity, window = (math.floor(limit), self._window) if limit >= 1 else (1, 1 / limit)
        now = self._clock()
        times = self._accepted.setdefault(key, deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= capacity:
            return max(times[0] + window - now, 0.001)
        times.append(now)
        return None
