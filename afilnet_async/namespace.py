"""The base of every client namespace (``client.user``, ``client.group``, ``client.sms``...)."""

from __future__ import annotations

from .sender import Sender

__all__ = ["Namespace"]


class Namespace:
    """A group of endpoint coroutines bound to one :class:`Sender`."""

    __slots__ = ("_sender",)

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._sender!r}>"
