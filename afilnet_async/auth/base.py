"""What every auth strategy provides, and the request shapes they share.

A strategy decides where the credentials and the call's parameters go. The client asks it for
a request and an optional :class:`httpx.Auth` flow, and never branches on which strategy it has.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import httpx

from ..call import Call
from ..urlencoding import form_encode

__all__ = [
    "AuthStrategy",
    "SizeLimitedAuth",
    "endpoint",
    "form_request",
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
    """``class`` and ``method`` followed by the call's parameters, in Afilnet's order."""
    return {"class": call.api_class, "method": call.api_method, **call.params}


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
