"""Sending one call: bounded attempts over httpx, and the loop that asks the retry policy.

An attempt is one request and its answer within a deadline (connect, send, headers and body
together) and a size limit, with redirects off whoever made the pool. Every failure becomes
an :class:`AfilnetError`; httpx exceptions never escape and are never chained (their
requests may carry credentials). The loop retries only what the :class:`RetryPolicy`
allows for the method, and turns an ambiguous failure of a method that is not safe to
repeat into :class:`OutcomeUnknownError`.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import attrs
import httpx

from ._compat import release_leftovers
from .body import read_body
from .deadline import Deadline
from .envelope import decode_envelope, try_decode_error
from .errors import (
    AfilnetConnectionError,
    AfilnetError,
    AfilnetHTTPStatusError,
    AfilnetTimeoutError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    MalformedResponseError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from .redaction import SECRET_PARAMS, redact_text
from .retry import FailureKind, RetryPolicy, retry_after_seconds

__all__ = [
    "ATTEMPT_DEADLINE",
    "TOKEN_PENDING",
    "AttemptLimits",
    "CallEvent",
    "Hooks",
    "http_status_error",
    "new_request_id",
    "send_call",
    "socket_timeouts",
    "transport_error",
]

logger = logging.getLogger("afilnet_async")

#: Set in a request's extensions while the OAuth2 flow has not sent the API request itself
#: (only the token request): a failure then applied nothing.
TOKEN_PENDING = "afilnet_async.token_pending"  # noqa: S105 (a key, not a secret)
#: The :class:`Deadline` bounding an attempt (in its request's extensions): an auth flow tells
#: the attempt's own deadline from a caller's cancellation by it.
ATTEMPT_DEADLINE = "afilnet_async.attempt_deadline"
#: httpx exceptions raised before the request reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def new_request_id() -> str:
    """A short id for one call and its retries (Afilnet returns none of its own)."""
    return os.urandom(4).hex()


@attrs.frozen
class AttemptLimits:
    """What bounds one attempt: its whole duration and the decoded size of its answer."""

    deadline: float
    max_response_bytes: int


@attrs.frozen
class CallEvent:
    """What a hook is told about one attempt: never a credential."""

    method: str
    request_id: str
    attempt: int
    status: int | None = None
    elapsed: float = 0.0
    error: str | None = None


Hook = Callable[[CallEvent], object]


@attrs.frozen
class Hooks:
    """Callables told about each attempt; a hook that raises is logged, not propagated."""

    on_request: Hook | None = None
    on_response: Hook | None = None

    def __bool__(self) -> bool:
        return self.on_request is not None or self.on_response is not None


def _tell(hook: Hook | None, event: CallEvent) -> None:
    if hook is None:
        return
    try:
        hook(event)
    except Exception:
        logger.warning("a hook raised while handling %s [%s]", event.method, event.request_id,
                       exc_info=True)  # fmt: skip


def transport_error(exc: Exception, *, nothing_applied: bool = False) -> AfilnetError:
    """The AfilnetError for an httpx exception (its message redacted, never chained)."""
    detail = redact_text(str(exc))[:200] or type(exc).__name__
    sure = nothing_applied or isinstance(exc, _NOT_SENT)
    if isinstance(exc, httpx.TimeoutException):
        return AfilnetTimeoutError(
            f"request timed out ({type(exc).__name__})", nothing_applied=sure
        )
    if isinstance(exc, httpx.DecodingError):
        return MalformedResponseError(f"answer could not be decoded: {detail}")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ConfigurationError(f"invalid URL: {detail}")
    return AfilnetConnectionError(
        f"connection failed ({type(exc).__name__}): {detail}", nothing_applied=sure
    )


def http_status_error(
    status: int, headers: Mapping[str, str], url: httpx.URL | None = None
) -> AfilnetError:
    """The error for an HTTP status without an Afilnet envelope (API or token endpoint)."""
    if status == 429:
        return RateLimitError("rate limited (HTTP 429)", retry_after=retry_after_seconds(headers))
    if status >= 500:
        return ServerError(f"server error (HTTP {status})", status_code=status)
    if status == 401:
        return AuthenticationError(
            "HTTP_401", status_code=401, meaning="HTTP 401 Unauthorized without an Afilnet answer"
        )
    if status == 403:
        return PermissionDeniedError(
            "HTTP_403", status_code=403, meaning="HTTP 403 Forbidden without an Afilnet answer"
        )
    if 300 <= status < 400:
        target = httpx.URL(headers.get("location", ""))
        host = target.host or (url.host if url is not None else "") or "an unknown host"
        return AfilnetHTTPStatusError(
            f"unexpected redirect (HTTP {status}) to {host}: not followed (credentials are "
            "never re-sent to another URL); check the base URL",
            status_code=status,
        )
    where = f" for {url.copy_with(query=None)}" if url is not None else ""
    hint = "; check the base URL (it should end in /api/)" if status == 404 else ""
    return AfilnetHTTPStatusError(
        f"unexpected HTTP status {status}{where}{hint}", status_code=status
    )


async def _attempt(
    http: httpx.AsyncClient, request: httpx.Request, auth: httpx.Auth | None,
    limits: AttemptLimits,
) -> tuple[int, Any]:  # fmt: skip
    # Its own extensions dict tells this attempt's requests in the pool from the others'.
    request.extensions = dict(request.extensions)
    failure: AfilnetError | None = None
    try:
        async with Deadline(limits.deadline) as deadline:
            request.extensions[ATTEMPT_DEADLINE] = deadline
            response = await http.send(request, auth=auth, stream=True, follow_redirects=False)
            try:  # the answer's status and result, or the error it carries
                body = await read_body(response, limits.max_response_bytes)
                if response.is_success:
                    return response.status_code, decode_envelope(body, response.status_code)
                try_decode_error(body, response.status_code)  # an Afilnet envelope wins
                raise http_status_error(
                    response.status_code, response.headers, response.request.url
                )
            finally:
                await response.aclose()
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        failure = transport_error(exc, nothing_applied=TOKEN_PENDING in request.extensions)
        if http.is_closed:  # aclose() ran while this attempt was in flight
            failure = ClientClosedError(
                "the client was closed while this call was in flight",
                nothing_applied=getattr(failure, "nothing_applied", False),
            )
    except RuntimeError:
        if not http.is_closed:
            raise
        # httpx refuses to start a request (a retry, a token) on a client closed meanwhile.
        failure = ClientClosedError("the client was closed before this attempt could start")
    except TimeoutError:
        failure = AfilnetTimeoutError(
            f"no complete answer within timeout={limits.deadline:g}s",
            nothing_applied=TOKEN_PENDING in request.extensions,
        )
    except MemoryError:
        failure = MalformedResponseError("the answer did not fit in memory")
    except BaseException:  # cancelled (asyncio, anyio, trio) or interrupted
        await release_leftovers(http, request)
        raise
    # Raised out here, the httpx error (and its request) is not even the suppressed context.
    await release_leftovers(http, request)
    raise failure from None


def _sent_summary(params: Mapping[str, str]) -> dict[str, str]:
    """A call's parameters (never its credentials), less the secret ones."""
    return {k: v for k, v in params.items() if k.lower() not in SECRET_PARAMS}


