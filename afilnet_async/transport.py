"""One Afilnet request over httpx with retries; every failure mapped to an AfilnetError.

The response body is decoded by :mod:`afilnet_async.envelope`; httpx exceptions never escape
and are never chained (their requests may carry credentials).
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import httpx

from .envelope import decode_envelope, try_decode_error
from .errors import (
    AfilnetConnectionError,
    AfilnetError,
    AfilnetHTTPStatusError,
    AfilnetTimeoutError,
    ConfigurationError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
)
from .redaction import redact_text
from .retry import RetryPolicy, is_retryable, retry_after_seconds

__all__ = ["send_call"]

logger = logging.getLogger("afilnet_async")


def _transport_error(exc: Exception) -> AfilnetError:
    detail = redact_text(str(exc))[:200] or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return AfilnetTimeoutError(f"request timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.DecodingError):
        return MalformedResponseError(f"answer could not be decoded: {detail}")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ConfigurationError(f"invalid URL: {detail}")
    return AfilnetConnectionError(f"connection failed ({type(exc).__name__}): {detail}")


def _status_error(response: httpx.Response) -> AfilnetError:
    """The error for a non-2xx answer; an error envelope in its body wins."""
    status = response.status_code
    try:
        try_decode_error(response.content)
    except AfilnetError as api_error:
        return api_error
    if status == 429:
        return RateLimitError(
            "rate limited (HTTP 429)", retry_after=retry_after_seconds(response.headers)
        )
    if status >= 500:
        return ServerError(f"server error (HTTP {status})", status_code=status)
    return AfilnetHTTPStatusError(f"unexpected HTTP status {status}", status_code=status)


async def _attempt(
    http: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth | None
) -> Any:
    try:
        response = await http.send(request, auth=auth)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _transport_error(exc) from None
    if not response.is_success:
        raise _status_error(response)
    return decode_envelope(response.content)


async def send_call(
    http: httpx.AsyncClient,
    request: httpx.Request,
    auth: httpx.Auth | None,
    policy: RetryPolicy,
    qualname: str,
) -> Any:
    """Send ``request`` (retrying per ``policy``) and return the envelope's decoded result."""
    attempts = policy.max_retries + 1
    for retry_number in range(attempts):
        try:
            result = await _attempt(http, request, auth)
        except AfilnetError as error:
            if retry_number + 1 >= attempts or not is_retryable(error):
                logger.debug(
                    "%s: attempt %d/%d failed (%s: %s); not retrying",
                    qualname, retry_number + 1, attempts, type(error).__name__, error,
                )  # fmt: skip
                raise
            delay = policy.delay(retry_number, error)
            logger.debug(
                "%s: attempt %d/%d failed (%s: %s); retrying in %.2fs",
                qualname, retry_number + 1, attempts, type(error).__name__, error, delay,
            )  # fmt: skip
        else:
            logger.debug("%s: attempt %d/%d succeeded", qualname, retry_number + 1, attempts)
            return result
        await anyio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
