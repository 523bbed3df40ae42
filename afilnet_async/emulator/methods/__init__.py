"""The 23 method handlers, keyed by (class, method), checked against the client's spec."""

from __future__ import annotations

from ...endpoints._specs import ALL
from ...spec import MethodSpec
from . import group, subaccount, user
from ._context import Context, Handler, Method, NoResult

__all__ = ["CLASSES", "HANDLERS", "SPECS", "Context", "Handler", "Method", "NoResult"]

#: The client's generated method table: the source of the compulsory parameters.
SPECS: dict[tuple[str, str], MethodSpec] = {(s.api_class, s.api_method): s for s in ALL}
CLASSES: frozenset[str] = frozenset(api_class for api_class, _ in SPECS)

_TABLES = {"user": user.METHODS, "subaccount": subaccount.METHODS, "group": group.METHODS}
HANDLERS: dict[tuple[str, str], Method] = {
    (api_class, name): method
    for api_class, table in _TABLES.items()
    for name, method in table.items()
}

if set(HANDLERS) != set(SPECS):  # pragma: no cover - a spec change without a handler
    raise ImportError(f"emulator handlers and the method spec differ: {set(HANDLERS) ^ set(SPECS)}")
