"""The result models: plain, frozen attrs classes, one per kind of answer.

The models know nothing about answer shapes: :mod:`afilnet_async.readers` builds them from
whatever plausible shape Afilnet answered (see its module doc). Every model carries

- ``raw``: the part of the answer it was read from, exactly as decoded (``eq=False``), so
  fields the library does not name are never lost (``address.raw["somethingnew"]``);
- ``request_id``: the client-generated id of the call that returned it (``eq=False``, not in
  the repr), the same id as in that call's DEBUG log lines and in its exceptions.

Two models are equal when their read values are equal, however the answers were shaped.
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
    "DeliveryStatus",
    "GroupColumns",
    "SendResult",
    "Subaccount",
    "converter",
]


@attrs.frozen
class Address:
    """An address of the account (``user.getaddresses``), with the vendor's field names.

    ``id`` is None when the answer gives none. Flags are booleans, ``cityid`` an int, the rest
    text; a field the answer leaves out is None.
    """

    id: int | None = None
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
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Channel:
    """A channel of the account (``user.getchannels``) and whether it is active.

    ``active`` is None when the answer does not say (a bare list of channel names).
    """

    channelname: str
    active: bool | None = None
    channeltype: str | None = None
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Subaccount:
    """A sub-account of a reseller account (``subaccount.getsubaccounts``).

    ``accountemail`` is what the other sub-account methods take (read from ``accountemail``,
    else ``email``, ``user`` or ``login``); ``balance`` when the answer has one; ``fields``
    every field of the answer as text (ids and ``accountemail`` included), since the vendor
    does not document them.
    """

    accountemail: str | None
    balance: Decimal | None
    fields: Mapping[str, str]
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class CreatedGroup:
    """What ``group.creategroup`` answered: the new group's id when the answer carries one."""

    idgroup: int | None
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Balance:
    """The account balance (``user.getbalance``), exact (a :class:`~decimal.Decimal`)."""

    balance: Decimal
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Contact:
    """A contact of a group: its id (when the answer has one) and its other fields as text.

    ``fields`` holds every key but the contact's id, values as text: numbers without a
    spurious ``.0`` (``34600000000``), booleans ``"1"``/``"0"`` (as the library sends them),
    null as ``""``.
    """

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


@attrs.frozen
class SendResult:
    """What a send answered (``sms.sendsms``, ``email.sendemailtogroup``, ...).

    ``messageids`` holds every message id the answer carries, in order (a group send may
    answer several); ``messageid`` is the id when there is exactly one, else None. ``credits``
    is what the send cost when the answer says (summed over the messages of a group send).
    Whatever the answer's shape, a send answered with success returns a ``SendResult``: the
    message was accepted, so an unreadable detail is None rather than an exception.
    """

    messageid: str | None
    credits: Decimal | None
    messageids: tuple[str, ...] = ()
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class DeliveryStatus:
    """The delivery status of one message (``sms.getdeliverystatus`` and the like).

    ``status`` is the text Afilnet sent (numbers as text), not interpreted: no answer of this
    method has been published, so the library does not guess what its values mean.
    """

    messageid: str | None
    status: str | None
    raw: Any = attrs.field(default=None, eq=False)
    request_id: str | None = attrs.field(default=None, eq=False, repr=False)


#: Turns models into plain data (the ``afilnet`` command's output); reading answers is
#: :mod:`afilnet_async.readers`' job.
converter = cattrs.Converter()
