"""429 and Retry-After on single calls.

A negative, zero or unreadable Retry-After falls back to the policy's exponential backoff
(never a tight loop); one over ``max_retry_after`` (60 s by default; also as an HTTP date far
ahead) is not waited at all: the call fails at once with :class:`RateLimitError`, whose
``retry_after`` is the server's value.
"""

from __future__ import annotations

import email.utils
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from afilnet_async import RateLimitError

from .conftest import ServeFactory
from .helpers import Case, client_on
from .server import rate_limited

#: The default policy's first backoff; its jitter takes off at most a quarter of a wait.
INITIAL_DELAY = 0.5
TEN_YEARS = timedelta(days=3652)


def http_date(ahead: timedelta) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + ahead, usegmt=True)


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


@pytest.mark.parametrize(
    ("retry_after", "max_retries"),
    [("-5", 2), ("0", 1), ("soon", 1), ("NaN", 1)],
    ids=["negative", "zero", "garbage", "nan"],
)
async def test_an_unusable_retry_after_is_backed_off_not_looped(
    serve: ServeFactory, case: Case, retry_after: str, max_retries: int
) -> None:
    server = await serve(rate_limited(retry_after))
    async with client_on(server.base_url, max_retries=max_retries) as client:
        outcome = await case.run(client.user.get_balance, bound=6)
    assert isinstance(outcome.error, RateLimitError), outcome.describe()
    assert server.count() == max_retries + 1
    spacing = gaps([r.at for r in server.requests])
    case.note(gaps=", ".join(f"{g:.3f}" for g in spacing))
    for number, gap in enumerate(spacing):
        floor = 0.75 * INITIAL_DELAY * 2**number
        assert gap >= floor - 0.01, f"retry {number + 1} came {gap:.3f} s later, not >= {floor}"


@pytest.mark.parametrize(
    "retry_after", ["99999999", "61", "http-date"], ids=["99999999", "61", "http-date-10y"]
)
async def test_a_retry_after_beyond_the_maximum_fails_at_once(
    serve: ServeFactory, case: Case, retry_after: str
) -> None:
    header = http_date(TEN_YEARS) if retry_after == "http-date" else retry_after
    server = await serve(rate_limited(header))
    async with client_on(server.base_url, max_retries=2) as client:
        outcome = await case.run(client.user.get_balance, bound=3)
    error = outcome.error
    assert isinstance(error, RateLimitError), outcome.describe()
    assert outcome.seconds < 1.0, f"waited {outcome.seconds:.2f} s"
    assert server.count() == 1
    assert error.retry_after is not None
    if retry_after == "http-date":
        assert abs(error.retry_after - TEN_YEARS.total_seconds()) < 120
    else:
        assert error.retry_after == float(retry_after)
    case.note(retry_after=error.retry_after)


async def test_the_callers_max_retry_after_is_honoured(serve: ServeFactory, case: Case) -> None:
    """``retry=RetryPolicy(max_retry_after=5)``: a Retry-After of 10 s fails at once."""
    from afilnet_async import RetryPolicy

    server = await serve(rate_limited("10"))

    async def call() -> object:
        policy = RetryPolicy(max_retries=2, max_retry_after=5.0)
        async with client_on(server.base_url, retry=policy) as client:
            return await client.user.get_balance()

    outcome = await case.run(call, bound=3)
    assert isinstance(outcome.error, RateLimitError), outcome.describe()
    assert outcome.error.retry_after == 10.0
    assert outcome.seconds < 1.0
    assert server.count() == 1
