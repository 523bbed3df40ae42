"""An OAuth2 access token, its expiry, and reading one from a token endpoint's answer."""

from __future__ import annotations

import json
import math
import re
import time
from typing import Any

import attrs
import httpx

from ..errors import RateLimitError, ServerError, TokenError
from ..retry import retry_after_seconds

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


def parse_token_response(response: httpx.Response) -> AccessToken:
    """The token of an RFC 6749 answer; :class:`TokenError` (or a retryable error) otherwise."""
    if response.status_code == 429:
        raise RateLimitError(
            "token endpoint answered 429", retry_after=retry_after_seconds(response.headers)
        )
    if response.status_code >= 500:
        raise ServerError(
            f"token endpoint answered HTTP {response.status_code}", status_code=response.status_code
        )
    data = _loads(response.content)
    if data is None:
        raise TokenError(
            f"token endpoint answered HTTP {response.status_code} with no JSON object"
        ) from None
    if not isinstance(data, dict):
        raise TokenError("token endpoint answered JSON that is not an object")
    if response.status_code != 200 or "error" in data:
        reason = data.get("error")
        reason = reason if isinstance(reason, str) else "no reason given"
        raise TokenError(
            f"token endpoint refused the grant (HTTP {response.status_code}: {reason[:60]})"
        )
    token, lifetime = data.get("access_token"), data.get("expires_in", DEFAULT_LIFETIME)
    if not isinstance(token, str) or not token:
        raise TokenError("token endpoint answer has no access_token")
    if not _HEADER_SAFE.fullmatch(token):  # it goes in an Authorization header as it is
        raise TokenError("token endpoint issued an access_token that is not printable ASCII")
    if str(data.get("token_type", "bearer")).lower() != "bearer":
        raise TokenError("token endpoint issued a token that is not a bearer token")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
        raise TokenError("token endpoint answer has an invalid expires_in")
    seconds = float(lifetime) if abs(lifetime) < 1e300 else math.inf
    if not 0 < seconds < math.inf:  # NaN too: a token never fresh is fetched on every call
        raise TokenError("token endpoint answer has an invalid expires_in")
    return AccessToken.issued_now(token, seconds)
