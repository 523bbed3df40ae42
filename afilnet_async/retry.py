"""The retry policy: which failures may be retried, and how long to wait before each retry.

One :class:`RetryPolicy` answers for single calls, the OAuth2 token flow and the bulk
runners. It sorts a failure into one of three kinds:

- ``FINAL``: retrying cannot help or must not happen (an Afilnet error code, a bad argument,
  an answer too large, a refused token, a Retry-After beyond the policy's patience);
- ``RETRY``: nothing was applied (the connection could not be made, a 429, only the token
  request failed): safe to send again, whatever the method;
- ``AMBIGUOUS``: the call may have been applied (a timeout after the request went out, a
  connection lost mid-request, a 5xx, an unreadable answer): retried only for methods the
  spec marks idempotent; otherwise the caller gets :class:`OutcomeUnknownError`.

Hand-written rather than a retry library's: it sits on every call's hot path, where the
benchmarks hold the library to within a few percent of raw httpx, and its inputs are only
the error and the server's Retry-After.
"""

from __future__ import annotations

import email.utils
import enum
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping

import anyio
import attrs

from .errors import (
    AfilnetError,
    AfilnetHTTPStatusError,
    AfilnetTransportError,
    ClientClosedError,
    MalformedResponseError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)

__all__ = ["Decision", "FailureKind", "RetryPolicy", "retry_after_seconds"]


class FailureKind(enum.Enum):
    """What a failure says about whether the call was applied."""

    FINAL = "final"
    RETRY = "retry"
    AMBIGUOUS = "ambiguous"


@attrs.frozen
class Decision:
    """What to do after a failed attempt: ``wait`` seconds and send again, or ``raise_``."""

    kind: FailureKind
    retry: bool
    wait: float = 0.0


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The Retry-After header in seconds (delta-seconds or an HTTP date), as the server said
    it (negative and huge values included: the policy judges them); ``None`` when absent or
    unreadable."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when.timestamp() - (time.time() if now is None else now)


def _default_sleep(seconds: float) -> Awaitable[None]:
    return anyio.sleep(seconds)


@attrs.frozen
class RetryPolicy:
    """Up to ``max_retries`` retries; backoff doubles from ``initial_delay`` up to ``max_delay``,
    less up to ``jitter`` of itself.

    A server's Retry-After is honoured when it is between 0 and ``max_retry_after`` seconds;
    a negative, zero or unreadable one gets the normal backoff, and a longer one ends the
    call at once with its :class:`RateLimitError` (waiting minutes inside a call helps no
    one; the error carries the server's value). ``sleep`` and ``random`` may be replaced in
    tests.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0.0))
    max_delay: float = attrs.field(default=8.0, validator=attrs.validators.ge(0.0))
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0.0))
    jitter: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )
    #: Token refreshes (and retries) after the API rejected a cached OAuth2 token with 401.
    max_token_refreshes: int = attrs.field(default=1, validator=attrs.validators.ge(0))
    sleep: Callable[[float], Awaitable[None]] = attrs.field(
        default=_default_sleep, eq=False, repr=False
    )
    random: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    # -- judging a failure ------------------------------------------------------------------

    def kind(self, error: AfilnetError) -> FailureKind:
        """Whether ``error`` is final, safe to retry, or of unknown outcome."""
        if isinstance(error, RateLimitError):
            if self._retry_after_too_long(error.retry_after):
                return FailureKind.FINAL
            return FailureKind.RETRY
        if isinstance(error, ClientClosedError):
            return FailureKind.FINAL if error.nothing_applied else FailureKind.AMBIGUOUS
        if isinstance(error, AfilnetTransportError | ServerError):
            return FailureKind.RETRY if error.nothing_applied else FailureKind.AMBIGUOUS
        if isinstance(error, AfilnetHTTPStatusError) and error.nothing_applied:
            return FailureKind.RETRY
        if isinstance(error, MalformedResponseError) and not isinstance(
            error, ResponseTooLargeError
        ):
            return FailureKind.AMBIGUOUS
        return FailureKind.FINAL

    def decide(self, error: AfilnetError, retries_done: int, *, idempotent: bool) -> Decision:
        """After ``retries_done`` retries, what to do about ``error``."""
        kind = self.kind(error)
        retry = (
            (kind is FailureKind.RETRY or (kind is FailureKind.AMBIGUOUS and idempotent))
            and retries_done < self.max_retries
            and not isinstance(error, ClientClosedError)  # a closed client sends nothing more
        )
        return Decision(kind, retry, self.delay(retries_done, error) if retry else 0.0)

    # -- waiting ----------------------------------------------------------------------------

    def delay(self, retry_number: int, error: AfilnetError | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (0-based) after ``error``."""
        if isinstance(error, RateLimitError) and self._usable_retry_after(error.retry_after):
            assert error.retry_after is not None
            return error.retry_after
        return self.backoff(retry_number)

    def backoff(self, retry_number: int) -> float:
        """The exponential backoff for retry ``retry_number``, with jitter."""
        base = min(self.initial_delay * 2.0 ** min(retry_number, 64), self.max_delay)
        return base * (1.0 - self.jitter * self.random())

    def _usable_retry_after(self, seconds: float | None) -> bool:
        return seconds is not None and 0 < seconds <= self.max_retry_after

    def _retry_after_too_long(self, seconds: float | None) -> bool:
        return seconds is not None and seconds > self.max_retry_after

    def worst_case_seconds(self, timeout: float) -> float:
        """The longest a call can take: every attempt times out and every wait is the longest
        allowed: ``(max_retries + 1) * timeout + max_retries * max(max_delay,
        max_retry_after)``."""
        longest_wait = max(self.max_delay, self.max_retry_after)
        return (self.max_retries + 1) * timeout + self.max_retries * longest_wait
