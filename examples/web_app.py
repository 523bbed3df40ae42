"""A Starlette service that awaits Afilnet in its handlers, with one client for its lifetime.

The client is created in the app's lifespan from the environment (so the connection pool and
any OAuth2 token are shared by every request) and closed when the app stops. Handlers that
must answer fast ask for it per call: ``client.with_options(timeout=2, max_retries=0)``.
The library's errors become HTTP answers in one handler, ``afilnet_error``: a 429 from
Afilnet is a 503 with ``Retry-After``, a timeout a 504, a bad argument a 422, an unknown
group a 404, anything else from upstream a 502.

Needs Starlette and uvicorn (``pip install 'afilnet-async[emulator]'``). Against the real
API (from the repository's root)::

    export AFILNET_USER=you@example.com AFILNET_PASSWORD='...'
    uvicorn examples.web_app:app --port 8000

Against the emulator: run ``afilnet emulator --port 8765`` in another terminal, then::

    export AFILNET_BASE_URL=http://127.0.0.1:8765/api/ AFILNET_USER=demo AFILNET_PASSWORD=demo
    uvicorn examples.web_app:app --port 8000
    curl localhost:8000/balance
    curl -X POST localhost:8000/groups -d '{"name": "Customers", "fields": ["mobile", "name"]}'
    curl -X POST localhost:8000/groups/1000/contacts -d '{"mobile": "34600000000", "name": "Ann"}'
    curl localhost:8000/groups/1000/contacts
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from afilnet_async import (
    AfilnetClient,
    AfilnetError,
    AfilnetTimeoutError,
    ClientClosedError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)

logger = logging.getLogger("web_app")

#: Seconds a request waits on Afilnet for a read before answering 504.
CALL_TIMEOUT = 2.0


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """One Afilnet client for the app's lifetime: AFILNET_USER, AFILNET_PASSWORD..."""
    async with AfilnetClient.from_env() as client:
        app.state.afilnet = client
        yield


def afilnet(request: Request) -> AfilnetClient:
    """The app's client."""
    client: AfilnetClient = request.app.state.afilnet
    return client


async def balance(request: Request) -> Response:
    """GET /balance: the account's balance, or a fast 503 / 504."""
    fast = afilnet(request).with_options(timeout=CALL_TIMEOUT, max_retries=0)
    answer = await fast.user.get_balance()
    return JSONResponse({"balance": str(answer.balance)})


async def create_group(request: Request) -> Response:
    """POST /groups {"name": ..., "type": "mobile", "fields": [...]}: a new contact group."""
    body = await json_object(request)
    group = await afilnet(request).group.create_group(
        name=body.get("name", ""),
        type=body.get("type", "mobile"),
        fields=body.get("fields", ["mobile"]),
    )
    return JSONResponse({"idgroup": group.idgroup}, status_code=201)


async def add_contact(request: Request) -> Response:
    """POST /groups/{idgroup}/contacts {"mobile": ..., "name": ...}: one contact more."""
    contact = await json_object(request)
    result = await afilnet(request).group.add_contact(
        idgroup=request.path_params["idgroup"], contact=contact
    )
    return JSONResponse({"result": result}, status_code=201)


async def contacts(request: Request) -> Response:
    """GET /groups/{idgroup}/contacts: the group's contacts."""
    fast = afilnet(request).with_options(timeout=CALL_TIMEOUT)
    found = await fast.group.get_contacts(idgroup=request.path_params["idgroup"])
    return JSONResponse([{"idcontact": c.idcontact, **c.fields} for c in found])


class BadRequest(Exception):
    """The request's body is not what the route reads."""


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body as a JSON object."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BadRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


async def bad_request(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


async def afilnet_error(request: Request, exc: Exception) -> Response:
    """The library's errors as HTTP answers (the messages never carry credentials)."""
    assert isinstance(exc, AfilnetError)
    status, headers = http_status(exc)
    if status >= 500:
        logger.warning("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
        detail = "Afilnet did not answer in time" if status == 504 else "Afilnet is unavailable"
    else:
        detail = str(exc)  # the caller's own input was at fault: say what
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def http_status(error: AfilnetError) -> tuple[int, dict[str, str]]:
    """The status (and headers) of this service's answer when a call failed with ``error``."""
    if isinstance(error, ValidationError | InvalidRequestError):
        return 422, {}  # a bad argument (nothing sent), or one Afilnet refused
    if isinstance(error, NotFoundError | PermissionDeniedError):
        return 404, {}  # an unknown group or contact is NOT_ACCESS_TO_GROUP / _CONTACT
    if isinstance(error, ConflictError):
        return 409, {}
    if isinstance(error, RateLimitError):
        wait = math.ceil(error.retry_after) if error.retry_after else 1
        return 503, {"Retry-After": str(wait)}
    if isinstance(error, AfilnetTimeoutError | OutcomeUnknownError):
        return 504, {}  # for a write: it may have been applied, check before repeating it
    if isinstance(error, ClientClosedError):
        return 503, {}  # shutting down
    return 502, {}  # credentials refused, balance, 5xx, connection, malformed answers


app = Starlette(
    routes=[
        Route("/balance", balance),
        Route("/groups", create_group, methods=["POST"]),
        Route("/groups/{idgroup:int}/contacts", add_contact, methods=["POST"]),
        Route("/groups/{idgroup:int}/contacts", contacts, methods=["GET"]),
    ],
    exception_handlers={AfilnetError: afilnet_error, BadRequest: bad_request},
    lifespan=lifespan,
)
