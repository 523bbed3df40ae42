"""What every auth strategy provides, and the request shapes they share.

A strategy decides where the credentials and the call's parameters go. The client asks it for
a request and an optional :class:`httpx.Auth` flow, and never branches on which strategy it has.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import attrs
import httpx

from ..call import Call
from ..errors import ValidationError
from ..text import utf8_encodable
from ..urlencoding import form_encode

__all__ = [
    "AuthStrategy",
    "SizeLimitedAuth",
    "credential",
    "endpoint",
    "form_request",
    "header_token",
    "json_request",
    "secret_field",
    "wire_fields",
]


@runtime_checkable
class AuthStrategy(Protocol):
    """Turns a :class:`Call` into an :class:`httpx.Request` against ``base_url``."""

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        """The request for ``call``; may raise ``RequestTooLargeError`` before anything is sent."""
        ...

    def httpx_auth(self, base_url: httpx.URL) -> httpx.Auth | None:
        """A flow that signs (and may re-sign) each request, or ``None``."""
        ...

    def credential_urls(self, base_url: httpx.URL) -> Iterable[httpx.URL]:
        """Every URL this strategy sends credentials to (checked for plain http)."""
        ...


@runtime_checkable
class SizeLimitedAuth(AuthStrategy, Protocol):
    """A strategy whose requests must stay under ``max_url_length`` characters (GET)."""

    max_url_length: int


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@functools.lru_cache(maxsize=256)
def endpoint(base_url: httpx.URL, path: str) -> httpx.URL:
    """``base_url`` joined with ``path``, parsed once (httpx re-parses on every join)."""
    return base_url.join(path)


def wire_fields(call: Call) -> dict[str, str]:
    """``class`` and ``method`` followed by the call's parameters, in Afilnet's order.

    Raises ValidationError if a name or value holds characters UTF-8 cannot encode (lone
    surrogates), before any encoder's ``UnicodeEncodeError`` (which carries the whole
    value, a password maybe) could be raised or chained.
    """
    fields = {"class": call.api_class, "method": call.api_method, **call.params}
    for key, value in fields.items():
        if not (key.isascii() and value.isascii()) and not utf8_encodable(key + value):
            raise ValidationError(
                f"{call.qualname}: a value holds characters UTF-8 cannot encode (lone surrogates)"
            )
    return fields


def form_request(url: httpx.URL, fields: dict[str, str]) -> httpx.Request:
    """A POST with an ``application/x-www-form-urlencoded`` body and nothing in the query."""
    return httpx.Request("POST", url, content=form_encode(fields), headers=_FORM)


def json_request(url: httpx.URL, fields: dict[str, str]) -> httpx.Request:
    """A POST with a JSON object body."""
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return httpx.Request("POST", url, content=body, headers={"Content-Type": "application/json"})


def secret_field(value: str) -> str:
    """Rendering of a secret in a repr."""
    return "'***'" if value else "''"


def credential(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a user name or password is a str UTF-8 can encode.

    Checked when the strategy is made, so a bad credential never reaches httpx (whose
    ``UnicodeEncodeError`` would carry the whole value in its arguments).
    """
    if not isinstance(value, str):
        raise ValidationError(f"{attribute.name}: expected a str, got {type(value).__name__}")
    if not utf8_encodable(value):
        raise ValidationError(
            f"{attribute.name}: holds characters UTF-8 cannot encode (lone surrogates)"
        )


_TOKEN = re.compile(r"[\x21-\x7e]+")


def header_token(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a bearer token is non-empty printable ASCII (it goes in a header)."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ValidationError(
            f"{attribute.name}: a bearer token must be non-empty printable ASCII without spaces"
        )
