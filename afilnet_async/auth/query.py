"""QueryAuth: the vendor's HTTP GET API, everything (credentials too) in the query string."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import httpx

from ..call import Call
from ..errors import RequestTooLargeError
from ..redaction import redact_text
from .base import credential, endpoint, secret_field, wire_fields

__all__ = ["DEFAULT_MAX_URL_LENGTH", "QueryAuth"]

#: The vendor's documented GET limit is "about 4,000 characters".
DEFAULT_MAX_URL_LENGTH = 4000


class _QueryRequest(httpx.Request):
    """A GET whose URL carries the password: its repr (in logs, tracebacks) does not."""

    def __repr__(self) -> str:
        return redact_text(super().__repr__())


@attrs.frozen
class QueryAuth:
    """HTTP GET with ``user`` and ``password`` in the URL (the vendor's samples' style).

    URLs longer than ``max_url_length`` are refused before sending. The password is redacted
    from httpx's logs, but prefer :class:`FormAuth` where proxies or servers log URLs.
    """

    user: str = attrs.field(validator=credential)
    password: str = attrs.field(repr=secret_field, validator=credential)
    path: str = "http/"
    max_url_length: int = DEFAULT_MAX_URL_LENGTH

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """GET ``base_url/path`` with class, method, credentials and parameters as query."""
        fields = wire_fields(call)
        query = {"class": fields.pop("class"), "method": fields.pop("method")}
        query |= {"user": self.user, "password": self.password, **fields}
        try:
            request = _QueryRequest("GET", endpoint(base_url, self.path), params=query)
        except httpx.InvalidURL:  # a query over httpx's own limit (64 KiB)
            length = None
        else:
            length = len(str(request.url))
        if length is None or length > self.max_url_length:
            raise RequestTooLargeError(
                f"{call.qualname}: the GET URL would be {length or 'over 65536'} characters, "
                f"over the {self.max_url_length} limit; send fewer contacts per call or use "
                "FormAuth"
            )
        return request

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """No signing flow: the credentials are in the URL."""
        return None

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """The GET endpoint."""
        return (endpoint(base_url, self.path),)
