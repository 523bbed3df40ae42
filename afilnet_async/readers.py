"""Reading each method's ``result`` into its model: the one place that knows answer shapes.

The vendor documents few answer shapes (the address and channel lists, by field name only), so
each reader accepts every plausible spelling of its answer and fails only on what fits none.
:data:`READERS` maps the spec's ``result`` names to a :class:`ResultReader`: the function, what
it reads (for error messages) and how the generated endpoints name its type.

Readings shared by the list readers (addresses, channels, sub-accounts, contacts, delivery
statuses):

- a JSON array of items;
- an object wrapping it: under the reader's own key (``contacts``, ``addresses``, ...) or a
  generic one (``list``, ``data``, ``items``, ``results``, ``result``, ``rows``, ``records``),
  or under the only key whose value is an array; at most two wrappers deep;
- an object keyed by ids (a PHP associative array): its values in the order they came, each
  key filling the item's id when the item has none. An object with a key ``"0"`` is a PHP
  array of positions, not ids: its keys are dropped;
- a single item where a list is expected (one item);
- ``null``, ``""``, ``[]`` and ``{}``: no items.

Records: numbers and booleans may come as text (``"12"``, ``"1"``, ``"true"``, ``"yes"``);
ids as ``12``, ``"12"`` or ``12.0``; a field left out (or null, or PHP's ``false``) is None; a
known field that cannot be read (an id ``"seventeen"``) is a misfit; fields the library does
not name stay in each model's ``raw``.

A misfit raises :class:`MalformedResponseError` naming the method, what was expected and the
JSON type seen (an object's keys, when they look like field names; never a value, which may be
a contact's phone number), and carrying the call's ``request_id``. The readers raise nothing
else, whatever JSON they are given.

Two readers never refuse a result: the sends' and ``creategroup``'s. Their call was applied
(the message accepted, the group created), so an exception would invite the caller to do it
again; what cannot be read is None, and the answer is in ``raw``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, Generic, Literal, TypeVar

import attrs

from .errors import MalformedResponseError
from .models import (
    Address,
    Balance,
    Channel,
    Contact,
    CreatedGroup,
    DeliveryStatus,
    GroupColumns,
    SendResult,
    Subaccount,
)

__all__ = ["READERS", "ResultReader", "describe", "read_result"]

T = TypeVar("T")


@attrs.frozen
class ResultReader(Generic[T]):
    """How to read one kind of result, and the type the generated endpoints declare for it.

    ``read(result, request_id)`` returns the model; ``what`` names what it reads in error
    messages ("a contact list"); ``annotation`` and ``models`` are what tools/generate.py
    writes into the endpoints (``"list[Contact]"``, ``("Contact",)``).
    """

    read: Callable[[Any, str | None], T]
    annotation: str = "Any"
    models: tuple[str, ...] = ()
    what: str = "the result"


class _Misfit(ValueError):
    """A result, or a part of it, that fits no reading; ``where`` names the part, no value."""

    def __init__(self, where: str = "") -> None:
        super().__init__(where)
        self.where = where


# --- describing what came, without its values ------------------------------------------------

#: Keys shown in error messages: ones that look like field names (ids, phone numbers and
#: e-mail addresses used as keys are counted, not shown).
_NAME_LIKE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,31}")
_SHOWN_KEYS: Final = 8


def describe(value: Any) -> str:
    """The JSON type of ``value`` and, for an object, up to 8 of its keys: never a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string" if value else "empty string"
    if isinstance(value, list):
        if not value:
            return "empty array"
        return f"array of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        if not value:
            return "empty object"
        shown = [k for k in value if isinstance(k, str) and _NAME_LIKE.fullmatch(k)]
        shown = shown[:_SHOWN_KEYS]
        more = len(value) - len(shown)
        if not shown:
            return f"object with {len(value)} key{'' if len(value) == 1 else 's'}"
        return f"object with keys: {', '.join(shown)}" + (f" and {more} more" if more else "")
    return type(value).__name__


# --- scalars ---------------------------------------------------------------------------------