class Outgoing(NamedTuple):
    """One call ready to go: its request, whether it is safe to repeat, and its id (a named
    tuple: one is made per call, on the hot path)."""

    qualname: str
    request: httpx.Request
    idempotent: bool
    request_id: str
    params: Mapping[str, str]


async def send_call(
    http: httpx.AsyncClient,
    outgoing: Outgoing,
    auth: httpx.Auth | None,
    policy: RetryPolicy | None,
    limits: AttemptLimits,
    hooks: Hooks | None = None,
) -> Any:
    """Send ``outgoing`` (retrying as ``policy`` allows) and return the envelope's result.

    With ``policy=None``: one attempt, and any failure raised as itself.
    """
    qualname, request_id = outgoing.qualname, outgoing.request_id
    attempts = policy.max_retries + 1 if policy is not None else 1
    retries = 0
    while True:
        attempt = retries + 1
        started = time.perf_counter()
        if hooks:
            _tell(hooks.on_request, CallEvent(qualname, request_id, attempt))
        try:
            status, result = await _attempt(http, outgoing.request, auth, limits)
        except AfilnetError as error:
            error.request_id = request_id
            if hooks:
                _tell(hooks.on_response, CallEvent(
                    qualname, request_id, attempt, getattr(error, "status_code", None),
                    time.perf_counter() - started, type(error).__name__,
                ))  # fmt: skip
            if policy is None:
                logger.debug("%s [%s]: the attempt failed (%s: %s)", qualname, request_id,
                             type(error).__name__, error)  # fmt: skip
                raise
            decision = policy.decide(error, retries, idempotent=outgoing.idempotent)
            if not decision.retry:
                logger.debug(
                    "%s [%s]: attempt %d/%d failed (%s: %s); not retrying",
                    qualname, request_id, attempt, attempts, type(error).__name__, error,
                )  # fmt: skip
                if decision.kind is FailureKind.AMBIGUOUS and not outgoing.idempotent:
                    unknown = OutcomeUnknownError(qualname, error, _sent_summary(outgoing.params))
                    unknown.request_id = request_id
                    raise unknown from None
                raise
            logger.debug(
                "%s [%s]: attempt %d/%d failed (%s: %s); retrying in %.2fs",
                qualname, request_id, attempt, attempts, type(error).__name__, error,
                decision.wait,
            )  # fmt: skip
        else:
            if hooks:
                _tell(hooks.on_response, CallEvent(
                    qualname, request_id, attempt, status, time.perf_counter() - started
                ))  # fmt: skip
            logger.debug("%s [%s]: attempt %d/%d succeeded", qualname, request_id, attempt,
                         attempts)  # fmt: skip
            return result
        retries += 1
        await policy.sleep(decision.wait)


def attempt_deadline(timeout: httpx.Timeout) -> float:
    """The whole-attempt deadline a timeout stands for: its largest set component."""
    parts = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    return max(parts) if parts else math.inf


def socket_timeouts(timeout: httpx.Timeout) -> dict[str, float | None]:
    """The per-operation timeouts httpx is given: ``timeout``'s, less the read and write
    timeouts the attempt's deadline already enforces (each costs a timer per operation).

    Connect and pool timeouts stay: they apply only while connecting or waiting for a
    connection, and their expiry proves that nothing was sent.
    """
    deadline = attempt_deadline(timeout)
    socket = timeout.as_dict()
    for phase in ("read", "write"):
        value = socket[phase]
        if value is None or value >= deadline:
            socket[phase] = None
    return socket


def attempt_timed_out(request: httpx.Request) -> bool:
    """Whether ``request``'s attempt ran out of time (its own deadline, not a caller's cancel)."""
    deadline = request.extensions.get(ATTEMPT_DEADLINE)
    return isinstance(deadline, Deadline) and deadline.expired
