"""The base of every blocking namespace (``client.user``, ``client.group``, ``client.sms``...)."""

from __future__ import annotations

from typing import Generic, TypeVar

from ..namespace import Namespace
from .portal import Portal

__all__ = ["BlockingNamespace"]

N = TypeVar("N", bound=Namespace)


class BlockingNamespace(Generic[N]):
    """The blocking face of one async namespace: each method runs the async one on the portal.

    ``_async`` is the async client's namespace of the same name (so mypy sees each method's
    own parameters and result through ``Portal.run``), ``_portal`` the client's event loop.
    """

    __slots__ = ("_async", "_portal")

    def __init__(self, namespace: N, portal: Portal) -> None:
        self._async = namespace
        self._portal = portal

    def __repr__(self) -> str:
        return f"<blocking {type(self).__name__} of {self._async._sender!r}>"
