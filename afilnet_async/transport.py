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

__all__ = ["send_call", "transport_error"]

logger = logging.getLogger("afilnet_async")


def transport_error(exc: Exception) -> AfilnetError:
    """The AfilnetError for an httpx exception (its message redacted, never chained)."""
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


async def _release_leftovers(http: httpx.AsyncClient, request: httpx.Request) -> None:
    """Repair httpcore's pool after ``request`` failed or was cancelled.

    httpcore 1.0.x can leave behind (encode/httpcore#1093, #658): a connection it gave the
    request but never used (neither idle nor closed, owned by nobody), and, when asyncio's
    ``Task.cancel()`` lands inside the response's close (anyio's shield does not stop it),
    the request itself with its connection still busy. Either holds a pool slot (and maybe a
    socket) until the client is closed, and enough of them starve the pool (PoolTimeout).
    They are removed and closed here; the freed slots go to queued requests.
    """
    try:  # httpx's default transport over httpcore's pool; anything else is left alone
        pool: Any = http._transport_for_url(request.url)._pool  # type: ignore[attr-defined]
        requests, connections = pool._requests, pool._connections
    except AttributeError:
        return
    mine = [r for r in requests if getattr(r.request, "extensions", None) is request.extensions]
    owned = {id(r.connection) for r in requests if r not in mine}
    leftovers = [
        connection
        for connection in connections
        if id(connection) not in owned and not (connection.is_idle() or connection.is_closed())
    ]
    if not (mine or leftovers):
        return
    for pool_request in mine:
        requests.remove(pool_request)
    for connection in leftovers:
        connections.remove(connection)
    with anyio.CancelScope(shield=True):  # this may run while the caller is being cancelled
        for connection in leftovers:
            await connection.aclose()
        for connection in pool._assign_requests_to_connections():
            await connection.aclose()


async def _attempt(
    http: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth | None
) -> Any:
    # Its own extensions dict tells this attempt's requests in the pool from the others'.
    request.extensions = dict(request.extensions)
    failure: AfilnetError | None = None
    try:
        response = await http.send(request, auth=auth)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        failure = transport_error(exc)
    except BaseException:  # cancelled (asyncio, anyio, trio) or interrupted
        await _release_leftovers(http, request)
        raise
    if failure is not None:  # raised out here, the httpx error (and its request) is not
        await _release_leftovers(http, request)  # even the suppressed __context__
        raise failure from None
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
