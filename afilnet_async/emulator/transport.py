"""The in-process transport: httpx talks to the emulator's ASGI app with no socket at all."""

from __future__ import annotations

import httpx

from .exceptions import ConnectionDropped

__all__ = ["EmulatorTransport"]


class EmulatorTransport(httpx.ASGITransport):
    """:class:`httpx.ASGITransport` whose injected dropped connections look like real ones.

    A drop surfaces as :class:`httpx.RemoteProtocolError`, as over a socket; any other
    exception of the app propagates unchanged (it is an emulator bug worth seeing).
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve ``request`` with the app."""
        try:
            return await super().handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError(
                "server disconnected without sending a complete answer", request=request
            ) from None
