"""The ``user`` class: balance, addresses, channels."""

from __future__ import annotations

from typing import Any

from ..shapes import BALANCE, Record, Records
from ..state import Address
from ..values import parse_flag, parse_id
from ._context import Context, Method, NoResult
from ._profile import check_flags, read_profile

__all__ = ["METHODS"]


def getbalance(ctx: Context) -> float:
    """The balance (a dialect writes it bare or in an object)."""
    return ctx.account.balance


def addaddress(ctx: Context) -> type[NoResult]:
    """Store a new (unverified) address."""
    check_flags(ctx, ["iscompany"])
    profile = read_profile(ctx)
    address_id = ctx.state.next_id()
    ctx.account.addresses[address_id] = Address(address_id, profile)
    return NoResult


def deleteaddress(ctx: Context) -> type[NoResult]:
    """Delete one of the caller's addresses; an id naming none of them is a no-op."""
    address_id = parse_id(ctx.get("idaddress"))
    if address_id is not None:
        ctx.account.addresses.pop(address_id, None)
    return NoResult


def getaddresses(ctx: Context) -> list[dict[str, Any]]:
    """The caller's addresses, oldest first."""
    return [address.as_result() for address in ctx.account.addresses.values()]


def getchannels(ctx: Context) -> list[dict[str, Any]]:
    """The caller's channels."""
    return [channel.as_result() for channel in ctx.account.channels.values()]


def modifychannel(ctx: Context) -> type[NoResult]:
    """Enable or disable a channel by name; an unknown name is a no-op."""
    active = parse_flag(ctx.get("active"))
    channel = ctx.account.channels.get(ctx.get("channelname").strip())
    if channel is not None:
        channel.active = active
    return NoResult


_ADDRESS = Record(
    numbers=frozenset({"id", "cityid"}),
    flags=frozenset({"iscompany", "verified", "addressverified"}),
)
_CHANNEL = Record(flags=frozenset({"active"}))

METHODS: dict[str, Method] = {
    "getbalance": Method(getbalance, shape=BALANCE),
    "addaddress": Method(
        addaddress, mutating=True, reports_blank=frozenset({"countrycode", "cityid", "cityname"})
    ),
    "deleteaddress": Method(deleteaddress, mutating=True),
    "getaddresses": Method(getaddresses, shape=Records(_ADDRESS, key="id")),
    "getchannels": Method(getchannels, shape=Records(_CHANNEL)),
    "modifychannel": Method(modifychannel, mutating=True),
}
