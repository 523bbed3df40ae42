"""What a method handler gets, and what the registry knows about each handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import ApiError
from ..state import Account, EmulatorState, Group
from ..values import parse_id

__all__ = ["Context", "Handler", "Method", "NoResult", "group_of"]


class NoResult:
    """Returned by handlers of methods the vendor documents as answering no values."""


@attrs.define
class Context:
    """One authenticated call: the world, the caller, its parameters, and what it stored."""

    state: EmulatorState
    account: Account
    params: Mapping[str, str]
    contacts_stored: int = 0

    def get(self, name: str) -> str:
        """The parameter's value ("" when absent)."""
        return self.params.get(name, "")

    def blank(self, name: str) -> bool:
        """Whether the parameter is absent or only whitespace."""
        return not self.get(name).strip()


Handler = Callable[[Context], Any]


@attrs.frozen
class Method:
    """A handler; whether success changes state; params whose blankness it reports itself."""

    handler: Handler
    mutating: bool = False
    reports_blank: frozenset[str] = frozenset()


def group_of(ctx: Context) -> Group:
    """The caller's group named by ``idgroup``; NOT_ACCESS_TO_GROUP for any other id."""
    group_id = parse_id(ctx.get("idgroup"))
    group = ctx.state.groups.get(group_id) if group_id is not None else None
    if group is None or group.owner is not ctx.account:
        raise ApiError("NOT_ACCESS_TO_GROUP")
    return group
