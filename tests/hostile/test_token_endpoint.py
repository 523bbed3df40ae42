"""A hostile OAuth2 token endpoint: garbage answers, and tokens the library must reject.

Garbage (HTML, JSON that is not an object, an absurd ``expires_in``, no ``access_token``) is a
:class:`TokenError` within its bound. A token the library rejects (a space in it, non-ASCII)
is a :class:`TokenError` too, and no frame of the library in its traceback, or in any exception
chained to it, holds the rejected token in its locals.
"""

from __future__ import annotations

import pytest

from afilnet_async import AfilnetError, OAuth2Auth, TokenError

from .conftest import ServeFactory
from .helpers import PASSWORD, USER, Case, client_on, frames_holding
from .server import Behaviour, by_path, envelope, json_answer, reply

TOKEN_PATH = "/api/oauth/token"


def token_endpoint(answer: Behaviour) -> Behaviour:
    return by_path({TOKEN_PATH: answer}, default=envelope({"balance": 1.0}))


GARBAGE: dict[str, Behaviour] = {
    "html": reply(200, b"<html><body>Welcome!</body></html>", [("Content-Type", "text/html")]),
    "json-array": json_answer([{"access_token": "tok-hostile-1"}]),
    "json-string": json_answer("tok-hostile-1"),
    "huge-expires-in-float": reply(
        200,
        b'{"access_token":"tok-hostile-1","token_type":"bearer","expires_in":1e999}',
        [("Content-Type", "application/json")],
    ),
    "huge-expires-in-int": json_answer(
        {"access_token": "tok-hostile-1", "token_type": "bearer", "expires_in": 10**400}
    ),
    "missing-access-token": json_answer({"token_type": "bearer", "expires_in": 3600}),
}


@pytest.mark.parametrize("answer", GARBAGE.values(), ids=GARBAGE.keys())
async def test_token_endpoint_garbage_is_a_token_error(
    serve: ServeFactory, case: Case, answer: Behaviour
) -> None:
    server = await serve(token_endpoint(answer))
    auth = OAuth2Auth(USER, PASSWORD)
    async with client_on(server.base_url, auth=auth, max_retries=0) as client:
        outcome = await case.run(client.user.get_balance, bound=5)
    assert isinstance(outcome.error, TokenError), outcome.describe()
    assert outcome.seconds < 2.0
    assert [r.path for r in server.requests] == [TOKEN_PATH], "no call without a token"


REJECTED = {
    "space": "S3cr3t-tok3n with-a-space",
    "non-ascii": "S3cr3t-tök3n-ñon-ascii",
}


@pytest.mark.parametrize("token", REJECTED.values(), ids=REJECTED.keys())
async def test_a_rejected_token_is_in_no_frame_of_the_library(
    serve: ServeFactory, case: Case, token: str
) -> None:
    answer = json_answer({"access_token": token, "token_type": "bearer", "expires_in": 3600})
    server = await serve(token_endpoint(answer))
    auth = OAuth2Auth(USER, PASSWORD)
    async with client_on(server.base_url, auth=auth, max_retries=0) as client:
        outcome = await case.run(client.user.get_balance, bound=5)
    error = outcome.error
    assert isinstance(error, TokenError), outcome.describe()
    assert isinstance(error, AfilnetError)
    assert token not in str(error) and token not in repr(error)
    holding = frames_holding(error, token)
    case.note(frames_holding_the_token=len(holding))
    assert not holding, f"the rejected token is in the locals of: {holding}"
    assert server.count() == 1