_INT_TEXT: Final = re.compile(r"([+-]?[0-9]{1,40})(?:\.0*)?")
_TRUE: Final = frozenset({"1", "true", "yes", "y", "on", "si", "sí", "enabled", "active"})
_FALSE: Final = frozenset({"0", "false", "no", "n", "off", "", "disabled", "inactive"})


def _absent(value: Any) -> bool:
    """Null, ``""`` or PHP's ``false``: a field that says nothing."""
    return value is None or value is False or (value.__class__ is str and not value.strip())


def _number_text(value: int | float) -> str:
    """A number as text, without a spurious ``.0`` (``34600000000.0`` -> ``34600000000``)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    try:
        return str(value)
    except ValueError:  # beyond Python's digit limit for int -> str: no id or field is
        raise _Misfit("a number too large to read") from None


def _as_int(value: Any, name: str) -> int | None:
    """An int from ``12``, ``"12"``, ``12.0``, ``"12.0"``; None when absent."""
    if _absent(value):
        return None
    if isinstance(value, bool):
        raise _Misfit(f"{name} is not an integer (boolean)")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (match := _INT_TEXT.fullmatch(value.strip())):
        return int(match.group(1))
    raise _Misfit(f"{name} is not an integer ({describe(value)})")


def _as_flag(value: Any, name: str) -> bool | None:
    """A boolean from ``true``, ``1``, ``"1"``, ``"yes"``, ``"enabled"``...; None when null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Misfit(f"{name} is not a boolean ({describe(value)})")


def _as_text(value: Any, name: str) -> str | None:
    """Text as it came; numbers as text; None when null (or PHP's ``false``)."""
    if value.__class__ is str:
        return str(value)
    if value is None or value is False:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, str):
        return str(value)
    raise _Misfit(f"{name} is not text ({describe(value)})")


def _field_text(value: Any) -> str:
    """Any JSON value as a contact's field text: null ``""``, booleans ``"1"``/``"0"``,
    numbers without ``.0``, nested values as compact JSON."""
    if value.__class__ is str:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, str):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        raise _Misfit(f"a field that is not plain data ({describe(value)})") from None


def _id_text(value: Any, name: str) -> str | None:
    """A message id as text (``"1001"`` from ``1001``, ``1001.0`` or ``" 1001 "``)."""
    if isinstance(value, str):
        return value.strip() or None
    if value is None or value is False:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    raise _Misfit(f"{name} is not an id ({describe(value)})")


# --- amounts -----------------------------------------------------------------------------------

_PLAIN_AMOUNT: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,4})?")
_DOT_THOUSANDS: Final = re.compile(
    r"[1-9][0-9]{0,2}(?P<t>[. ])[0-9]{3}(?:(?P=t)[0-9]{3})*(?:,[0-9]+)?"
)
_COMMA_THOUSANDS: Final = re.compile(
    r"[1-9][0-9]{0,2}(?P<t>[, ])[0-9]{3}(?:(?P=t)[0-9]{3})*(?:\.[0-9]+)?"
)
_DECIMAL_COMMA: Final = re.compile(r"[0-9]+,[0-9]+")
_UNIT: Final = re.compile(r"(?i)(?:^\s*€\s*)|(?:\s*(?:credits?|cr[eé]ditos?|euros?|eur|€)\s*$)")
_SPACES: Final = re.compile(r"[\u00a0\u202f\u2009]")


