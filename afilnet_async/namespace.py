"""The base of ``client.user``, ``client.subaccount`` and ``client.group``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import AfilnetClient

__all__ = ["Namespace"]


class Namespace:
    """A group of endpoint coroutines bound to one client."""

    __slots__ = ("_client",)

    def __init__(self, client: AfilnetClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"
