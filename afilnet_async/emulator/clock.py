"""The emulator's clock: monotonic time that tests can move forward.

Token expiry, the per-account rate window and message delivery all read it, so
``emulator.clock.advance(5)`` ages tokens, frees rate-limit slots and delivers messages sent
less than 5 s ago as if 5 s had passed, without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Clock"]


class Clock:
    """``time.monotonic()`` (or ``source()``) plus every :meth:`advance` so far, in seconds."""

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._offset = 0.0

    def __call__(self) -> float:
        return self._source() + self._offset

    def __repr__(self) -> str:
        return f"<Clock advanced={self._offset:g}s>"

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward (never back: ``ValueError`` if negative)."""
        if not seconds >= 0:
            raise ValueError("the emulator's clock only moves forward")
        self._offset += seconds