def _parse_amount(text: str) -> Decimal:
    """An amount written by a machine or a person (the rules are in the README):

    ``"12.5"``, ``"-3"``, ``"1.5E-5"``; a single ``.`` is a decimal point (``"1.000"`` is
    one). Grouped thousands: ``"1.000,50"`` and ``"1 000,50"`` (Spanish), ``"1,000.50"``
    (English), ``"1,000,000"``; a decimal comma: ``"12,5"``, ``"0,055"``. One comma followed
    by exactly three digits (``"1,000"``) reads two ways, a thousand or one: a misfit. A unit
    may follow (``"42 credits"``, ``"12,50 €"``, ``"5 créditos"``).
    """
    body = _SPACES.sub(" ", _UNIT.sub("", text)).strip()
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[:1], body[1:].lstrip()
    if _PLAIN_AMOUNT.fullmatch(body):
        readings = {body}
    else:
        readings = set()
        if _DOT_THOUSANDS.fullmatch(body):
            readings.add(body.replace(".", "").replace(" ", "").replace(",", "."))
        if _COMMA_THOUSANDS.fullmatch(body):
            readings.add(body.replace(",", "").replace(" ", ""))
        if _DECIMAL_COMMA.fullmatch(body):
            readings.add(body.replace(",", "."))
    values = {Decimal(sign + reading) for reading in readings}
    if len(values) > 1:
        raise _Misfit("ambiguous: thousands or decimals")
    if not values:
        raise _Misfit("not a number")
    (value,) = values
    if not value.is_finite():
        raise _Misfit("not a finite number")
    return value


