"""OAuth2Auth: the vendor's JSON API, with a token from an RFC 6749 password grant.

The token is cached and shared by every call of the client; it is refreshed shortly before it
expires, by one caller at a time however many wait (single flight). A 401 answer refreshes the
token once and retries the call once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable

import anyio
import attrs
import httpx

from ..call import Call
from .base import endpoint, form_request, json_request, secret_field, wire_fields
from .bearer import DEFAULT_JSON_PATH
from .token import AccessToken, parse_token_response

__all__ = ["DEFAULT_TOKEN_PATH", "OAuth2Auth"]

#: Where the token endpoint is assumed to live under the base URL (undocumented by the vendor).
DEFAULT_TOKEN_PATH = "oauth/token"  # noqa: S105 (a path, not a password)


class _TokenFlow(httpx.Auth):
    """Signs requests with a cached token; fetches, refreshes and re-signs after a 401."""

    requires_response_body = True

    def __init__(self, user: str, password: str, token_url: httpx.URL) -> None:
        self._user, self._password, self._token_url = user, password, token_url
        self._token: AccessToken | None = None
        self._lock = anyio.Lock()
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

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        rejected: AccessToken | None = None
        for _ in range(2):
            token = self._usable(rejected)
            if token is None:
                async with self._lock:
                    token = self._usable(rejected)
                    if token is None:
                        self.token_requests += 1
                        response = yield self._grant_request(request)
                        # httpx reads bodies for auth flows only in its default
                        # async_auth_flow, which this one replaces.
                        await response.aread()
                        token = self._token = parse_token_response(response)
            request.headers["Authorization"] = f"Bearer {token.value}"
            response = yield request
            if response.status_code != 401:
                return
            rejected = token


@attrs.frozen
class OAuth2Auth:
    """JSON bodies with ``Authorization: Bearer``, the token from a password grant.

    ``token_url`` defaults to ``oauth/token`` under the client's base URL, ``path`` (the JSON
    API) to ``json/``: both are assumptions (see the README). Each client bound to this
    strategy keeps its own token cache.
    """

    user: str
    password: str = attrs.field(repr=secret_field)
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
