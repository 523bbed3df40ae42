"""The ``subaccount`` class (reseller API): sub-accounts and balance transfers.

A sub-account is an account of its own that logs in with its e-mail and password; it is not
a reseller. Only direct sub-accounts of the caller are found (ACCOUNT_NOT_FOUND otherwise).
"""

from __future__ import annotations

from typing import Any

from ..constants import MIN_SUBACCOUNT_PASSWORD, MIN_TRANSFER
from ..exceptions import ApiError
from ..shapes import Record, Records
from ..state import Account, login_key
from ..values import is_email, parse_amount
from ._context import Context, Method, NoResult
from ._profile import check_flags, read_profile

__all__ = ["METHODS"]

_DETAILS = ("namelastname", "iscompany", "documentid", "language", "countrycode", "cityid",
            "cityname", "zipcode", "address")  # fmt: skip
_ADD_REQUIRED = ("accountemail", "accountpassword", *_DETAILS)
_MODIFY_REQUIRED = ("accountemail", "modifypassword", *_DETAILS)


def _subaccount(ctx: Context) -> Account:
    found = ctx.account.subaccounts.get(login_key(ctx.get("accountemail")))
    if found is None:
        raise ApiError("ACCOUNT_NOT_FOUND")
    return found


def _check_password(password: str) -> None:
    if len(password) < MIN_SUBACCOUNT_PASSWORD:
        raise ApiError("INCORRECT_PASSWORD")


def addsubaccount(ctx: Context) -> type[NoResult]:
    """Create a sub-account (resellers only); an e-mail already in use is INCORRECT_EMAIL."""
    check_flags(ctx, ["iscompany"])
    if not ctx.account.reseller:
        raise ApiError("RESELLER_ACCOUNT_REQUIRED")
    profile = read_profile(ctx, _ADD_REQUIRED)
    email = ctx.get("accountemail").strip()
    if not is_email(email) or ctx.state.find(email) is not None:
        raise ApiError("INCORRECT_EMAIL")
    _check_password(ctx.get("accountpassword"))
    child = ctx.state.add_account(email, ctx.get("accountpassword"), parent=ctx.account)
    child.profile, child.language = profile, ctx.get("language")
    return NoResult


def modifysubaccount(ctx: Context) -> type[NoResult]:
    """Replace a sub-account's details; ``modifypassword=1`` also sets ``accountpassword``."""
    check_flags(ctx, ["iscompany", "modifypassword"])
    profile = read_profile(ctx, _MODIFY_REQUIRED)
    if not is_email(ctx.get("accountemail").strip()):
        raise ApiError("INCORRECT_EMAIL")
    child = _subaccount(ctx)
    change_password = ctx.get("modifypassword").strip() == "1"
    if change_password:
        _check_password(ctx.get("accountpassword"))
        child.password = ctx.get("accountpassword")
    child.profile, child.language = profile, ctx.get("language")
    return NoResult


def getsubaccounts(ctx: Context) -> list[dict[str, Any]]:
    """The caller's sub-accounts, oldest first."""
    return [child.as_subaccount_result() for child in ctx.account.subaccounts.values()]


def deletesubaccount(ctx: Context) -> type[NoResult]:
    """Delete a sub-account with its groups (its balance is discarded)."""
    ctx.state.remove_account(_subaccount(ctx))
    return NoResult


def transferbalance(ctx: Context) -> type[NoResult]:
    """Move balance to (positive) or from (negative) a sub-account."""
    child = _subaccount(ctx)
    amount = parse_amount(ctx.get("balancetotransfer"))
    if amount is None or abs(amount) < MIN_TRANSFER:
        raise ApiError("INCORRECT_MIN_BALANCE")
    source, target = (ctx.account, child) if amount > 0 else (child, ctx.account)
    if source.balance < abs(amount):
        raise ApiError("NOT_ENOUGH_BALANCE")
    source.balance = round(source.balance - abs(amount), 6)
    target.balance = round(target.balance + abs(amount), 6)
    return NoResult


_SUBACCOUNT = Record(numbers=frozenset({"cityid", "balance"}), flags=frozenset({"iscompany"}))

METHODS: dict[str, Method] = {
    "addsubaccount": Method(addsubaccount, mutating=True, reports_blank=frozenset(_ADD_REQUIRED)),
    "modifysubaccount": Method(
        modifysubaccount, mutating=True, reports_blank=frozenset(_MODIFY_REQUIRED)
    ),
    "getsubaccounts": Method(getsubaccounts, shape=Records(_SUBACCOUNT, key="accountemail")),
    "deletesubaccount": Method(deletesubaccount, mutating=True),
    "transferbalance": Method(transferbalance, mutating=True),
}
