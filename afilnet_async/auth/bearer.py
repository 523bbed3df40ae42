"""BearerAuth: the vendor's JSON API with a token obtained elsewhere."""

from __future__ import annotations

from collections.abc import Generator, Iterable

import attrs
import httpx

from ..call import Call
from .base import endpoint, header_token, json_request, secret_field, wire_fields

__all__ = ["DEFAULT_JSON_PATH", "BearerAuth"]

#: Where the JSON API is assumed to live under the base URL (undocumented by the vendor).
DEFAULT_JSON_PATH = "json/"


class _StaticBearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "_StaticBearer(token='***')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


@attrs.frozen
class BearerAuth:
    """JSON request bodies with ``Authorization: Bearer <token>``; the token is never refreshed."""

    token: str = attrs.field(repr=secret_field, validator=header_token)
    path: str = DEFAULT_JSON_PATH

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """POST ``base_url/path`` with a JSON object of class, method and parameters."""
        return json_request(endpoint(base_url, self.path), wire_fields(call))

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """Adds the Authorization header."""
        return _StaticBearer(self.token)

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """The JSON endpoint."""
        return (endpoint(base_url, self.path),)
