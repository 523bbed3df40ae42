"""Retries: which failures are retried, how often, how long the waits are, what is logged."""

from __future__ import annotations

import email.utils
import logging
import time

import httpx
import pytest
from support import failure, success

from afilnet_async import (
    AfilnetAPIError,
    AfilnetConnectionError,
    AfilnetHTTPStatusError,
    AfilnetTimeoutError,
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TokenError,
)


class Sleeps(list[float]):
    """The delays a retry policy waits between attempts, recorded instead of slept."""

    async def sleep(self, delay: float) -> None:
        self.append(delay)

    def policy(self, max_retries: int = 2, **options: float) -> RetryPolicy:
        """A policy that records its waits here."""
        return RetryPolicy(max_retries=max_retries, sleep=self.sleep, **options)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


RETRYABLE = [
    pytest.param(httpx.ConnectError("refused"), AfilnetConnectionError, id="connect-error"),
    pytest.param(httpx.ConnectTimeout("slow"), AfilnetTimeoutError, id="connect-timeout"),
    pytest.param(httpx.ReadTimeout("slow"), AfilnetTimeoutError, id="read-timeout"),
    pytest.param(httpx.RemoteProtocolError("eof"), AfilnetConnectionError, id="protocol-error"),
    pytest.param(httpx.Response(429), RateLimitError, id="429"),
    pytest.param(httpx.Response(500), ServerError, id="500"),
    pytest.param(httpx.Response(502, text="Bad Gateway"), ServerError, id="502"),
    pytest.param(httpx.Response(503), ServerError, id="503"),
]


@pytest.mark.parametrize(("failure_", "error"), RETRYABLE)
async def test_retryable_failure_then_success(make_client, api, sleeps, failure_, error) -> None:
    client = make_client("form", retry=sleeps.policy(2))
    api["api"].side_effect = [failure_, failure_, success(42)]
    assert await client.call("user", "getbalance") == 42
    assert api["api"].call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(("failure_", "error"), RETRYABLE)
@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_gives_up_after_max_retries(
    make_client, api, sleeps, failure_, error, max_retries: int
) -> None:
    client = make_client("query", retry=sleeps.policy(max_retries))
    api["api"].side_effect = [failure_] * (max_retries + 1) + [success(42)]
    with pytest.raises(error):
        await client.call("user", "getbalance")
    assert api["api"].call_count == max_retries + 1
    assert len(sleeps) == max_retries


async def test_default_is_two_retries(make_client, api) -> None:
    client = make_client("query")
    assert client.retry == RetryPolicy(max_retries=2)
    assert client.retry.worst_case_seconds(30) == 3 * 30 + 2 * 60


async def test_max_retries_zero_sends_once(make_client, api, sleeps) -> None:
    client = make_client("basic", retry=sleeps.policy(0))
    api["api"].return_value = httpx.Response(503)
    with pytest.raises(ServerError):
        await client.call("user", "getbalance")
    assert api["api"].call_count == 1
    assert sleeps == []


def test_negative_max_retries_is_refused() -> None:
    from support import make_auth

    from afilnet_async import AfilnetClient

    with pytest.raises(ConfigurationError):
        AfilnetClient(make_auth("query"), max_retries=-1)


NOT_RETRIED = [
    pytest.param(httpx.Response(400), AfilnetHTTPStatusError, id="400"),
    pytest.param(httpx.Response(401), AuthenticationError, id="401"),
    pytest.param(httpx.Response(403), PermissionDeniedError, id="403"),
    pytest.param(httpx.Response(307, headers={"Location": "http://evil.example/"}),
                 AfilnetHTTPStatusError, id="307"),
    pytest.param(httpx.Response(404, text="Not Found"), AfilnetHTTPStatusError, id="404"),
    pytest.param(failure("INCORRECT_USER_PASSWORD"), AfilnetAPIError, id="api-error"),
    pytest.param(failure("NOT_ACCESS_TO_GROUP", 503), AfilnetAPIError, id="api-error-in-503"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "error"), NOT_RETRIED)
async def test_final_failures_are_not_retried(make_client, api, sleeps, answer, error) -> None:
    client = make_client("query", retry=sleeps.policy(3))
    api["api"].side_effect = [answer, success(42)]
    with pytest.raises(error):
        await client.call("user", "getbalance")
    assert api["api"].call_count == 1
    assert sleeps == []


async def test_retry_after_seconds_is_honoured(make_client, api, sleeps) -> None:
    client = make_client("form", retry=sleeps.policy(2))
    api["api"].side_effect = [
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(429, headers={"Retry-After": "0.25"}),
        success(),
    ]
    await client.call("user", "getbalance")
    assert sleeps == [3.0, 0.25]


async def test_retry_after_http_date_is_honoured(make_client, api, sleeps) -> None:
    client = make_client("form", retry=sleeps.policy(1))
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    api["api"].side_effect = [httpx.Response(429, headers={"Retry-After": when}), success()]
    await client.call("user", "getbalance")
    assert len(sleeps) == 1
    assert 15 <= sleeps[0] <= 21


async def test_a_retry_after_beyond_the_policy_fails_at_once(make_client, api, sleeps) -> None:
    client = make_client("form", retry=sleeps.policy(1))
    api["api"].side_effect = [httpx.Response(429, headers={"Retry-After": "86400"}), success()]
    with pytest.raises(RateLimitError) as caught:
        await client.call("user", "getbalance")
    assert caught.value.retry_after == 86400
    assert sleeps == []
    assert api["api"].call_count == 1


