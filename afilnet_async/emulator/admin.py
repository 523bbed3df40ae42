"""The emulator's control endpoints under ``/_emulator/``, for tools in another process.

- ``GET /_emulator/counters``: :meth:`Counters.snapshot`; ``POST /_emulator/counters/reset``;
- ``GET /_emulator/faults``: the faults in force; ``PUT /_emulator/faults``: replace them with
  a JSON object of :class:`Faults` fields (400 with the reason when invalid);
- ``GET`` / ``PUT /_emulator/settings``: the same for :class:`ServerSettings`;
- ``GET`` / ``PUT /_emulator/dialect``: ``{"name": "php"}`` switches to a built-in dialect;
- ``POST /_emulator/clock``: ``{"advance": seconds}`` moves the emulator's clock forward.

Requests to these paths are not counted. They exist only in the emulator, never in Afilnet.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .backend import Backend
from .dialects import dialect_named
from .faults import Faults
from .settings import ServerSettings

__all__ = ["ADMIN_PREFIX", "admin_routes", "as_json"]

ADMIN_PREFIX = "/_emulator"


def as_json(fields: Any) -> dict[str, Any]:
    """An attrs instance (Faults, ServerSettings) as a JSON object (tuples as lists)."""
    return attrs.asdict(
        fields, value_serializer=lambda _i, _a, v: list(v) if isinstance(v, tuple) else v
    )


async def _body(request: Request) -> dict[str, Any]:
    data = json.loads(await request.body())
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object")
    return data


def _refused(error: Exception) -> Response:
    return JSONResponse({"error": str(error)}, status_code=400)


def admin_routes(backend: Backend) -> list[Route]:
    """The control routes of ``backend``."""

    async def counters(_: Request) -> Response:
        return JSONResponse(backend.counters.snapshot())

    async def reset(_: Request) -> Response:
        backend.counters.reset()
        return JSONResponse(backend.counters.snapshot())

    async def faults(request: Request) -> Response:
        if request.method == "PUT":
            try:
                backend.faults = Faults(**await _body(request))
            except (ValueError, TypeError) as error:
                return _refused(error)
        return JSONResponse(as_json(backend.faults))

    async def settings(request: Request) -> Response:
        if request.method == "PUT":
            try:
                backend.settings = ServerSettings(**await _body(request))
            except (ValueError, TypeError) as error:
                return _refused(error)
        return JSONResponse(as_json(backend.settings))

    async def dialect(request: Request) -> Response:
        if request.method == "PUT":
            try:
                backend.dialect = dialect_named(str((await _body(request))["name"]))
            except (ValueError, TypeError, KeyError) as error:
                return _refused(error)
        return JSONResponse({"name": backend.dialect.name})

    async def clock(request: Request) -> Response:
        try:
            backend.clock.advance(float((await _body(request))["advance"]))
        except (ValueError, TypeError, KeyError) as error:
            return _refused(error)
        return JSONResponse({"now": backend.clock()})

    return [
        Route(f"{ADMIN_PREFIX}/counters", counters, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/counters/reset", reset, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/faults", faults, methods=["GET", "PUT"]),
        Route(f"{ADMIN_PREFIX}/settings", settings, methods=["GET", "PUT"]),
        Route(f"{ADMIN_PREFIX}/dialect", dialect, methods=["GET", "PUT"]),
        Route(f"{ADMIN_PREFIX}/clock", clock, methods=["POST"]),
    ]
