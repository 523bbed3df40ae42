"""Every answer the emulator gives, as plain data turned into a Starlette response at the end.

API outcomes are HTTP 200 envelopes; only the access layers (Basic, Bearer) and the injected
faults use other statuses. Fault bodies are deliberately *not* envelopes, so a client sees a
bare HTTP error, as from a proxy or an overloaded server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
from starlette.responses import Response

__all__ = [
    "Reply",
    "api_error",
    "basic_auth_error",
    "bearer_error",
    "http_error",
    "lost_answer",
    "not_implemented",
    "rate_limited",
    "seconds_header",
    "server_error",
    "success",
    "token_error",
    "token_granted",
]

_JSON = "application/json"
_HTML = "text/html; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"


@attrs.frozen
class Reply:
    """An HTTP answer: status, body, media type and extra headers."""

    status: int
    body: bytes
    media_type: str = _JSON
    headers: Mapping[str, str] = attrs.field(factory=dict)

    def to_response(self) -> Response:
        """The Starlette response sending this reply."""
        return Response(self.body, self.status, dict(self.headers), self.media_type)


def _json(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, _JSON, headers or {})


def seconds_header(seconds: float) -> str:
    """A delay as a Retry-After value: whole seconds when whole, else up to milliseconds."""
    if float(seconds).is_integer():
        return str(int(seconds))
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def success(result: Any, *, has_result: bool = True, word: str = "SUCCESS") -> Reply:
    """``{"status": "SUCCESS", "result": ...}`` (no ``result`` key when there is none).

    ``word`` is the dialect's spelling of ``SUCCESS``.
    """
    return _json({"status": word, "result": result} if has_result else {"status": word})


def api_error(
    code: str, status: int = 200, headers: Mapping[str, str] | None = None, *, word: str = "ERROR"
) -> Reply:
    """``{"status": "ERROR", "error": code}`` (``word``: the dialect's spelling of ERROR)."""
    return _json({"status": word, "error": code}, status, headers)


def basic_auth_error(code: str, *, word: str = "ERROR") -> Reply:
    """A credentials error on the Basic endpoint: 401 with a Basic challenge and the envelope."""
    challenge = {"WWW-Authenticate": 'Basic realm="Afilnet", charset="UTF-8"'}
    return api_error(code, 401, challenge, word=word)


def bearer_error(*, word: str = "ERROR") -> Reply:
    """A missing, unknown or expired bearer token (RFC 6750): 401 and INCORRECT_USER_PASSWORD."""
    challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    return api_error("INCORRECT_USER_PASSWORD", 401, challenge, word=word)


def token_granted(token: str, lifetime: float) -> Reply:
    """An RFC 6749 access-token answer."""
    expires: float | int = int(lifetime) if float(lifetime).is_integer() else lifetime
    return _json(
        {"access_token": token, "token_type": "bearer", "expires_in": expires},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def token_error(error: str) -> Reply:
    """An RFC 6749 error answer (400)."""
    return _json({"error": error}, 400, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def rate_limited(retry_after: float, reason: str = "too many requests") -> Reply:
    """429 with Retry-After and a plain-text body."""
    return Reply(
        429, f"429 Too Many Requests: {reason}\n".encode(), _TEXT,
        {"Retry-After": seconds_header(retry_after)},
    )  # fmt: skip


_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}  # fmt: skip


def server_error(status: int) -> Reply:
    """A 5xx with an HTML body, as a proxy or a crashed backend would send."""
    reason = _REASONS.get(status, "Server Error")
    title = f"{status} {reason}"
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return Reply(status, html.encode(), _HTML)


def lost_answer() -> Reply:
    """The 500 sent after a call was applied (``rate_applied_then_500``)."""
    return server_error(500)


def http_error(status: int, message: str) -> Reply:
    """A protocol-level refusal (413, 414, 501...) with a plain-text body."""
    return Reply(status, f"{status} {message}\n".encode(), _TEXT)


def not_implemented(qualname: str) -> Reply:
    """501: a method the spec lists but this emulator has no handler for."""
    return http_error(501, f"Not Implemented: the emulator has no handler for {qualname}")
