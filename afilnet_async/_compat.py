"""The one place that touches httpx's and httpcore's private state: repairing the pool.

httpcore 1.0.x can leave behind, when a request fails or is cancelled (encode/httpcore#1093,
#658): a connection it gave the request but never used (neither idle nor closed, owned by
nobody), and, when asyncio's ``Task.cancel()`` lands inside the response's close, the request
itself with its connection still busy. Either holds a pool slot until the client is closed;
enough of them starve the pool (``PoolTimeout``). :func:`release_leftovers` removes and closes
them.

Every private name used is checked once, at import, against the installed httpx and
httpcore (:data:`POOL_REPAIR_AVAILABLE`). Where one is missing (a new release changed them)
the repair does nothing and says so once at DEBUG: the library still works, with httpcore's
own behaviour. pyproject pins httpcore to the range this was verified on.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import httpcore
import httpx

__all__ = ["POOL_REPAIR_AVAILABLE", "release_leftovers"]

logger = logging.getLogger("afilnet_async")

#: Private attributes relied on: (owner, attribute).
REQUIRED: tuple[tuple[type[Any], str], ...] = (
    (httpx.AsyncClient, "_transport_for_url"),
    (httpcore.AsyncConnectionPool, "_assign_requests_to_connections"),
)
#: Attributes a pool instance sets in ``__init__`` (checked on a bare pool, which is cheap).
#: The transport's ``_pool`` is looked up with a default at each use: a transport without
#: one is simply not repaired.
REQUIRED_POOL_INSTANCE = ("_requests", "_connections")


def _check() -> bool:
    if not all(hasattr(owner, name) for owner, name in REQUIRED):
        return False
    pool = httpcore.AsyncConnectionPool()
    return all(hasattr(pool, name) for name in REQUIRED_POOL_INSTANCE)


POOL_REPAIR_AVAILABLE: bool = _check()
if not POOL_REPAIR_AVAILABLE:  # pragma: no cover - depends on the installed httpcore
    logger.debug(
        "httpcore %s lacks the private pool attributes afilnet_async's pool repair uses; "
        "the repair is off",
        httpcore.__version__,
    )


async def release_leftovers(http: httpx.AsyncClient, request: httpx.Request) -> None:
    """Repair httpcore's pool after ``request`` failed or was cancelled (see the module doc).

    Requests are told apart by their ``extensions`` dict, which each attempt owns. Does
    nothing on transports other than httpx's default one, or when the repair is off.
    """
    if not POOL_REPAIR_AVAILABLE:
        return
    pool: Any = getattr(http._transport_for_url(request.url), "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        return
    requests, connections = pool._requests, pool._connections
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
