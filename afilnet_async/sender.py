"""What the endpoint namespaces and the bulk runners need from a client: the Sender protocol.

They depend on this small protocol, never on :class:`AfilnetClient` itself, so the same
generated code serves every client (and a test double).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .call import Call
from .spec import MethodSpec

__all__ = ["Sender"]


class Sender(Protocol):
    """Sends Afilnet calls for a namespace or a bulk runner."""

    async def invoke(self, spec: MethodSpec, arguments: Mapping[str, Any]) -> Any:
        """Validate ``arguments`` against ``spec``, send the call (retrying only what the
        retry policy allows for it), and return the result read into the spec's model."""
        ...

    async def send_once(self, call: Call) -> Any:
        """Send an already-encoded call exactly once and return its decoded ``result``; the
        caller decides on retries (the bulk runners reconcile instead)."""
        ...

    def payload_budget(self, call: Call) -> int | None:
        """Characters left for more parameter text in ``call`` under the auth strategy's size
        limit (the GET URL of QueryAuth), or ``None`` when there is no limit."""
        ...

    @property
    def pool_size(self) -> int | None:
        """Connections the client's pool may open at once, when the client made the pool."""
        ...

    @property
    def default_country(self) -> str | None:
        """The ISO alpha-2 country national mobile numbers belong to, if the client has one."""
        ...
