"""Reading the three API access styles into one :class:`ApiRequest`.

- ``http``: GET with everything in the query, or POST with a form body (query keys are read
  too, the body wins; the vendor's own POST samples carry everything in the query);
- ``basic``: the same, with the credentials in ``Authorization: Basic`` (body/query ``user``
  and ``password`` are ignored);
- ``json``: POST of a JSON object, the credentials a bearer token.

Repeated keys: the last one wins. Blank values are kept (the dispatcher decides what blank
means). Transport-level refusals come back as a :class:`Reply` instead (413, 414), at the
limits of :class:`ServerSettings`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Literal
from urllib.parse import unquote

import attrs
from starlette.requests import Request

from . import replies
from .replies import Reply
from .settings import ServerSettings

__all__ = ["ApiRequest", "Style", "parse_basic", "parse_bearer", "read_api_request", "read_form"]

Style = Literal["http", "basic", "json"]
_CREDENTIALS = ("user", "password")


@attrs.frozen
class ApiRequest:
    """One API call as received: its fields (class, method, parameters) and credentials."""

    style: Style
    fields: dict[str, str]
    user: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    token: str | None = attrs.field(default=None, repr=False)

    @property
    def qualname(self) -> str | None:
        """``class.method`` as sent, when both are there."""
        api_class, method = self.fields.get("class", ""), self.fields.get("method", "")
        return f"{api_class}.{method}" if api_class.strip() and method.strip() else None


_DEFAULTS = ServerSettings()


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The whole body, or ``None`` when it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _unquote_plus(text: str) -> str:
    """``urllib.parse.unquote_plus``, with a C-speed path for the ASCII bodies clients send."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii():
        try:  # each %XX becomes \xXX, decoded in C; then the bytes are read as UTF-8
            escaped = text.replace("\\", "\\x5c").replace("%", "\\x")
            raw = escaped.encode("ascii").decode("unicode_escape").encode("latin-1")
            return raw.decode("utf-8", errors="replace")
        except UnicodeDecodeError:  # a malformed escape such as "%zz"
            pass
    return unquote(text)


def _pairs(text: str) -> dict[str, str]:
    """``dict(parse_qsl(text, keep_blank_values=True))``: the last of a repeated key wins."""
    pairs: dict[str, str] = {}
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs[_unquote_plus(key)] = _unquote_plus(value)
    return pairs


async def read_form(
    request: Request, settings: ServerSettings = _DEFAULTS
) -> dict[str, str] | Reply:
    """Query keys, then (on POST) ``application/x-www-form-urlencoded`` body keys over them."""
    if request.method == "GET":
        path = request.scope.get("raw_path") or request.scope["path"].encode()
        target = len(path) + 1 + len(request.scope["query_string"])
        if target > settings.max_get_target:
            return replies.http_error(414, "URI Too Long")
    fields = _pairs(request.scope["query_string"].decode("latin-1"))
    if request.method != "POST":
        return fields
    body = await _read_body(request, settings.max_body_bytes)
    if body is None:
        return replies.http_error(413, "Content Too Large")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("application/x-www-form-urlencoded", "") and body:
        fields |= _pairs(body.decode("utf-8", errors="replace"))
    return fields


def parse_basic(header: str | None) -> tuple[str | None, str | None]:
    """(user, password) from ``Basic base64(user:password)``; ``None`` for what is missing."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, colon, password = decoded.partition(":")
    return user, (password if colon else None)


def parse_bearer(header: str | None) -> str | None:
    """The token of ``Bearer <token>``, or ``None``."""
    scheme, _, value = (header or "").strip().partition(" ")
    token = value.strip()
    return token if scheme.lower() == "bearer" and token else None


def _wire(value: object) -> str | None:
    """A JSON value as the flat string the other styles would carry; ``null`` is absent.

    As the client encodes natural values: a bool is ``1``/``0``, a number its JSON text, an
    object ``k:v,k:v`` (a contact), an array of objects JSON text (contacts), any other array
    its items joined by commas (field names).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dict):
        return ",".join(f"{key}:{_wire(item) or ''}" for key, item in value.items())
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, list):
        return ",".join(_wire(item) or "" for item in value)
    return None  # pragma: no cover - json.loads yields nothing else


async def _read_json(request: Request, settings: ServerSettings) -> dict[str, str] | Reply:
    body = await _read_body(request, settings.max_body_bytes)
    if body is None:
        return replies.http_error(413, "Content Too Large")
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    fields = {str(key): _wire(value) for key, value in data.items()}
    return {key: value for key, value in fields.items() if value is not None}


async def read_api_request(
    style: Style, request: Request, settings: ServerSettings = _DEFAULTS
) -> ApiRequest | Reply:
    """Parse ``request`` in ``style``; a Reply when it is refused before any API logic."""
    header = request.headers.get("authorization")
    if style == "json":
        fields = await _read_json(request, settings)
    else:
        fields = await read_form(request, settings)
    if isinstance(fields, Reply):
        return fields
    user, password = (fields.pop(name, None) for name in _CREDENTIALS)
    if style == "http":
        return ApiRequest(style, fields, user, password)
    if style == "basic":
        return ApiRequest(style, fields, *parse_basic(header))
    return ApiRequest(style, fields, token=parse_bearer(header))
