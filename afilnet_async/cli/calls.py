"""``afilnet call``: key=value arguments, checked against the spec before anything is sent."""

from __future__ import annotations

import click

from ..spec import by_qualname

__all__ = ["check_call", "parse_assignments"]


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message, click.get_current_context(silent=True))


def parse_assignments(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("idgroup=12", "name=Ann")`` -> ``{"idgroup": "12", "name": "Ann"}`` (the first ``=``
    splits; values stay text). A malformed pair is a usage error (exit 2)."""
    parsed: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise _usage(f"expected key=value, got {pair!r}")
        if key in parsed:
            raise _usage(f"{key!r} given twice")
        parsed[key] = value
    return parsed


_UNCHECKED_HINT = "--unchecked sends it anyway"


def check_call(api_class: str, api_method: str, arguments: dict[str, str]) -> dict[str, str]:
    """The arguments of a known method under their wire names (``from_`` -> ``from``).

    A usage error (exit 2) for an unknown method, a parameter the method does not take, or a
    compulsory one missing (``group.getcontacts needs idgroup``).
    """
    qualname = f"{api_class}.{api_method}"
    spec = by_qualname.get(qualname)
    if spec is None:
        raise _usage(f"unknown method {qualname}: `afilnet methods` lists them ({_UNCHECKED_HINT})")
    wire = {p.python_name: p.name for p in spec.params if p.python_name != p.name}
    named = {wire.get(key, key): value for key, value in arguments.items()}
    known = [p.name for p in spec.params]
    unknown = [key for key in named if key not in known]
    if unknown:
        takes = f"it takes {', '.join(known)}" if known else "it takes none"
        listed = ", ".join(repr(key) for key in unknown)
        noun = "parameter" if len(unknown) == 1 else "parameters"
        raise _usage(f"{qualname} has no {noun} {listed}: {takes} ({_UNCHECKED_HINT})")
    missing = [p.name for p in spec.params if not p.optional and p.name not in named]
    if missing:
        raise _usage(f"{qualname} needs {', '.join(missing)} ({_UNCHECKED_HINT})")
    return named
