"""The emulator's ASGI application (Starlette): routes, fault application, counting.

The paths it serves, and why, are in ASSUMPTIONS.md ("Protocol").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlsplit

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import replies
from .admin import ADMIN_PREFIX, admin_routes
from .backend import Backend
from .constants import API_PREFIX
from .exceptions import ConnectionDropped
from .faults import FaultDecision
from .protocol import Style, read_api_request, read_form
from .replies import Reply

__all__ = ["AbsoluteFormTargets", "CountRequests", "build_app"]


class AbsoluteFormTargets:
    """ASGI middleware: ``http://host/path`` as a request path becomes ``/path``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(("http://", "https://")):
            local = urlsplit(path).path or "/"
            raw = scope.get("raw_path") or path.encode()
            raw_local = urlsplit(raw).path or b"/"
            scope = {**scope, "path": local, "raw_path": raw_local}
        await self.app(scope, receive, send)


class CountRequests:
    """ASGI middleware: requests received, in flight, peak, and completed answers by status."""

    def __init__(self, app: ASGIApp, backend: Backend) -> None:
        self.app, self.backend = app, backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        counters = self.backend.counters
        status: int | None = None
        completed = False

        async def counting_send(message: Message) -> None:
            nonlocal status, completed
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                completed = True
            await send(message)

        counters.request_started()
        try:
            await self.app(scope, receive, counting_send)
        finally:
            counters.request_finished(status if completed else None)


async def _send(reply: Reply, scope: Scope, receive: Receive, send: Send) -> None:
    await reply.to_response()(scope, receive, send)


async def _drop(send: Send) -> NoReturn:
    """Start an answer that will never complete, then make the server drop the connection."""
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
    })  # fmt: skip
    raise ConnectionDropped


async def _answer(
    backend: Backend, handle: Callable[[], Reply], scope: Scope, receive: Receive, send: Send,
    *, faulty: bool = True,
) -> None:  # fmt: skip
    """Apply the drawn fault around ``handle``; answer ``latency`` after the request arrived.

    The latency is the server's response time, processing included: the call is handled at
    once and the answer held back until the deadline (so concurrent requests overlap).
    """
    decision = backend.draw() if faulty else FaultDecision()
    deadline = anyio.current_time() + decision.latency
    if decision.kind == "rate_limit":
        reply = replies.rate_limited(backend.faults.retry_after)
    elif decision.kind == "server_error":
        reply = replies.server_error(decision.status or 503)
    elif decision.kind != "drop":
        reply = handle()  # applied, even when the answer is then lost
        if decision.kind == "applied_then_500":
            reply = replies.lost_answer()
    remaining = deadline - anyio.current_time()
    if remaining > 0:
        await anyio.sleep(remaining)
    if decision.kind == "drop":
        await _drop(send)
    await _send(reply, scope, receive, send)


class ApiEndpoint:
    """An ASGI endpoint serving the API in one access style."""

    def __init__(self, backend: Backend, style: Style) -> None:
        self.backend, self.style = backend, style

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = await read_api_request(self.style, Request(scope, receive), self.backend.settings)
        if isinstance(request, Reply):
            await _send(request, scope, receive, send)
            return
        if request.qualname is not None:
            self.backend.counters.by_method[request.qualname] += 1
        await _answer(self.backend, lambda: self.backend.handle_api(request), scope, receive, send)


class TokenEndpoint:
    """The ASGI endpoint of the OAuth2 password grant."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        form = await read_form(Request(scope, receive), self.backend.settings)
        if isinstance(form, Reply):
            await _send(form, scope, receive, send)
            return
        faulty = self.backend.faults.token_endpoint_faults
        await _answer(
            self.backend, lambda: self.backend.handle_token(form), scope, receive, send,
            faulty=faulty,
        )  # fmt: skip


def _routes(path: str, endpoint: ASGIApp, methods: list[str]) -> list[Route]:
    bare = API_PREFIX + path.rstrip("/")
    return [Route(bare, endpoint, methods=methods), Route(bare + "/", endpoint, methods=methods)]


def build_app(backend: Backend) -> Starlette:
    """The Starlette app serving ``backend``."""
    routes = [
        *_routes("/http/", ApiEndpoint(backend, "http"), ["GET", "POST"]),
        *_routes("/basic/", ApiEndpoint(backend, "basic"), ["GET", "POST"]),
        *_routes("/json/", ApiEndpoint(backend, "json"), ["POST"]),
        *_routes("/oauth/token", TokenEndpoint(backend), ["POST"]),
        *admin_routes(backend),
    ]
    middleware = [Middleware(AbsoluteFormTargets), Middleware(CountRequests, backend=backend)]
    return Starlette(routes=routes, middleware=middleware)
