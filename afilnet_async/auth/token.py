"""An OAuth2 access token, its expiry, and reading one from a token endpoint's answer."""

from __future__ import annotations

import json
import math
import re
import time
from typing import Any

import attrs
import httpx

from ..errors import AfilnetHTTPStatusError, TokenError
from ..sending import http_status_error

__all__ = ["AccessToken", "parse_token_response"]

#: A token is refreshed this fraction of its lifetime before it expires ...
EARLY_FRACTION = 0.1
#: ... but never more than this many seconds early.
MAX_EARLY_SECONDS = 30.0
#: Lifetime assumed when the endpoint gives no ``expires_in``.
DEFAULT_LIFETIME = 300.0
#: What an access token may hold: printable ASCII, no spaces (RFC 6750's b64token, leniently).
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


@attrs.frozen
class AccessToken:
    """A bearer token and the monotonic time after which it should no longer be used."""

    value: str = attrs.field(repr=False)
    refresh_at: float

    @classmethod
    def issued_now(cls, value: str, lifetime: float) -> AccessToken:
        """A token received now that lives ``lifetime`` seconds."""
        early = min(lifetime * EARLY_FRACTION, MAX_EARLY_SECONDS)
        return cls(value, time.monotonic() + lifetime - early)

    def is_fresh(self) -> bool:
        """Whether the token may still be used without a refresh."""
        return time.monotonic() < self.refresh_at


def _loads(content: bytes) -> Any:
    """The decoded JSON, or None: the decoder's error (it holds the answer, a token maybe)
    is dropped here rather than chained to the TokenError."""
    try:
        return json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8, bad JSON, an over-long integer
        return None


def _read_token(status: int, content: bytes) -> AccessToken | str:
    """The token of an RFC 6749 answer, or why there is none (a message without its value).

    Nothing is raised here, so no frame of a traceback ever holds a rejected token.
    """
    data = _loads(content)
    if data is None:
        return f"token endpoint answered HTTP {status} with no JSON object"
    if not isinstance(data, dict):
        return "token endpoint answered JSON that is not an object"
    if status != 200 or "error" in data:
        reason = data.get("error")
        reason = reason if isinstance(reason, str) else "no reason given"
        return f"token endpoint refused the grant (HTTP {status}: {reason[:60]})"
    token, lifetime = data.get("access_token"), data.get("expires_in", DEFAULT_LIFETIME)
    if not isinstance(token, str) or not token:
        return "token endpoint answer has no access_token"
    if not _HEADER_SAFE.fullmatch(token):  # it goes in an Authorization header as it is
        return "token endpoint issued an access_token that is not printable ASCII"
    if str(data.get("token_type", "bearer")).lower() != "bearer":
        return "token endpoint issued a token that is not a bearer token"
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
        return "token endpoint answer has an invalid expires_in"
    seconds = float(lifetime) if abs(lifetime) < 1e300 else math.inf
    if not 0 < seconds < math.inf:  # NaN too: a token never fresh is fetched on every call
        return "token endpoint answer has an invalid expires_in"
    return AccessToken.issued_now(token, seconds)


def parse_token_response(response: httpx.Response, content: bytes) -> AccessToken:
    """The token in ``content`` (the answer's body, read within bounds) of an RFC 6749
    answer; :class:`TokenError` (or a retryable error) otherwise.

    A 429 or 5xx from the token endpoint means the API call was never sent: the error says
    so (``nothing_applied``), so the call may be retried whatever its method.
    """
    status = response.status_code
    if status == 429 or status >= 500 or 300 <= status < 400:  # busy, down, or redirected
        error = http_status_error(status, response.headers, response.request.url)
        if isinstance(error, AfilnetHTTPStatusError):
            error.nothing_applied = status >= 429
        raise error
    outcome = _read_token(status, content)
    del content  # no frame of the traceback may hold the answer (a rejected token)
    if isinstance(outcome, str):
        raise TokenError(outcome)
    return outcome
