"""The client's engine: builds each call's request and sends it under the client's options.

:class:`Session` is what the namespaces and bulk runners talk to (it implements
:class:`~afilnet_async.sender.Sender`). A session is cheap to derive with other options
(:meth:`Session.derive`): the derived one shares the connection pool, the auth strategy and
its token cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from ._version import __version__
from .auth.base import AuthStrategy, SizeLimitedAuth
from .auth.oauth2 import TOKEN_REFRESHES
from .body import ACCEPT_ENCODING
from .call import Call
from .errors import AfilnetError, ClientClosedError
from .params import encode_arguments
from .readers import read_result
from .retry import RetryPolicy
from .sending import (
    AttemptLimits,
    Hooks,
    Outgoing,
    attempt_deadline,
    new_request_id,
    send_call,
    socket_timeouts,
)
from .spec import MethodSpec

__all__ = ["Lifecycle", "Session"]

_HEADERS = {
    "User-Agent": f"afilnet-async/{__version__}",
    "Accept": "application/json",
    "Accept-Encoding": ACCEPT_ENCODING,
}


class Lifecycle:
    """Whether a client has been closed: itself, or the client it was derived from."""

    __slots__ = ("_closed", "_parent")

    def __init__(self, parent: Lifecycle | None = None) -> None:
        self._closed = False
        self._parent = parent

    @property
    def closed(self) -> bool:
        """Closed itself, or through the client it derives from."""
        return self._closed or (self._parent is not None and self._parent.closed)

    def close(self) -> None:
        """Mark this client (and those derived from it) closed."""
        self._closed = True


@attrs.frozen(eq=False)
class Session:
    """One client's way of sending calls; immutable, so derived sessions never interfere."""

    http: httpx.AsyncClient = attrs.field(repr=False)
    auth: AuthStrategy
    flow: httpx.Auth | None = attrs.field(repr=False)
    base_url: httpx.URL
    policy: RetryPolicy
    timeout: httpx.Timeout
    max_response_bytes: int
    pool_limit: int | None
    lifecycle: Lifecycle = attrs.field(repr=False)
    hooks: Hooks = attrs.field(factory=Hooks, repr=False)
    default_country: str | None = None
    _extensions: dict[str, Any] = attrs.field(init=False, repr=False)
    _limits: AttemptLimits = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        extensions = {
            "timeout": socket_timeouts(self.timeout),
            TOKEN_REFRESHES: self.policy.max_token_refreshes,
        }
        object.__setattr__(self, "_extensions", extensions)
        limits = AttemptLimits(attempt_deadline(self.timeout), self.max_response_bytes)
        object.__setattr__(self, "_limits", limits)

    def derive(self, **changes: Any) -> Session:
        """A session like this one with some options changed, sharing pool, auth and tokens."""
        return attrs.evolve(self, **changes)

    # -- the Sender protocol ----------------------------------------------------------------

    async def invoke(self, spec: MethodSpec, arguments: Mapping[str, Any]) -> Any:
        """Validate, send (retrying what the policy allows for ``spec``) and read the result."""
        request_id = new_request_id()
        try:
            params = encode_arguments(spec, arguments, default_country=self.default_country)
        except AfilnetError as error:  # nothing was sent, but the id still names the call
            error.request_id = request_id
            raise
        call = Call(spec.api_class, spec.api_method, params)
        result = await self._send(call, self.policy, spec.idempotent, request_id)
        return read_result(spec.result, result, spec.qualname, request_id)

    async def send_once(self, call: Call) -> Any:
        """Send ``call`` exactly once and return its result; every failure is raised as itself
        (the caller judges it with the retry policy and decides)."""
        return await self._send(call, None, False, new_request_id())

    def payload_budget(self, call: Call) -> int | None:
        """URL characters left for more parameter text in ``call`` (QueryAuth), else None."""
        auth = self.auth
        if not isinstance(auth, SizeLimitedAuth):
            return None
        return auth.max_url_length - len(str(auth.build_request(call, self.base_url).url))

    @property
    def pool_size(self) -> int | None:
        """Connections the pool may open at once (None for a pool the caller supplied)."""
        return self.pool_limit

    # -- sending ----------------------------------------------------------------------------

    async def send(self, call: Call, *, idempotent: bool, request_id: str | None = None) -> Any:
        """Send an encoded call with the session's retry policy; return the decoded result."""
        return await self._send(call, self.policy, idempotent, request_id or new_request_id())

    async def _send(
        self, call: Call, policy: RetryPolicy | None, idempotent: bool, request_id: str
    ) -> Any:
        outgoing = Outgoing(
            call.qualname, self._build_request(call, request_id), idempotent, request_id,
            call.params,
        )  # fmt: skip
        return await send_call(self.http, outgoing, self.flow, policy, self._limits, self.hooks)

    def _build_request(self, call: Call, request_id: str) -> httpx.Request:
        if self.lifecycle.closed:
            raise ClientClosedError("this AfilnetClient is closed")
        if self.http.is_closed:  # a caller's http_client, closed by its owner
            raise ClientClosedError("the http_client of this AfilnetClient is closed")
        try:
            request = self.auth.build_request(call, self.base_url)
        except AfilnetError as error:
            error.request_id = request_id
            raise
        request.headers.update(_HEADERS)
        request.extensions = self._extensions
        return request
