"""The emulator's control endpoints under ``/_emulator/``, for tools in another process.

- ``GET /_emulator/counters``: :meth:`Counters.snapshot`; ``POST /_emulator/counters/reset``;
- ``GET /_emulator/faults``: the faults in force; ``PUT /_emulator/faults``: replace them with
  a JSON object of :class:`Faults` fields (400 with the reason when invalid).

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
from .faults import Faults

__all__ = ["ADMIN_PREFIX", "admin_routes"]

ADMIN_PREFIX = "/_emulator"


def _faults_json(faults: Faults) -> dict[str, Any]:
    return attrs.asdict(
        faults, value_serializer=lambda _i, _a, v: list(v) if isinstance(v, tuple) else v
    )


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
                backend.faults = Faults(**json.loads(await request.body()))
            except (ValueError, TypeError) as error:
                return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(_faults_json(backend.faults))

    return [
        Route(f"{ADMIN_PREFIX}/counters", counters, methods=["GET"]),
        Route(f"{ADMIN_PREFIX}/counters/reset", reset, methods=["POST"]),
        Route(f"{ADMIN_PREFIX}/faults", faults, methods=["GET", "PUT"]),
    ]
