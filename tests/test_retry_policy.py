"""The retry rule, one row per kind of failure: retried, or raised, for a method that is safe
to repeat (a read) and for one that is not (a send, an addition).

| failure | idempotent | not idempotent |
|---|---|---|
| connection refused / connect timeout / pool timeout | retried | retried |
| 429 with a Retry-After the policy accepts (or none) | retried after the wait | retried |
| 429 with a Retry-After beyond max_retry_after | RateLimitError at once | same |
| token endpoint 503 (the call never went out) | retried | retried |
| read timeout (the request went out) | retried | OutcomeUnknownError |
| connection lost mid-request | retried | OutcomeUnknownError |
| 5xx | retried | OutcomeUnknownError |
| unreadable answer (not JSON) | retried | OutcomeUnknownError |
| answer over max_response_bytes | raised | raised |
| an Afilnet error code | raised | raised |
| bare 401 / 403 | raised | raised |
| other HTTP status (404...) | raised | raised |
| a bad argument | raised, nothing sent | raised, nothing sent |
| client closed under the call (tests/test_client.py) | ClientClosedError | OutcomeUnknownError |
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from support import BASE_URL, PASSWORD, USER, failure, success, token_answer

from afilnet_async import (
    AfilnetAPIError,
    AfilnetClient,
    AfilnetConnectionError,
    AfilnetError,
    AfilnetHTTPStatusError,
    AfilnetTimeoutError,
    AuthenticationError,
    FormAuth,
    MalformedResponseError,
    OAuth2Auth,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
    ValidationError,
)


class Sleeps(list[float]):
    async def sleep(self, delay: float) -> None:
        self.append(delay)


Answer = Any  # an httpx.Response, or an httpx exception to raise
#: kind of failure -> (the answer to the first attempt, the error a raise gives)
ROWS: dict[str, tuple[Answer, type[AfilnetError]]] = {
    "connection refused": (httpx.ConnectError("refused"), AfilnetConnectionError),
    "connect timeout": (httpx.ConnectTimeout("slow"), AfilnetTimeoutError),
    "pool timeout": (httpx.PoolTimeout("busy"), AfilnetTimeoutError),
    "429 without Retry-After": (httpx.Response(429), RateLimitError),
    "429, Retry-After 1 s": (httpx.Response(429, headers={"Retry-After": "1"}), RateLimitError),
    "429, Retry-After 1 day": (
        httpx.Response(429, headers={"Retry-After": "86400"}),
        RateLimitError,
    ),
    "read timeout": (httpx.ReadTimeout("slow"), AfilnetTimeoutError),
    "connection lost": (httpx.RemoteProtocolError("peer closed"), AfilnetConnectionError),
    "503": (httpx.Response(503, text="busy"), ServerError),
    "500": (httpx.Response(500, text="<html>oops</html>"), ServerError),
    "unreadable answer": (
        httpx.Response(200, text="<html>maintenance</html>"),
        MalformedResponseError,
    ),
    "answer too large": (httpx.Response(200, content=b"x" * 2048), ResponseTooLargeError),
    "Afilnet error code": (failure("NOT_ACCESS_TO_GROUP"), PermissionDeniedError),
    "bare 401": (httpx.Response(401), AuthenticationError),
    "bare 403": (httpx.Response(403), PermissionDeniedError),
    "404": (httpx.Response(404), AfilnetHTTPStatusError),
}
#: kind -> (what happens to an idempotent call, to a non-idempotent one)
RULE: dict[str, tuple[str, str]] = {
    "connection refused": ("retried", "retried"),
    "connect timeout": ("retried", "retried"),
    "pool timeout": ("retried", "retried"),
    "429 without Retry-After": ("retried", "retried"),
    "429, Retry-After 1 s": ("retried", "retried"),
    "429, Retry-After 1 day": ("raised", "raised"),
    "read timeout": ("retried", "outcome unknown"),
    "connection lost": ("retried", "outcome unknown"),
    "503": ("retried", "outcome unknown"),
    "500": ("retried", "outcome unknown"),
    "unreadable answer": ("retried", "outcome unknown"),
    "answer too large": ("raised", "raised"),
    "Afilnet error code": ("raised", "raised"),
    "bare 401": ("raised", "raised"),
    "bare 403": ("raised", "raised"),
    "404": ("raised", "raised"),
}
CASES = [
    pytest.param(kind, idempotent, id=f"{kind}-{'read' if idempotent else 'send'}")
    for kind in ROWS
    for idempotent in (True, False)
]


async def run(kind: str, idempotent: bool) -> tuple[str, Exception | None, int, Sleeps]:
    """One failure, then success: what the call did, and how many requests it made."""
    sleeps = Sleeps()
    first, _ = ROWS[kind]
    with respx.mock(base_url=BASE_URL) as router:
        route = router.post("http/").mock(side_effect=[first, success(_result(idempotent))])
        async with AfilnetClient(
            FormAuth(USER, PASSWORD), retry=RetryPolicy(max_retries=2, sleep=sleeps.sleep),
            max_response_bytes=1024,
        ) as client:  # fmt: skip
            try:
                if idempotent:
                    await client.user.get_addresses()
                else:
                    await client.sms.send_sms(from_="Shop", to="34600000001", sms="Hola")
            except AfilnetError as error:
                return "raised", error, route.call_count, sleeps
    return "retried", None, route.call_count, sleeps


def _result(idempotent: bool) -> Any:
    return [] if idempotent else {"messageid": "1", "credits": "1"}


@pytest.mark.parametrize(("kind", "idempotent"), CASES)
async def test_the_rule(kind: str, idempotent: bool) -> None:
    expected = RULE[kind][0 if idempotent else 1]
    outcome, error, requests, sleeps = await run(kind, idempotent)
    if expected == "retried":
        assert (outcome, requests, len(sleeps)) == ("retried", 2, 1)
    elif expected == "outcome unknown":
        assert isinstance(error, OutcomeUnknownError), error
        assert isinstance(error.cause, ROWS[kind][1])
        assert error.qualname == "sms.sendsms"
        assert error.sent == {"from": "Shop", "to": "34600000001", "sms": "Hola"}
        assert (requests, sleeps) == (1, [])
    else:
        assert type(error) is ROWS[kind][1], error
        assert not isinstance(error, OutcomeUnknownError)
        assert (requests, sleeps) == (1, [])


@pytest.mark.parametrize("idempotent", [True, False], ids=["read", "send"])
async def test_a_token_endpoint_failure_is_retried_whatever_the_method(idempotent: bool) -> None:
    """Only the token request failed: the call itself never went out."""
    sleeps = Sleeps()
    with respx.mock(base_url=BASE_URL) as router:
        token = router.post("oauth/token").mock(side_effect=[httpx.Response(503), token_answer()])
        api = router.post("json/").mock(return_value=success(_result(idempotent)))
        async with AfilnetClient(
            OAuth2Auth(USER, PASSWORD), retry=RetryPolicy(max_retries=2, sleep=sleeps.sleep)
        ) as client:
            if idempotent:
                await client.user.get_addresses()
            else:
                await client.sms.send_sms(from_="Shop", to="34600000001", sms="Hola")
    assert (token.call_count, api.call_count, len(sleeps)) == (2, 1, 1)


@pytest.mark.parametrize("idempotent", [True, False], ids=["read", "send"])
async def test_a_bad_argument_sends_nothing(idempotent: bool) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().mock(return_value=success())
        async with AfilnetClient(FormAuth(USER, PASSWORD)) as client:
            with pytest.raises(ValidationError):
                if idempotent:
                    await client.group.get_contacts(idgroup=0)
                else:
                    await client.sms.send_sms(from_="Shop", to="not a number", sms="Hola")
    assert not route.called


def test_every_row_of_the_table_is_tested() -> None:
    assert set(RULE) == set(ROWS)
    assert {kind for kind, _ in RULE.values()} | {k for _, k in RULE.values()} == {
        "retried", "raised", "outcome unknown",
    }  # fmt: skip
    assert issubclass(OutcomeUnknownError, AfilnetError)
    assert not issubclass(OutcomeUnknownError, AfilnetAPIError)
