"""Result models for the answers the vendor documents (or the library can know).

One :mod:`cattrs` converter, configured once, structures answers leniently: Afilnet may send
numbers and booleans as strings ("1", "0"), so those are accepted. A result that does not fit
raises :class:`MalformedResponseError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import cattrs

from .errors import MalformedResponseError
from .spec import ResultName

__all__ = ["Address", "Channel", "CreatedGroup", "convert_result", "converter"]


@attrs.frozen
class Address:
    """An address of the account (``user.getaddresses``)."""

    id: int
    namelastname: str | None = None
    iscompany: bool | None = None
    companyname: str | None = None
    documentid: str | None = None
    countrycode: str | None = None
    cityid: int | None = None
    cityname: str | None = None
    zipcode: str | None = None
    address: str | None = None
    verified: bool | None = None
    addressverified: bool | None = None


@attrs.frozen
class Channel:
    """A channel of the account and whether it is active (``user.getchannels``)."""

    channelname: str
    active: bool
    channeltype: str | None = None


@attrs.frozen
class CreatedGroup:
    """What ``group.creategroup`` answered: the new group's id when the answer carries one."""

    idgroup: int | None
    raw: Any = attrs.field(default=None, eq=False)


_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off", ""}


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"not a boolean: {value!r}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"not an integer: {value!r}")


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"not a string: {value!r}")


converter = cattrs.Converter(forbid_extra_keys=False)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(str, _structure_str)


def _created_group(result: Any) -> CreatedGroup:
    candidate = result.get("idgroup", result.get("id")) if isinstance(result, dict) else result
    try:
        return CreatedGroup(idgroup=_structure_int(candidate, int), raw=result)
    except ValueError:
        return CreatedGroup(idgroup=None, raw=result)


_CONVERTERS: dict[ResultName, Callable[[Any], Any]] = {
    "raw": lambda result: result,
    "addresses": lambda result: converter.structure(result or [], list[Address]),
    "channels": lambda result: converter.structure(result or [], list[Channel]),
    "created_group": _created_group,
}


def convert_result(result_name: ResultName, result: Any, qualname: str) -> Any:
    """Structure a decoded ``result`` into the spec's model; a misfit is malformed."""
    try:
        return _CONVERTERS[result_name](result)
    except (cattrs.BaseValidationError, ValueError, TypeError, AttributeError) as exc:
        raise MalformedResponseError(
            f"{qualname} answered a result that does not fit the documented shape: "
            f"{type(exc).__name__}"
        ) from None
