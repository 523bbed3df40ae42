"""Result models for the answers the vendor documents (or the library can know).

One :mod:`cattrs` converter, configured once, structures answers leniently: Afilnet may send
numbers and booleans as strings ("1", "0"), so those are accepted. A result that does not fit
raises :class:`MalformedResponseError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
import cattrs

__all__ = [
    "Address",
    "Balance",
    "Channel",
    "Contact",
    "CreatedGroup",
    "GroupColumns",
    "converter",
    "structure_int",
]


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


@attrs.frozen
class Balance:
    """The account balance (``user.getbalance``), and the answer it was read from."""

    balance: Decimal
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Contact:
    """A contact of a group: its id (when the answer has one) and its fields as text."""

    idcontact: int | None
    fields: Mapping[str, str]
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class GroupColumns:
    """A group's field names (``group.getgroupcolumns``) and its type when the answer says.

    Iterating, ``in`` and ``len`` work on the names.
    """

    columns: tuple[str, ...]
    group_type: str | None = None
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(self.columns)


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


def structure_int(value: Any, _: type) -> int:
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
converter.register_structure_hook(int, structure_int)
converter.register_structure_hook(str, _structure_str)