@pytest.mark.parametrize("value", ["-5", "0", "soon", "nan", "inf"])
async def test_a_nonsense_retry_after_gets_the_backoff(make_client, api, sleeps, value) -> None:
    client = make_client("form", retry=sleeps.policy(2))
    api["api"].side_effect = [httpx.Response(429, headers={"Retry-After": value})] * 2 + [success()]
    await client.call("user", "getbalance")
    policy = RetryPolicy()
    assert len(sleeps) == 2
    for retry_number, delay in enumerate(sleeps):
        ceiling = min(policy.initial_delay * 2**retry_number, policy.max_delay)
        assert 0.75 * ceiling <= delay <= ceiling


async def test_backoff_is_exponential_with_jitter(make_client, api, sleeps) -> None:
    client = make_client("query", retry=sleeps.policy(4))
    api["api"].side_effect = httpx.ConnectError("refused")
    with pytest.raises(AfilnetConnectionError):
        await client.call("user", "getbalance")
    policy = RetryPolicy()
    assert len(sleeps) == 4
    for retry_number, delay in enumerate(sleeps):
        ceiling = min(policy.initial_delay * 2**retry_number, policy.max_delay)
        assert 0.75 * ceiling <= delay <= ceiling


def test_backoff_never_exceeds_max_delay() -> None:
    policy = RetryPolicy(max_retries=20)
    delays = [policy.delay(n, ServerError("x", status_code=503)) for n in range(20)]
    assert max(delays) <= policy.max_delay
    assert delays[-1] >= 0.75 * policy.max_delay


async def test_429_without_retry_after_uses_the_backoff(make_client, api, sleeps) -> None:
    client = make_client("query", retry=sleeps.policy(1))
    api["api"].side_effect = [httpx.Response(429), success()]
    await client.call("user", "getbalance")
    assert 0.75 * RetryPolicy().initial_delay <= sleeps[0] <= RetryPolicy().initial_delay


async def test_every_strategy_resends_the_same_call(make_client, api, sleeps, strategy) -> None:
    client = make_client(strategy, max_retries=1)
    api["api"].side_effect = [httpx.Response(503), success()]
    await client.group.modify_contact(idgroup=7, idcontact=8, contact={"mobile": "34600000000"})
    first, second = (call.request for call in api["api"].calls)
    assert first.url == second.url
    assert first.content == second.content
    assert first.headers.get("authorization") == second.headers.get("authorization")


async def test_token_endpoint_503_is_retried(make_client, api, sleeps) -> None:
    client = make_client("oauth2", retry=sleeps.policy(2))
    api["token"].side_effect = [
        httpx.Response(503),
        httpx.Response(503, headers={"Retry-After": "1"}),
        httpx.Response(
            200, json={"access_token": "tok-XYZ-3", "token_type": "Bearer", "expires_in": 60}
        ),
    ]
    assert await client.call("user", "getbalance") == 1000
    assert api["token"].call_count == 3
    assert api["api"].calls.last.request.headers["authorization"] == "Bearer tok-XYZ-3"


async def test_token_refusal_is_not_retried(make_client, api, sleeps) -> None:
    client = make_client("oauth2", retry=sleeps.policy(2))
    api["token"].return_value = httpx.Response(400, json={"error": "invalid_grant"})
    with pytest.raises(TokenError):
        await client.call("user", "getbalance")
    assert api["token"].call_count == 1
    assert sleeps == []


# --- logging -------------------------------------------------------------------------------


def attempt_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "afilnet_async" and "attempt" in r.message]


async def test_each_attempt_is_logged_at_debug(make_client, api, sleeps, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="afilnet_async")
    client = make_client("query", retry=sleeps.policy(2))
    api["api"].side_effect = httpx.Response(503)
    with pytest.raises(ServerError) as caught:
        await client.subaccount.get_subaccounts()
    records = attempt_records(caplog)
    assert len(records) == 3
    assert all(r.levelno == logging.DEBUG for r in records)
    request_id = caught.value.request_id
    for number, record in enumerate(records, start=1):
        assert "subaccount.getsubaccounts" in record.message
        assert f"[{request_id}]" in record.message  # one id on every attempt of the call
        assert f"attempt {number}/3" in record.message
        assert "ServerError" in record.message


async def test_a_successful_attempt_is_logged_too(make_client, api, sleeps, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="afilnet_async")
    client = make_client("form", retry=sleeps.policy(2))
    api["api"].side_effect = [httpx.ConnectError("refused"), success(1)]
    await client.call("user", "getbalance")
    messages = [r.message for r in attempt_records(caplog)]
    assert len(messages) == 2
    assert "attempt 1/3" in messages[0]
    assert "retrying" in messages[0]
    assert "attempt 2/3" in messages[1]


async def test_a_final_failure_says_it_is_not_retried(make_client, api, sleeps, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="afilnet_async")
    client = make_client("form", retry=sleeps.policy(2))
    api["api"].return_value = failure("CONTACT_EXISTS")
    with pytest.raises(AfilnetAPIError):
        await client.call("user", "getbalance")
    (record,) = attempt_records(caplog)
    assert "attempt 1/3" in record.message
    assert "CONTACT_EXISTS" in record.message


async def test_nothing_is_logged_above_debug_for_a_retry(make_client, api, sleeps, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="afilnet_async")
    client = make_client("form", retry=sleeps.policy(1))
    api["api"].side_effect = [httpx.Response(503), success()]
    await client.call("user", "getbalance")
    ours = [r for r in caplog.records if r.name.startswith("afilnet_async")]
    assert ours
    assert all(r.levelno == logging.DEBUG for r in ours)
