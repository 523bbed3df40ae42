"""Bare 401 / 403 answers, and redirects to another host.

A 401 or 403 with no Afilnet JSON envelope is :class:`AuthenticationError` /
:class:`PermissionDeniedError` (``status_code`` 401 / 403, both :class:`AfilnetAPIError`).
Redirects are never followed, even through a caller's ``httpx.AsyncClient(follow_redirects=
True)``: a 3xx is :class:`AfilnetHTTPStatusError` naming the status and the target host, and
the other host (127.0.0.2) receives nothing: no password, no OAuth2 grant re-POSTed.
"""

from __future__ import annotations

import httpx
import pytest

from afilnet_async import (
    AfilnetAPIError,
    AfilnetHTTPStatusError,
    AuthenticationError,
    FormAuth,
    OAuth2Auth,
    PermissionDeniedError,
)

from .conftest import ServeFactory
from .helpers import PASSWORD, USER, Case, client_on
from .server import by_path, envelope, json_answer, redirect, reply

HTML = [("Content-Type", "text/html")]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthenticationError), (403, PermissionDeniedError)],
    ids=["401", "403"],
)
async def test_a_bare_401_or_403_is_an_api_error_with_its_status(
    serve: ServeFactory, case: Case, status: int, expected: type[AfilnetAPIError]
) -> None:
    server = await serve(reply(status, b"<html><body>Forbidden</body></html>", HTML))
    async with client_on(server.base_url, max_retries=2) as client:
        outcome = await case.run(client.user.get_balance, bound=5)
    error = outcome.error
    assert isinstance(error, expected), outcome.describe()
    assert isinstance(error, AfilnetAPIError)
    assert getattr(error, "status_code", None) == status
    assert server.count() == 1, "an authentication answer is final: never retried"


def token_answer() -> dict[str, object]:
    return {"access_token": "tok-hostile-0123", "token_type": "bearer", "expires_in": 3600}


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize("strategy", ["form", "oauth2-token-endpoint"])
async def test_a_redirect_to_another_host_is_not_followed(
    serve: ServeFactory, case: Case, status: int, strategy: str
) -> None:
    # The other host answers like Afilnet would, so a followed redirect would succeed there.
    other = await serve(
        by_path({"/api/oauth/token": json_answer(token_answer())}, default=envelope({})),
        host="127.0.0.2",
    )
    if strategy == "form":
        auth: FormAuth | OAuth2Auth = FormAuth(USER, PASSWORD)
        moved = redirect(status, f"{other.base_url}http/")
        server = await serve(moved)
    else:
        auth = OAuth2Auth(USER, PASSWORD)
        moved = redirect(status, f"{other.base_url}oauth/token")
        server = await serve(by_path({"/api/oauth/token": moved}, default=envelope({})))

    async def call() -> object:
        async with httpx.AsyncClient(follow_redirects=True) as http:
            async with client_on(server.base_url, auth=auth, http_client=http) as client:
                return await client.user.get_balance()

    outcome = await case.run(call, bound=5)
    leaked = [r for r in other.requests if PASSWORD in r.fields.values()]
    case.note(other_host_requests=other.count(), carrying_the_password=len(leaked))
    assert other.count() == 0, (
        f"127.0.0.2 received {other.count()} request(s), {len(leaked)} with the password: "
        f"{[(r.method, r.path) for r in other.requests]}; the call {outcome.describe()}"
    )
    error = outcome.error
    assert isinstance(error, AfilnetHTTPStatusError), outcome.describe()
    assert error.status_code == status
    assert str(status) in str(error) and "127.0.0.2" in str(error), str(error)
    assert PASSWORD not in str(error)
    assert server.count() == 1