def _as_decimal(value: Any, name: str) -> Decimal:
    """An exact amount from a number or a numeric text (see :func:`_parse_amount`)."""
    if isinstance(value, bool):
        raise _Misfit(f"{name} is not a number (boolean)")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Misfit(f"{name} is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return _parse_amount(value)
        except _Misfit as misfit:
            raise _Misfit(f"{name} is {misfit.where} (string)") from None
    raise _Misfit(f"{name} is not a number ({describe(value)})")


def _amount_or_none(value: Any) -> Decimal | None:
    try:
        return _as_decimal(value, "amount")
    except _Misfit:
        return None


# --- finding the items of a list -------------------------------------------------------------

_GENERIC_WRAPPERS: Final = ("list", "data", "items", "results", "result", "rows", "records")
_WRAPPER_DEPTH: Final = 2
_DIGITS: Final = re.compile(r"[0-9]+")
Kind = Literal["list", "keyed", "single"]


@attrs.frozen
class _ListShape:
    """What a list reader needs to tell its readings apart."""

    #: its own wrapper keys, tried before the generic ones
    wrappers: tuple[str, ...]
    #: keys that mark an object as one item rather than a wrapper or a keyed object
    item_keys: frozenset[str]
    #: a keyed object may map keys to bare values (channel name -> active)
    scalar_entries: bool = False
    #: an object with none of ``item_keys`` and no nested objects is still one item
    any_object_is_item: bool = False


def _is_item(value: Mapping[str, Any], keys: frozenset[str]) -> bool:
    """Whether an object is one item: it holds one of the item's keys with a plain value."""
    return any(key in value and not isinstance(value[key], list | dict) for key in keys)


def _entries(value: Any, shape: _ListShape, depth: int = 0) -> tuple[Kind, list[Any], list[Any]]:
    """The items of a list-like result: (kind, keys or [], values)."""
    if value.__class__ is list:
        return "list", [], value
    if value is None or value == "":
        return "list", [], []
    if not isinstance(value, dict):
        if isinstance(value, list):
            return "list", [], value
        raise _Misfit()
    if not value:
        return "list", [], []
    if depth < _WRAPPER_DEPTH:  # {"contacts": [...], "id": 1000}: the reader's own key first
        for key in shape.wrappers:
            inner = value.get(key)
            if isinstance(inner, list | dict):
                return _entries(inner, shape, depth + 1)
    if _is_item(value, shape.item_keys):
        return "single", [], [value]
    if depth < _WRAPPER_DEPTH:
        for key in _GENERIC_WRAPPERS:
            inner = value.get(key, False)
            if inner is None or inner == "" or isinstance(inner, list | dict):
                return _entries(inner, shape, depth + 1)
        arrays = [inner for inner in value.values() if isinstance(inner, list)]
        if len(arrays) == 1:
            return _entries(arrays[0], shape, depth + 1)
        if arrays:
            raise _Misfit("several arrays, none under a known key")
    if shape.scalar_entries or any(isinstance(inner, dict) for inner in value.values()):
        if "0" in value:  # PHP positions, not ids
            return "list", [], list(value.values())
        return "keyed", list(value), list(value.values())
    if shape.any_object_is_item:
        return "single", [], [value]
    raise _Misfit()


def _key_id(key: str | None) -> int | None:
    """An id from an id-keyed object's key, when the key is one."""
    if key is None or not _DIGITS.fullmatch(key) or len(key) > 40:
        return None
    return int(key)


def _read_list(
    shape: _ListShape,
    read_item: Callable[[str | None, Any, str | None], T],
    result: Any,
    request_id: str | None,
) -> list[T]:
    kind, keys, values = _entries(result, shape)
    out: list[T] = []
    try:
        if kind == "keyed":
            for key, item in zip(keys, values, strict=True):
                out.append(read_item(key, item, request_id))
        else:
            for item in values:
                out.append(read_item(None, item, request_id))
    except _Misfit as misfit:
        if kind == "single":
            raise
        raise _Misfit(
            f"{'item' if kind == 'list' else 'entry'} {len(out)}: {misfit.where}"
        ) from None
    return out


def _first(item: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first of ``names`` that ``item`` holds with a value (not null, ``""`` or false)."""
    for name in names:
        if name in item and not _absent(item[name]):
            return name, item[name]
    return None


def _first_flag(item: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first of ``names`` that ``item`` holds with a flag: ``false`` and ``""`` are
    values here (False), only null says nothing."""
    for name in names:
        if item.get(name) is not None:
            return name, item[name]
    return None


def _object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _Misfit(f"not an object ({describe(item)})")
    return item


# --- contacts --------------------------------------------------------------------------------

_CONTACT_IDS: Final = ("idcontact", "id_contact", "contactid", "contact_id", "id")
_CONTACTS: Final = _ListShape(
    wrappers=("contacts", "contact"),
    item_keys=frozenset({*_CONTACT_IDS, "mobile", "email"}),
    any_object_is_item=True,
)


def _contact_item(key: str | None, item: Any, request_id: str | None) -> Contact:
    if item.__class__ is not dict:
        item = _object(item)
    fields = {k: v if v.__class__ is str else _field_text(v) for k, v in item.items()}
    idcontact = None
    for name in _CONTACT_IDS:
        if name in fields:
            del fields[name]
            if idcontact is None:
                idcontact = _as_int(item[name], name)
    if idcontact is None:
        idcontact = _key_id(key)
    return Contact(idcontact, fields, item, request_id)


def _contacts(result: Any, request_id: str | None) -> list[Contact]:
    if result.__class__ is list:  # the common case, kept short: a plain list of objects
        out = []
        for index, item in enumerate(result):
            try:
                out.append(_contact_item(None, item, request_id))
            except _Misfit as misfit:
                raise _Misfit(f"item {index}: {misfit.where}") from None
        return out
    return _read_list(_CONTACTS, _contact_item, result, request_id)


def _contact(result: Any, request_id: str | None) -> Contact:
    contacts = _read_list(_CONTACTS, _contact_item, result, request_id)
    if len(contacts) != 1:
        raise _Misfit("no contact" if not contacts else f"{len(contacts)} contacts")
    return contacts[0]


# --- addresses -------------------------------------------------------------------------------

_ADDRESS_IDS: Final = ("id", "idaddress", "addressid", "id_address", "address_id")
_ADDRESS_TEXT: Final = (
    "namelastname", "companyname", "documentid", "countrycode", "cityname", "zipcode", "address",
)  # fmt: skip
_ADDRESS_FLAGS: Final = ("iscompany", "verified", "addressverified")
_ADDRESSES: Final = _ListShape(
    wrappers=("addresses",),
    item_keys=frozenset({*_ADDRESS_IDS, *_ADDRESS_TEXT, *_ADDRESS_FLAGS, "cityid"}),
)


def _address_item(key: str | None, item: Any, request_id: str | None) -> Address:
    item = _object(item)
    found = _first(item, _ADDRESS_IDS)
    identifier = _as_int(found[1], found[0]) if found else _key_id(key)
    values: dict[str, Any] = {name: _as_text(item.get(name), name) for name in _ADDRESS_TEXT}
    values |= {name: _as_flag(item.get(name), name) for name in _ADDRESS_FLAGS}
    values["cityid"] = _as_int(item.get("cityid"), "cityid")
    return Address(id=identifier, **values, raw=item, request_id=request_id)


def _addresses(result: Any, request_id: str | None) -> list[Address]:
    return _read_list(_ADDRESSES, _address_item, result, request_id)


# --- channels --------------------------------------------------------------------------------

_CHANNEL_NAMES: Final = ("channelname", "name", "channel")
_CHANNEL_ACTIVE: Final = ("active", "enabled", "isactive")
_CHANNEL_TYPES: Final = ("channeltype", "type")
_CHANNELS: Final = _ListShape(
    wrappers=("channels",),
    item_keys=frozenset({*_CHANNEL_NAMES, *_CHANNEL_ACTIVE, "channeltype"}),
    scalar_entries=True,
)


def _channel_item(key: str | None, item: Any, request_id: str | None) -> Channel:
    if isinstance(item, dict):
        found = _first(item, _CHANNEL_NAMES)
        name = _as_text(found[1], found[0]) if found else key
        if not name:
            raise _Misfit(f"a channel without a name ({describe(item)})")
        active = _first_flag(item, _CHANNEL_ACTIVE)
        kind = _first(item, _CHANNEL_TYPES)
        return Channel(
            channelname=name,
            active=_as_flag(active[1], active[0]) if active else None,
            channeltype=_as_text(kind[1], kind[0]) if kind else None,
            raw=item,
            request_id=request_id,
        )
    if key is not None:  # {"sms": 1, "email": "0"}: name -> active
        return Channel(key, _as_flag(item, "active"), raw=item, request_id=request_id)
    if isinstance(item, str) and item.strip():  # ["sms", "email"]: names only
        return Channel(item.strip(), None, raw=item, request_id=request_id)
    raise _Misfit(f"not a channel ({describe(item)})")


def _channels(result: Any, request_id: str | None) -> list[Channel]:
    return _read_list(_CHANNELS, _channel_item, result, request_id)


# --- sub-accounts ----------------------------------------------------------------------------

_ACCOUNT_NAMES: Final = ("accountemail", "email", "user", "login")
_BALANCE_KEYS: Final = ("balance", "credits", "credit", "saldo", "amount")
_SUBACCOUNTS: Final = _ListShape(
    wrappers=("subaccounts", "accounts"),
    item_keys=frozenset({*_ACCOUNT_NAMES, *_BALANCE_KEYS, "idsubaccount", "id"}),
    scalar_entries=True,
)


def _subaccount_item(key: str | None, item: Any, request_id: str | None) -> Subaccount:
    named = key is not None and _key_id(key) is None  # keyed by e-mail, not by id
    if isinstance(item, dict):
        found = _first(item, _ACCOUNT_NAMES)
        email = _as_text(found[1], found[0]) if found else key if named else None
        amount = _first(item, _BALANCE_KEYS)
        balance = _as_decimal(amount[1], amount[0]) if amount else None
        fields = {k: _field_text(v) for k, v in item.items()}
        return Subaccount(email, balance, fields, raw=item, request_id=request_id)
    if isinstance(item, str) and item.strip() and _amount_or_none(item) is None:
        return Subaccount(item.strip(), None, {}, raw=item, request_id=request_id)  # an e-mail
    if named and isinstance(item, int | float | str):  # {"a@example.com": 12.5}
        return Subaccount(key, _as_decimal(item, "balance"), {}, raw=item, request_id=request_id)
    raise _Misfit(f"not a sub-account ({describe(item)})")


def _subaccounts(result: Any, request_id: str | None) -> list[Subaccount]:
    return _read_list(_SUBACCOUNTS, _subaccount_item, result, request_id)


# --- delivery statuses -----------------------------------------------------------------------

_MESSAGE_IDS: Final = ("messageid", "idmessage", "message_id", "id", "message")
_STATUSES: Final = ("status", "deliverystatus", "delivery_status", "state")
_DELIVERY: Final = _ListShape(
    wrappers=("statuses", "deliverystatus", "messages"),
    item_keys=frozenset({*_MESSAGE_IDS, *_STATUSES}),
    scalar_entries=True,
)


def _status_item(key: str | None, item: Any, request_id: str | None) -> DeliveryStatus:
    if isinstance(item, dict):
        found = _first(item, _MESSAGE_IDS)
        messageid = _id_text(found[1], found[0]) if found else key
        status = _first(item, _STATUSES)
        text = _as_text(status[1], status[0]) if status else None
        return DeliveryStatus(messageid, text, raw=item, request_id=request_id)
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        return DeliveryStatus(key, _as_text(item, "status"), raw=item, request_id=request_id)
    if item is None and key is not None:
        return DeliveryStatus(key, None, raw=item, request_id=request_id)
    raise _Misfit(f"not a delivery status ({describe(item)})")


def _delivery_statuses(result: Any, request_id: str | None) -> list[DeliveryStatus]:
    return _read_list(_DELIVERY, _status_item, result, request_id)


# --- group columns ---------------------------------------------------------------------------

_COLUMN_WRAPPERS: Final = ("columns", "fields", "list", "data", "result")
#: Keys that may sit beside the column list in a wrapper object.
_COLUMN_META: Final = frozenset(
    {"type", "grouptype", "idgroup", "id", "name", "groupname", "count", "total"}
)
_COLUMN_NAME_KEYS: Final = ("name", "field", "column", "columnname", "fieldname")


def _names(text: str) -> list[str]:
    """``"mobile, name"`` -> ``["mobile", "name"]`` (field names never hold a comma)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _column_item(item: Any) -> list[str]:
    if isinstance(item, str):
        return _names(item)
    if isinstance(item, dict):
        found = _first(item, _COLUMN_NAME_KEYS)
        if found and isinstance(found[1], str):
            return _names(found[1])
        if len(item) == 1:  # {"mobile": "text"}: one name -> type pair
            return _names(next(iter(item)))
        raise _Misfit(f"a column without a name ({describe(item)})")
    raise _Misfit(f"not a column name ({describe(item)})")


def _column_names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return _names(value)
    names: list[str] = []
    place, items = "item", value
    if isinstance(value, dict):
        entries = {k: v for k, v in value.items() if k != "grouptype"}
        if not all(_DIGITS.fullmatch(k.strip()) for k in entries):
            return [name for key in entries for name in _names(key)]  # name -> type or description
        place, items = "entry", list(entries.values())  # {"0": "mobile", "1": "name"}
    elif not isinstance(value, list):
        raise _Misfit()
    for index, item in enumerate(items):
        try:
            names += _column_item(item)
        except _Misfit as misfit:
            raise _Misfit(f"{place} {index}: {misfit.where}") from None
    return names


def _group_type(value: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    found = _first(value, keys)
    if found is None or not isinstance(found[1], str | int) or isinstance(found[1], bool):
        return None
    return str(found[1]).strip().lower() or None


def _group_columns(result: Any, request_id: str | None) -> GroupColumns:
    value, group_type = result, None
    for _ in range(_WRAPPER_DEPTH):
        if not isinstance(value, dict):
            break
        wrapper = next((key for key in _COLUMN_WRAPPERS if key in value), None)
        if wrapper is None or not _COLUMN_META.issuperset(k for k in value if k != wrapper):
            break
        group_type = group_type or _group_type(value, ("grouptype", "type"))
        value = value[wrapper]
    if isinstance(value, dict):
        group_type = group_type or _group_type(value, ("grouptype",))
    return GroupColumns(tuple(_column_names(value)), group_type, result, request_id)


# --- balance ---------------------------------------------------------------------------------

_BALANCE_NESTS: Final = ("data", "result")
_BALANCE_KEY_SET: Final = frozenset(_BALANCE_KEYS)


def _balance_value(value: Any, nested: bool) -> Decimal:
    if isinstance(value, str):
        return _parse_amount(value)
    if isinstance(value, list) and len(value) == 1 and not nested:  # [5], [{"balance": 5}]
        return _balance_value(value[0], True)
    if not isinstance(value, dict):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Misfit()
        return _as_decimal(value, "the balance")
    for key in _BALANCE_KEYS:
        inner = value.get(key)
        if inner is not None:
            if isinstance(inner, dict) and not nested:  # {"balance": {"amount": 5}}
                return _balance_value(inner, True)
            return _as_decimal(inner, key)
    if not nested:  # {"data": {"balance": 5}}, {"account": {"credits": 5}}, {"result": "5"}
        candidates = [
            inner
            for key, inner in value.items()
            if (isinstance(inner, dict) and not _BALANCE_KEY_SET.isdisjoint(inner))
            or (key in _BALANCE_NESTS and not isinstance(inner, dict | list))
        ]
        if len(candidates) == 1:
            return _balance_value(candidates[0], True)
    raise _Misfit()


def _balance(result: Any, request_id: str | None) -> Balance:
    return Balance(_balance_value(result, False), result, request_id)


# --- created group ---------------------------------------------------------------------------

_GROUP_IDS: Final = ("idgroup", "id", "groupid", "id_group", "group_id")
_GROUP_NESTS: Final = ("group", "data", "result")


def _new_group_id(value: Any, nested: bool) -> int | None:
    if isinstance(value, dict):
        found = _first(value, _GROUP_IDS)
        if found is not None:
            return _new_group_id(found[1], True)
        nest = next((key for key in _GROUP_NESTS if key in value), None)
        return _new_group_id(value[nest], True) if nest and not nested else None
    try:
        return _as_int(value, "idgroup")
    except _Misfit:
        return None


def _created_group(result: Any, request_id: str | None) -> CreatedGroup:
    """Never a misfit: the group was created; an id the answer does not give is None."""
    return CreatedGroup(_new_group_id(result, False), result, request_id)


# --- sends -----------------------------------------------------------------------------------

_SEND_ID: Final = ("messageid", "idmessage", "message_id", "id")
_SEND_IDS: Final = ("messageids", "idmessages", "message_ids", "ids")
_SEND_CREDITS: Final = ("credits", "credit", "creditsspent", "credits_spent", "cost")
_SEND_WRAPPERS: Final = ("messages", "list", "data", "result", "results", "items")
_SEND_KEYS: Final = frozenset({*_SEND_ID, *_SEND_IDS, *_SEND_CREDITS})
_SEND_DEPTH: Final = 3


def _lenient_id(value: Any) -> str | None:
    try:
        return _id_text(value, "messageid")
    except _Misfit:
        return None


def _plus(total: Decimal | None, more: Decimal | None) -> Decimal | None:
    return more if total is None else total if more is None else total + more


def _send_parts(value: Any, ids: list[str], depth: int) -> Decimal | None:
    """Add the message ids ``value`` carries to ``ids``; the credits it says were spent."""
    if depth > _SEND_DEPTH or value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):  # a bare id, as WP SMS assumes; "1001,1002" for several
        ids += _names(value)
        return None
    if isinstance(value, int | float):
        if (messageid := _lenient_id(value)) is not None:
            ids.append(messageid)
        return None
    if isinstance(value, list):
        total = None
        for item in value:
            total = _plus(total, _send_parts(item, ids, depth + 1))
        return total
    if not isinstance(value, dict):
        return None
    credits = next((_amount_or_none(value[k]) for k in _SEND_CREDITS if k in value), None)
    before = len(ids)
    found = _first(value, _SEND_ID)
    if found is not None:
        text = found[1]
        parts = text.split(",") if isinstance(text, str) and "," in text else []
        if parts and all(part.strip().isdigit() for part in parts):  # a group send: "1004,1005"
            ids += _names(text)
        elif (messageid := _lenient_id(text)) is not None:
            ids.append(messageid)
    found = _first(value, _SEND_IDS)
    if found is not None:
        _send_parts(found[1], ids, depth + 1)
    nest = next((key for key in _SEND_WRAPPERS if key in value), None)
    if nest is not None and len(ids) == before:  # {"messages": [...], "credits": 3}
        inner = _send_parts(value[nest], ids, depth + 1)
        return credits if credits is not None else inner
    if not _SEND_KEYS.isdisjoint(value):
        return credits
    if value and all(isinstance(item, dict) for item in value.values()):  # keyed by message id
        total = None
        for key, item in value.items():
            before = len(ids)
            total = _plus(total, _send_parts(item, ids, depth + 1))
            if len(ids) == before and "0" not in value:
                ids.append(key)
        return total
    return None


def _send_result(result: Any, request_id: str | None) -> SendResult:
    """Never a misfit: a send answered with success was accepted (see :class:`SendResult`).

    Assumed readings, none documented for the messaging methods: ``{"messageid", "credits"}``
    with numbers or text (the vendor's Node and PHP READMEs), the id also under ``idmessage``,
    ``message_id`` or ``id`` and several under ``messageids``; credits also under ``credit``,
    ``credits_spent`` or ``cost``, as a number or an amount text (``"0,055"``, ``"1 credits"``);
    a bare id, text or number (WP SMS's reading), or several comma-separated (also under
    ``messageid``, when every part is a number: a group send); a list of any of these, or an
    object keyed by message id (a group send), its credits summed.
    """
    ids: list[str] = []
    credits = _send_parts(result, ids, 0)
    messageid = ids[0] if len(ids) == 1 else None
    return SendResult(messageid, credits, tuple(ids), result, request_id)


def _as_is(result: Any, request_id: str | None) -> Any:
    return result


READERS: Mapping[str, ResultReader[Any]] = {
    "raw": ResultReader(_as_is),
    "balance": ResultReader(_balance, "Balance", ("Balance",), "a balance"),
    "addresses": ResultReader(_addresses, "list[Address]", ("Address",), "a list of addresses"),
    "channels": ResultReader(_channels, "list[Channel]", ("Channel",), "a list of channels"),
    "subaccounts": ResultReader(
        _subaccounts, "list[Subaccount]", ("Subaccount",), "a list of sub-accounts"
    ),
    "created_group": ResultReader(
        _created_group, "CreatedGroup", ("CreatedGroup",), "a created group"
    ),
    "group_columns": ResultReader(
        _group_columns, "GroupColumns", ("GroupColumns",), "a group's columns"
    ),
    "contacts": ResultReader(_contacts, "list[Contact]", ("Contact",), "a contact list"),
    "contact": ResultReader(_contact, "Contact", ("Contact",), "a contact"),
    "send_result": ResultReader(_send_result, "SendResult", ("SendResult",), "a send's result"),
    "delivery_statuses": ResultReader(
        _delivery_statuses,
        "list[DeliveryStatus]",
        ("DeliveryStatus",),
        "a list of delivery statuses",
    ),
}

#: What a reader may raise on input it was not written for: each becomes a misfit.
_UNREADABLE = (
    ValueError, TypeError, ArithmeticError, LookupError, AttributeError, RecursionError,
)  # fmt: skip


def read_result(name: str, result: Any, qualname: str, request_id: str | None = None) -> Any:
    """``result`` read by the reader ``name``; a misfit is :class:`MalformedResponseError`.

    The error names ``qualname``, what was expected and the shape seen (never a value), has
    ``request_id`` and no chained cause or context.
    """
    reader = READERS[name]
    try:
        return reader.read(result, request_id)
    except _UNREADABLE as exc:
        where = exc.where if isinstance(exc, _Misfit) else ""
    shape = describe(result) + (f"; {where}" if where else "")
    error = MalformedResponseError(
        f"{qualname} answered a result that fits no reading of {reader.what} ({shape})"
    )
    error.request_id = request_id
    raise error
