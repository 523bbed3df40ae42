"""One API call from credentials to outcome, in the documented error precedence.

MISSING_USER, MISSING_PASSWORD, INCORRECT_USER_PASSWORD (see :func:`authenticate`), then
MISSING_CLASS, MISSING_METHOD, INCORRECT_CLASS, INCORRECT_METHOD, MISSING_COMPULSORY_PARAM
(see :func:`execute`), then the method's own codes. Synchronous on purpose: nothing awaits
between reading and writing the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .exceptions import ApiError
from .methods import CLASSES, HANDLERS, SPECS, Context, NoResult
from .settings import ServerSettings
from .shapes import Shape
from .state import Account, EmulatorState, Message

__all__ = ["NotServed", "Outcome", "authenticate", "execute"]


class NotServed(Exception):
    """The spec lists the method but the emulator has no handler for it (answered 501)."""

    def __init__(self, qualname: str) -> None:
        super().__init__(qualname)
        self.qualname = qualname


@attrs.frozen
class Outcome:
    """A successful call: its result (or none) and its shape, whether it changed state, and
    what it stored and sent."""

    qualname: str
    result: Any
    has_result: bool
    mutating: bool
    shape: Shape
    contacts_stored: int = 0
    sent: tuple[Message, ...] = ()


def authenticate(state: EmulatorState, user: str | None, password: str | None) -> Account:
    """The account these credentials open; a blank user or an empty password is missing."""
    if user is None or not user.strip():
        raise ApiError("MISSING_USER")
    if not password:
        raise ApiError("MISSING_PASSWORD")
    account = state.authenticate(user, password)
    if account is None:
        raise ApiError("INCORRECT_USER_PASSWORD")
    return account


def execute(
    state: EmulatorState,
    account: Account,
    fields: Mapping[str, str],
    settings: ServerSettings | None = None,
    now: float = 0.0,
) -> Outcome:
    """Route ``fields`` (class, method, parameters) to its handler; ApiError on refusal.

    Class and method names match exactly (the documented lower case). A compulsory parameter
    that is absent or blank is MISSING_COMPULSORY_PARAM, unless the method reports that
    parameter's blankness with its own code (EMPTY_COUNTRYCODE, EMPTY_CITY, EMPTY_FIELDS).
    A spec method without a handler raises :class:`NotServed`.
    """
    api_class, api_method = fields.get("class", ""), fields.get("method", "")
    if not api_class.strip():
        raise ApiError("MISSING_CLASS")
    if not api_method.strip():
        raise ApiError("MISSING_METHOD")
    if api_class not in CLASSES:
        raise ApiError("INCORRECT_CLASS")
    key = (api_class, api_method)
    spec = SPECS.get(key)
    if spec is None:
        raise ApiError("INCORRECT_METHOD")
    method = HANDLERS.get(key)
    if method is None:
        raise NotServed(spec.qualname)
    params = {k: v for k, v in fields.items() if k not in ("class", "method")}
    for param in spec.params:
        if param.optional:
            continue
        value = params.get(param.name)
        if value is None or (not value.strip() and param.name not in method.reports_blank):
            raise ApiError("MISSING_COMPULSORY_PARAM")
    ctx = Context(state, account, params, settings or ServerSettings(), now)
    result = method.handler(ctx)
    return Outcome(
        qualname=spec.qualname,
        result=None if result is NoResult else result,
        has_result=result is not NoResult,
        mutating=method.mutating,
        shape=method.shape,
        contacts_stored=ctx.contacts_stored,
        sent=tuple(ctx.sent),
    )
