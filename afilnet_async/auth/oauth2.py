"""OAuth2Auth: the vendor's JSON API, with a token from an RFC 6749 password grant.

The token is cached and shared by every call of the client; it is refreshed shortly before it
expires, by one caller however many wait (single flight), and every waiter shares the outcome
of that one token request: the token, or its error. A 401 answer refreshes the token once and
retries the call once.
"""

from __future__ import annotations

import asyncio
import copy
import math
from collections.abc import AsyncGenerator, Iterable

import anyio
import anyio.lowlevel
import attrs
import httpx

from ..body import read_body_in_flow
from ..call import Call
from ..errors import AfilnetError, AfilnetTimeoutError, AfilnetTransportError
from ..sending import TOKEN_PENDING, attempt_timed_out, transport_error
from .base import credential, endpoint, form_request, json_request, secret_field, wire_fields
from .bearer import DEFAULT_JSON_PATH
from .token import AccessToken, parse_token_response

__all__ = ["DEFAULT_TOKEN_PATH", "MAX_TOKEN_ANSWER_BYTES", "TOKEN_REFRESHES", "OAuth2Auth"]

#: A request extension: how many times a 401 may refresh the token and retry (the client's
#: retry policy sets it per call; 1 when absent).
TOKEN_REFRESHES = "afilnet_async.token_refreshes"  # noqa: S105 (a key, not a secret)
#: The largest token endpoint answer read (an RFC 6749 answer is a few hundred bytes).
MAX_TOKEN_ANSWER_BYTES = 64 * 1024

#: Where the token endpoint is assumed to live under the base URL (undocumented by the vendor).
DEFAULT_TOKEN_PATH = "oauth/token"  # noqa: S105 (a path, not a password)


def _being_cancelled() -> bool:
    """Whether the running task is being cancelled (a cancel scope, or asyncio's cancel())."""
    if anyio.current_effective_deadline() == -math.inf:
        return True
    try:
        task = asyncio.current_task()
    except RuntimeError:  # not running on asyncio (trio): the cancel scope said it all
        return False
    return task is not None and task.cancelling() > 0


class _Refresh:
    """One token request (the ``number``-th), and its outcome for everyone waiting on it."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.done = anyio.Event()
        self.token: AccessToken | None = None
        self.error: AfilnetError | None = None


class _TokenFlow(httpx.Auth):
    """Signs requests with a cached token; fetches, refreshes and re-signs after a 401."""

    requires_response_body = True

    def __init__(self, user: str, password: str, token_url: httpx.URL) -> None:
        self._user, self._password, self._token_url = user, password, token_url
        self._token: AccessToken | None = None
        self._refresh: _Refresh | None = None  # in flight
        self._last: _Refresh | None = None  # the latest one finished
        self.token_requests = 0

    def __repr__(self) -> str:
        return f"_TokenFlow(user={self._user!r}, password='***', token_url='{self._token_url}')"

    def _usable(self, rejected: AccessToken | None) -> AccessToken | None:
        token = self._token
        if token is None or token is rejected or not token.is_fresh():
            return None
        return token

    def _grant_request(self, call_request: httpx.Request) -> httpx.Request:
        grant = form_request(
            self._token_url,
            {"grant_type": "password", "username": self._user, "password": self._password},
        )
        grant.headers["User-Agent"] = call_request.headers.get("User-Agent", "")
        grant.extensions = call_request.extensions
        return grant

    def _shared(self, ticket: int) -> _Refresh | None:
        """The token request to wait on: the one in flight, or one that started after the
        caller holding ``ticket`` began waiting and has finished since."""
        if self._refresh is not None:
            return self._refresh
        last = self._last
        return last if last is not None and last.number > ticket else None

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        rejected: AccessToken | None = None
        refreshes = request.extensions.get(TOKEN_REFRESHES, 1)
        request.extensions[TOKEN_PENDING] = True  # until the API request itself goes out
        for refreshed in range(1 + refreshes):
            token = self._usable(rejected)
            ticket = self.token_requests
            while token is None:
                refresh = self._refresh
                if refresh is None:
                    # Let the callers that are ready line up (as a lock would), then share
                    # the outcome of a request one of them made meanwhile, or make one.
                    await anyio.lowlevel.checkpoint()
                    token = self._usable(rejected)
                    if token is not None:
                        break
                    refresh = self._shared(ticket)
                if refresh is not None:
                    await refresh.done.wait()
                    if refresh.error is not None:
                        raise copy.copy(refresh.error)  # a fresh exception, no shared traceback
                    token = refresh.token
                    ticket = refresh.number  # no token: its caller was cancelled; go again
                    continue
                self.token_requests += 1
                refresh = self._refresh = _Refresh(self.token_requests)
                try:
                    response = yield self._grant_request(request)
                    token = self._token = refresh.token = parse_token_response(
                        response, await read_body_in_flow(response, MAX_TOKEN_ANSWER_BYTES)
                    )
                except AfilnetError as error:  # refused, garbage, too large, 429, 5xx
                    refresh.error = error
                    raise
                except httpx.HTTPError as error:  # reading the answer failed
                    refresh.error = transport_error(error, nothing_applied=True)
                    raise refresh.error from None
                except GeneratorExit:
                    # httpx closes the flow when sending the grant failed (the error is then
                    # raised to this caller), when the attempt ran out of time, or when this
                    # caller is cancelled (then the waiters make a request of their own).
                    if attempt_timed_out(request):
                        refresh.error = AfilnetTimeoutError(
                            "the token request did not finish within the timeout",
                            nothing_applied=True,
                        )
                    elif not _being_cancelled():
                        refresh.error = AfilnetTransportError(
                            "the token request failed at the network level "
                            "(connection error or timeout)",
                            nothing_applied=True,
                        )
                    raise
                finally:
                    self._refresh, self._last = None, refresh
                    refresh.done.set()
            request.extensions.pop(TOKEN_PENDING, None)
            request.headers["Authorization"] = f"Bearer {token.value}"
            response = yield request
            if response.status_code != 401 or refreshed == refreshes:
                return  # the answer goes to the caller, 401 included once refreshes ran out
            # Read (and so release) the 401 now: a refresh waited for with the answer open
            # holds its pool connection, and a storm of them starves the grant (deadlock).
            await read_body_in_flow(response, MAX_TOKEN_ANSWER_BYTES)
            rejected = token
            request.extensions[TOKEN_PENDING] = True


@attrs.frozen
class OAuth2Auth:
    """JSON bodies with ``Authorization: Bearer``, the token from a password grant.

    ``token_url`` defaults to ``oauth/token`` under the client's base URL, ``path`` (the JSON
    API) to ``json/``: both are assumptions (see the README). Each client bound to this
    strategy keeps its own token cache.
    """

    user: str = attrs.field(validator=credential)
    password: str = attrs.field(repr=secret_field, validator=credential)
    token_url: str | None = attrs.field(default=None, kw_only=True)
    path: str = attrs.field(default=DEFAULT_JSON_PATH, kw_only=True)

    def _token_url(self, base_url: httpx.URL) -> httpx.URL:
        return endpoint(base_url, self.token_url or DEFAULT_TOKEN_PATH)

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """POST ``base_url/path`` with a JSON object of class, method and parameters."""
        return json_request(endpoint(base_url, self.path), wire_fields(call))

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """A token flow with its own cache, for one client."""
        return _TokenFlow(self.user, self.password, self._token_url(base_url))

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """The token endpoint and the JSON endpoint."""
        return (self._token_url(base_url), endpoint(base_url, self.path))
