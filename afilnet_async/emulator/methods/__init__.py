"""The method handlers, keyed by (class, method), beside the library's spec of the methods.

The emulator serves what it has handlers for. A method the spec lists without a handler here
is answered HTTP 501 naming it, and :func:`missing_handlers` lists it (a test keeps that list
empty); a handler the spec does not list is never reached (INCORRECT_METHOD). Adding a method
takes one spec entry, one handler in its class's ``METHODS`` table, regenerated endpoints.
"""

from __future__ import annotations

from afilnet_async.spec import METHODS, NAMESPACES, MethodSpec

from . import email, group, sms, subaccount, user, voice, whatsapp
from ._context import Context, Handler, Method, NoResult

__all__ = [
    "CLASSES",
    "HANDLERS",
    "SPECS",
    "Context",
    "Handler",
    "Method",
    "NoResult",
    "missing_handlers",
    "unspecified_handlers",
]

_TABLES: dict[str, dict[str, Method]] = {
    "user": user.METHODS,
    "subaccount": subaccount.METHODS,
    "group": group.METHODS,
    "sms": sms.METHODS,
    "email": email.METHODS,
    "voice": voice.METHODS,
    "whatsapp": whatsapp.METHODS,
}
HANDLERS: dict[tuple[str, str], Method] = {
    (api_class, name): method
    for api_class, table in _TABLES.items()
    for name, method in table.items()
}
#: The library's method table (the source of the compulsory parameters), every method.
SPECS: dict[tuple[str, str], MethodSpec] = {(s.api_class, s.api_method): s for s in METHODS}
#: The Afilnet classes the spec knows (any other is INCORRECT_CLASS).
CLASSES: frozenset[str] = frozenset(namespace.api_class for namespace in NAMESPACES)


def missing_handlers() -> list[str]:
    """The spec's methods (``class.method``) this emulator has no handler for, in spec order."""
    return [spec.qualname for key, spec in SPECS.items() if key not in HANDLERS]


def unspecified_handlers() -> list[str]:
    """Handlers for methods the spec does not list (never reached), sorted."""
    return sorted(f"{c}.{m}" for c, m in HANDLERS if (c, m) not in SPECS)
