"""BasicAuth: credentials in an ``Authorization: Basic`` header, the call in a form body."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import httpx

from ..call import Call
from ..errors import ValidationError
from .base import credential, endpoint, form_request, secret_field, wire_fields

__all__ = ["BasicAuth"]


@attrs.frozen
class BasicAuth:
    """HTTP Basic authentication; class, method and parameters are POSTed without user/password.

    The vendor names Basic Auth but documents no path: ``basic/`` under the base URL is this
    library's assumption (see the README), hence the ``path`` argument.
    """

    user: str = attrs.field(validator=credential)
    password: str = attrs.field(repr=secret_field, validator=credential)
    path: str = "basic/"

    @user.validator
    def _no_colon(self, _: attrs.Attribute[str], value: str) -> None:
        if ":" in value:  # RFC 7617: the user-id ends at the first colon
            raise ValidationError("user: HTTP Basic cannot carry a user name containing ':'")

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """POST ``base_url/path`` with class, method and parameters as form fields."""
        return form_request(endpoint(base_url, self.path), wire_fields(call))

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """httpx's own Basic flow."""
        return httpx.BasicAuth(self.user, self.password)

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """The Basic endpoint."""
        return (endpoint(base_url, self.path),)
