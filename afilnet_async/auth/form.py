"""FormAuth: the vendor's HTTP POST API, everything in a form body, nothing in the URL."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import httpx

from ..call import Call
from .base import credential, endpoint, form_request, secret_field, wire_fields

__all__ = ["FormAuth"]


@attrs.frozen
class FormAuth:
    """HTTP POST, ``application/x-www-form-urlencoded``, credentials in the body."""

    user: str = attrs.field(validator=credential)
    password: str = attrs.field(repr=secret_field, validator=credential)
    path: str = "http/"

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """POST ``base_url/path`` with class, method, credentials and parameters as form fields."""
        fields = wire_fields(call)
        head = {"class": fields.pop("class"), "method": fields.pop("method")}
        body = head | {"user": self.user, "password": self.password} | fields
        return form_request(endpoint(base_url, self.path), body)

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """No signing flow: the credentials are in the body."""
        return None

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """The POST endpoint."""
        return (endpoint(base_url, self.path),)
