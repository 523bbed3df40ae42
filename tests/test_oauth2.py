"""The OAuth2 token lifecycle: fetch once, cache, refresh just before expiry, single flight,
one refresh-and-retry on 401, and clear errors from the token endpoint."""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx
import pytest
import respx
from support import BASE_URL, PASSWORD, USER, success, token_answer, wire_pairs

from afilnet_async import (
    AfilnetClient,
    AuthenticationError,
    BearerAuth,
    OAuth2Auth,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TokenError,
)


class FakeClock:
    """Stands in for the ``time`` module of afilnet_async.auth.token."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("afilnet_async.auth.token.time", fake)
    return fake


class TokenServer:
    """A token endpoint and an API that accepts only tokens it issued and that are alive."""

    def __init__(self, lifetime: float, now: Any = time.monotonic) -> None:
        self.lifetime, self.now = lifetime, now
        self.issued: dict[str, float] = {}
        self.rejected = 0

    def token(self, request: httpx.Request) -> httpx.Response:
        assert dict(wire_pairs(request))["grant_type"] == "password"
        value = f"tok-XYZ-{len(self.issued) + 1}"
        self.issued[value] = self.now() + self.lifetime
        return token_answer(value, expires_in=self.lifetime)

    def api(self, request: httpx.Request) -> httpx.Response:
        value = request.headers.get("authorization", "").removeprefix("Bearer ")
        expiry = self.issued.get(value)
        if expiry is None or self.now() >= expiry:
            self.rejected += 1
            return httpx.Response(401, json={"error": "invalid_token"})
        return success(value)


def serve(api: respx.MockRouter, server: TokenServer) -> None:
    api["token"].side_effect = server.token
    api["api"].side_effect = server.api


async def test_token_is_fetched_once_and_cached(make_client, api) -> None:
    client = make_client("oauth2")
    for _ in range(5):
        await client.call("user", "getbalance")
    assert api["token"].call_count == 1
    assert api["api"].call_count == 5
    grant = api["token"].calls.last.request
    assert str(grant.url) == BASE_URL + "oauth/token"
    assert dict(wire_pairs(grant)) == {
        "grant_type": "password",
        "username": USER,
        "password": PASSWORD,
    }


async def test_each_client_keeps_its_own_token(api) -> None:
    auth = OAuth2Auth(USER, PASSWORD)
    async with AfilnetClient(auth) as first, AfilnetClient(auth) as second:
        await first.user.get_balance()
        await second.user.get_balance()
        await first.user.get_balance()
    assert api["token"].call_count == 2


async def test_token_url_and_json_path_are_settings() -> None:
    with respx.mock(assert_all_called=True) as router:
        token = router.post("https://auth.example.com/oauth2/token").mock(
            return_value=token_answer()
        )
        call = router.post("https://api.example.com/v2/jsonapi/").mock(return_value=success(7))
        auth = OAuth2Auth(
            USER, PASSWORD, token_url="https://auth.example.com/oauth2/token", path="jsonapi/"
        )
        async with AfilnetClient(auth, base_url="https://api.example.com/v2") as client:
            assert await client.call("user", "getbalance") == 7
    assert token.call_count == 1
    assert call.calls.last.request.headers["authorization"] == "Bearer tok-XYZ"


async def test_relative_token_url_is_under_the_base_url() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        token = router.post("auth/token2").mock(return_value=token_answer())
        router.post("json/").mock(return_value=success())
        async with AfilnetClient(OAuth2Auth(USER, PASSWORD, token_url="auth/token2")) as client:
            await client.call("user", "getbalance")
    assert token.call_count == 1


# --- expiry --------------------------------------------------------------------------------


@pytest.mark.parametrize("lifetime", [100.0, 1000.0, 3600.0, 1.0])
async def test_refreshed_shortly_before_expiry(make_client, api, clock, lifetime) -> None:
    server = TokenServer(lifetime, now=clock.monotonic)
    serve(api, server)
    client = make_client("oauth2")
    start = clock.now
    await client.call("user", "getbalance")
    # Never more than 10% of the lifetime early ...
    clock.now = start + 0.89 * lifetime
    await client.call("user", "getbalance")
    assert api["token"].call_count == 1
    # ... but before it expires.
    clock.now = start + 0.999 * lifetime
    assert await client.call("user", "getbalance") == "tok-XYZ-2"
    assert api["token"].call_count == 2
    assert server.rejected == 0


async def test_expires_in_defaults_when_absent(make_client, api, clock) -> None:
    api["token"].return_value = httpx.Response(200, json={"access_token": "tok-XYZ-d"})
    client = make_client("oauth2")
    await client.call("user", "getbalance")
    clock.now += 250
    await client.call("user", "getbalance")
    assert api["token"].call_count == 1
    clock.now += 60
    await client.call("user", "getbalance")
    assert api["token"].call_count == 2


async def test_single_flight_under_concurrency(make_client, api) -> None:
    """300 concurrent callers for ~3 s on tokens that live 1 s: ~one token per lifetime."""
    lifetime, duration, callers = 1.0, 3.0, 300
    server = TokenServer(lifetime)
    serve(api, server)
    client = make_client("oauth2", max_retries=0)
    failures: list[BaseException] = []
    calls = [0] * callers
    started = time.monotonic()

    async def caller(index: int) -> None:
        await anyio.sleep(index * 0.001)
        while time.monotonic() - started < duration:
            try:
                await client.call("user", "getbalance")
                calls[index] += 1
            except Exception as exc:  # every failure is a test failure, reported below
                failures.append(exc)
            await anyio.sleep(0.2)

    async with anyio.create_task_group() as group:
        for index in range(callers):
            group.start_soon(caller, index)
    elapsed = time.monotonic() - started

    print(f"{sum(calls)} calls in {elapsed:.2f}s, {api['token'].call_count} token requests")
    assert failures == []
    assert min(calls) >= 2  # every caller got through, again and again, as tokens aged
    assert api["token"].call_count <= elapsed / lifetime + 2
    assert api["token"].call_count >= 3  # it did refresh as tokens aged


async def test_concurrent_first_calls_share_one_token(make_client, api) -> None:
    client = make_client("oauth2")
    async with anyio.create_task_group() as group:
        for _ in range(200):
            group.start_soon(client.call, "user", "getbalance")
    assert api["token"].call_count == 1
    assert api["api"].call_count == 200


# --- 401 -----------------------------------------------------------------------------------


async def test_401_refreshes_once_and_retries_once(make_client, api) -> None:
    client = make_client("oauth2", max_retries=0)
    api["token"].side_effect = [token_answer("tok-XYZ-old"), token_answer("tok-XYZ-new")]
    api["api"].side_effect = [httpx.Response(401), success("ok")]
    assert await client.call("user", "getbalance") == "ok"
    first, second = (call.request for call in api["api"].calls)
    assert first.headers["authorization"] == "Bearer tok-XYZ-old"
    assert second.headers["authorization"] == "Bearer tok-XYZ-new"
    assert first.content == second.content
    assert api["token"].call_count == 2


async def test_a_second_401_is_raised(make_client, api) -> None:
    client = make_client("oauth2", max_retries=2)
    api["api"].return_value = httpx.Response(401)
    with pytest.raises(AuthenticationError) as caught:
        await client.call("user", "getbalance")
    assert caught.value.status_code == 401
    assert api["api"].call_count == 2
    assert api["token"].call_count == 2


async def test_401_with_an_afilnet_envelope_is_an_authentication_error(make_client, api) -> None:
    client = make_client("oauth2")
    api["api"].return_value = httpx.Response(
        401, json={"status": "ERROR", "error": "INCORRECT_USER_PASSWORD"}
    )
    with pytest.raises(AuthenticationError):
        await client.call("user", "getbalance")


async def test_concurrent_401s_refresh_once(make_client, api, clock) -> None:
    server = TokenServer(3600, now=clock.monotonic)
    serve(api, server)
    client = make_client("oauth2")
    await client.call("user", "getbalance")
    server.issued.clear()  # the server forgets every token (a key rotation, say)
    async with anyio.create_task_group() as group:
        for _ in range(50):
            group.start_soon(client.call, "user", "getbalance")
    assert api["token"].call_count == 2
    assert server.rejected == 50


async def test_bearer_auth_does_not_refresh_on_401(make_client, api) -> None:
    client = make_client("bearer")
    api["api"].return_value = httpx.Response(401)
    with pytest.raises(AuthenticationError) as caught:
        await client.call("user", "getbalance")
    assert caught.value.status_code == 401
    assert api["api"].call_count == 1
    assert not api["token"].called


# --- token endpoint failures ---------------------------------------------------------------

BAD_TOKEN_ANSWERS = {
    "html": httpx.Response(200, text="<html>login</html>"),
    "empty": httpx.Response(200, content=b""),
    "bad-utf8": httpx.Response(200, content=b'{"access_token": "\xff"}'),
    "huge-integer": httpx.Response(200, content=b'{"expires_in": ' + b"9" * 5000 + b"}"),
    "json-list": httpx.Response(200, json=["tok-XYZ"]),
    "no-access-token": httpx.Response(200, json={"token_type": "bearer", "expires_in": 60}),
    "empty-access-token": httpx.Response(200, json={"access_token": "", "expires_in": 60}),
    "not-bearer": httpx.Response(200, json={"access_token": "tok-XYZ", "token_type": "mac"}),
    "negative-lifetime": httpx.Response(200, json={"access_token": "tok-XYZ", "expires_in": -1}),
    "text-lifetime": httpx.Response(200, json={"access_token": "tok-XYZ", "expires_in": "soon"}),
    "bool-lifetime": httpx.Response(200, json={"access_token": "tok-XYZ", "expires_in": True}),
    "invalid-grant": httpx.Response(400, json={"error": "invalid_grant"}),
    "invalid-client": httpx.Response(401, json={"error": "invalid_client"}),
    "error-in-200": httpx.Response(200, json={"error": "access_denied"}),
    "400-without-reason": httpx.Response(400, json={"error": 5}),
    "404-html": httpx.Response(404, text="<html>Not Found</html>"),
}


@pytest.mark.parametrize("answer", list(BAD_TOKEN_ANSWERS))
async def test_token_endpoint_garbage_is_a_token_error(make_client, api, answer: str) -> None:
    client = make_client("oauth2")
    api["token"].return_value = BAD_TOKEN_ANSWERS[answer]
    with pytest.raises(TokenError):
        await client.call("user", "getbalance")
    assert api["token"].call_count == 1, "a refused grant is not retried"
    assert not api["api"].called


async def test_invalid_grant_is_named_in_the_message(make_client, api) -> None:
    client = make_client("oauth2")
    api["token"].return_value = BAD_TOKEN_ANSWERS["invalid-grant"]
    with pytest.raises(TokenError, match="invalid_grant"):
        await client.call("user", "getbalance")


@pytest.mark.parametrize(
    ("answer", "error"),
    [(httpx.Response(503), ServerError), (httpx.Response(429, headers={"Retry-After": "0"}),
                                          RateLimitError)],
    ids=["503", "429"],
)  # fmt: skip
async def test_token_endpoint_overload_is_retried(make_client, api, answer, error):
    async def no_sleep(delay: float) -> None:
        return None

    quick = RetryPolicy(max_retries=1, sleep=no_sleep)
    client = make_client("oauth2", retry=quick)
    api["token"].side_effect = [answer, token_answer()]
    assert await client.call("user", "getbalance") == 1000
    assert api["token"].call_count == 2

    failing = make_client("oauth2", retry=quick)
    api["token"].side_effect = [answer, answer]
    with pytest.raises(error):
        await failing.user.get_balance()


def test_bearer_auth_repr_hides_the_token() -> None:
    assert "tok-XYZ" not in repr(BearerAuth("tok-XYZ"))
