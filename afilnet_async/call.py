"""A call on its way to the wire: Afilnet class, method and wire-encoded parameters."""

from __future__ import annotations

import attrs

__all__ = ["Call"]


@attrs.frozen
class Call:
    """Plain data handed to an auth strategy; ``params`` are already wire strings."""

    api_class: str
    api_method: str
    params: dict[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def qualname(self) -> str:
        """``class.method``, as Afilnet names it."""
        return f"{self.api_class}.{self.api_method}"
