"""What a method handler gets, and what the registry knows about each handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..exceptions import ApiError
from ..settings import ServerSettings
from ..shapes import RAW, Shape
from ..state import Account, EmulatorState, Group, Message
from ..values import parse_id

__all__ = ["Context", "Handler", "Method", "NoResult", "group_of"]


class NoResult:
    """Returned by handlers of methods the vendor documents as answering no values."""


@attrs.define
class Context:
    """One authenticated call: the world, the caller, its parameters, and what it did.

    ``now`` is the emulator's clock at the call; ``sent`` collects the messages it sent.
    """

    state: EmulatorState
    account: Account
    params: Mapping[str, str]
    settings: ServerSettings = attrs.field(factory=ServerSettings)
    now: float = 0.0
    contacts_stored: int = 0
    sent: list[Message] = attrs.field(factory=list)

    def get(self, name: str) -> str:
        """The parameter's value ("" when absent)."""
        return self.params.get(name, "")

    def blank(self, name: str) -> bool:
        """Whether the parameter is absent or only whitespace."""
        return not self.get(name).strip()


Handler = Callable[[Context], Any]


@attrs.frozen
class Method:
    """A handler; whether success changes state; params whose blankness it reports itself;
    the shape of its result (how a dialect writes it)."""

    handler: Handler
    mutating: bool = False
    reports_blank: frozenset[str] = frozenset()
    shape: Shape = RAW


def group_of(ctx: Context) -> Group:
    """The caller's group named by ``idgroup``; NOT_ACCESS_TO_GROUP for any other id."""
    group_id = parse_id(ctx.get("idgroup"))
    group = ctx.state.groups.get(group_id) if group_id is not None else None
    if group is None or group.owner is not ctx.account:
        raise ApiError("NOT_ACCESS_TO_GROUP")
    return group
