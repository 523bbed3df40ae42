"""``timeout`` bounds a whole attempt (connect, send, headers, body), not each socket read.

A server that trickles one byte a second never lets a per-read timeout fire; nor does one that
sends ``100 Continue`` forever. With ``timeout=2, max_retries=0`` each must end in
:class:`AfilnetTimeoutError` in under 3 s; with retries, a call never outlives
``(max_retries + 1) * timeout`` plus its backoff waits.
"""

from __future__ import annotations

import pytest

from afilnet_async import AfilnetTimeoutError

from .conftest import ServeFactory
from .helpers import Case, client_on
from .server import Behaviour, endless_continue, trickle_body, trickle_headers

#: A regression (a hang) is stopped here and fails the test.
BOUND = 4.0

CASES: dict[str, Behaviour] = {
    "trickled-headers": trickle_headers(every=1.0),
    "trickled-body": trickle_body(every=1.0),
    "endless-100-continue": endless_continue(every=0.05),
}


@pytest.mark.parametrize("behaviour", CASES.values(), ids=CASES.keys())
async def test_a_trickle_times_out_within_the_attempt_timeout(
    serve: ServeFactory, case: Case, behaviour: Behaviour
) -> None:
    server = await serve(behaviour)
    async with client_on(server.base_url, timeout=2, max_retries=0) as client:
        outcome = await case.run(client.user.get_balance, bound=BOUND)
    assert isinstance(outcome.error, AfilnetTimeoutError), outcome.describe()
    assert outcome.seconds < 3.0, f"timed out after {outcome.seconds:.2f} s, not within 2 s"
    assert server.count() == 1


async def test_retries_of_a_trickle_stay_within_the_whole_call_bound(
    serve: ServeFactory, case: Case
) -> None:
    """max_retries=1, timeout=1: two attempts of at most 1 s and one backoff (<= 0.5 s)."""
    server = await serve(trickle_body(every=0.5))
    async with client_on(server.base_url, timeout=1, max_retries=1) as client:
        outcome = await case.run(client.user.get_balance, bound=BOUND)
    assert isinstance(outcome.error, AfilnetTimeoutError), outcome.describe()
    assert server.count() == 2, "a timeout is retried once with max_retries=1"
    ceiling = 2 * 1.0 + 0.5 + 0.5  # attempts + the longest first backoff + scheduling slack
    assert outcome.seconds < ceiling, f"{outcome.seconds:.2f} s > {ceiling} s"
