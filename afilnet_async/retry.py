"""When to retry a failed attempt and how long to wait: exponential backoff with jitter.

Hand-written rather than a retry library's: it sits on every call's hot path, where the
benchmarks hold the library to within a few percent of raw httpx, and its only inputs are
the error kind and the server's Retry-After.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping

import attrs

from .errors import AfilnetError, AfilnetTransportError, RateLimitError, ServerError

__all__ = ["RetryPolicy", "is_retryable", "retry_after_seconds"]


def is_retryable(error: AfilnetError) -> bool:
    """Connect errors, timeouts, 429 and 5xx are retried; everything else is final."""
    return isinstance(error, AfilnetTransportError | RateLimitError | ServerError)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The Retry-After header in seconds (delta-seconds or an HTTP date), if present and sane."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@attrs.frozen
class RetryPolicy:
    """Up to ``max_retries`` retries; backoff doubles from ``initial_delay`` up to ``max_delay``."""

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, retry_number: int, error: AfilnetError) -> float:
        """Seconds to wait before retry ``retry_number`` (0-based) after ``error``."""
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        backoff = min(self.initial_delay * 2.0**retry_number, self.max_delay)
        return backoff * (1 - 0.25 * random.random())
