"""The 23 method handlers, keyed by (class, method), checked against the client's spec."""

from __future__ import annotations

from ...spec import METHODS, MethodSpec
from . import group, subaccount, user
from ._context import Context, Handler, Method, NoResult

__all__ = ["CLASSES", "HANDLERS", "SPECS", "Context", "Handler", "Method", "NoResult"]

_TABLES = {"user": user.METHODS, "subaccount": subaccount.METHODS, "group": group.METHODS}
HANDLERS: dict[tuple[str, str], Method] = {
    (api_class, name): method
    for api_class, table in _TABLES.items()
    for name, method in table.items()
}
#: The library's method table (the source of the compulsory parameters), for the methods
#: this emulator serves.
SPECS: dict[tuple[str, str], MethodSpec] = {
    (s.api_class, s.api_method): s for s in METHODS if (s.api_class, s.api_method) in HANDLERS
}
CLASSES: frozenset[str] = frozenset(api_class for api_class, _ in SPECS)
