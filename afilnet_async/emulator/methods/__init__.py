"""The method handlers, keyed by (class, method), beside the library's spec of the methods.

Each Afilnet class of the spec has a module here named after it (``sms.py`` for ``sms``)
whose ``METHODS`` table maps method names to handlers. The emulator serves what it has
handlers for. A method the spec lists without a handler is answered HTTP 501 naming it, and
:func:`missing_handlers` lists it (a test keeps that list empty); a handler the spec does not
list is never reached (INCORRECT_METHOD). Adding a method takes one spec entry, one handler in
its class's table, regenerated endpoints (a new class: a new module here).
"""

from __future__ import annotations

import importlib

from afilnet_async.spec import METHODS, NAMESPACES, MethodSpec

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


def _table(api_class: str) -> dict[str, Method]:
    """The ``METHODS`` table of the module named after ``api_class`` ({} if there is none)."""
    try:
        module = importlib.import_module(f"{__name__}.{api_class}")
    except ModuleNotFoundError as missing:
        if missing.name != f"{__name__}.{api_class}":
            raise
        return {}
    table: dict[str, Method] = module.METHODS
    return table


_TABLES = {namespace.api_class: _table(namespace.api_class) for namespace in NAMESPACES}
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
