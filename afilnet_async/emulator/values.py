"""Strict parsing of Afilnet's flat wire strings: ids, flags, amounts, fields, contacts,
numbers, senders, addresses, URLs, dates and message ids.

Every malformed value raises :class:`ApiError` with MISSING_COMPULSORY_PARAM (the parameter
is there but unusable), except where a caller maps "unparseable" to its own code.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime

from .exceptions import ApiError

__all__ = [
    "FILE_TYPES",
    "MALFORMED",
    "is_email",
    "is_phone",
    "parse_amount",
    "parse_contact",
    "parse_contacts",
    "parse_country_prefix",
    "parse_datetime",
    "parse_email",
    "parse_field_name",
    "parse_fields",
    "parse_file_type",
    "parse_flag",
    "parse_https_url",
    "parse_id",
    "parse_message_ids",
    "parse_phone",
    "parse_sender",
]

MALFORMED = "MISSING_COMPULSORY_PARAM"

_ID = re.compile(r"^[0-9]{1,18}$")
_AMOUNT = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_EMAIL = re.compile(r"^[^@\s,:;]+@[^@\s,:;]+\.[A-Za-z]{2,}$")


def parse_id(text: str) -> int | None:
    """A positive decimal id, or ``None`` when ``text`` is not one."""
    value = text.strip()
    if not _ID.match(value) or int(value) == 0:
        return None
    return int(value)


def parse_flag(text: str) -> bool:
    """``1`` -> True, ``0`` -> False; anything else is malformed."""
    value = text.strip()
    if value not in ("0", "1"):
        raise ApiError(MALFORMED)
    return value == "1"


def parse_amount(text: str) -> float | None:
    """A finite decimal number (``10``, ``-5``, ``2.50``), or ``None``."""
    value = text.strip()
    if not _AMOUNT.match(value):
        return None
    amount = float(value)
    return amount if math.isfinite(amount) else None


def is_email(text: str) -> bool:
    """Whether ``text`` is shaped like ``local@domain.tld``."""
    return bool(_EMAIL.match(text))


def parse_field_name(text: str) -> str:
    """A column name: trimmed, non-empty, without ``,`` or ``:``."""
    name = text.strip()
    if not name or "," in name or ":" in name:
        raise ApiError(MALFORMED)
    return name


def parse_fields(text: str) -> list[str]:
    """``mobile,name,address`` -> the names in order, duplicates dropped; empty items refused."""
    names: list[str] = []
    for item in text.split(","):
        name = parse_field_name(item)
        if name not in names:
            names.append(name)
    return names


def parse_contact(text: str) -> dict[str, str]:
    """``mobile:346,name:Ann`` -> ``{"mobile": "346", "name": "Ann"}``.

    Each comma-separated pair has exactly one ``:``, a non-empty field name (trimmed) and a
    value kept as given (possibly empty); a field named twice is malformed.
    """
    contact: dict[str, str] = {}
    for pair in text.split(","):
        if pair.count(":") != 1:
            raise ApiError(MALFORMED)
        key, value = pair.split(":")
        name = key.strip()
        if not name or name in contact:
            raise ApiError(MALFORMED)
        contact[name] = value
    return contact


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ApiError(MALFORMED)
        return str(value)
    raise ApiError(MALFORMED)


def parse_contacts(text: str) -> list[dict[str, str]]:
    """A JSON array of objects whose values are strings or numbers -> rows of strings.

    Anything else (not JSON, not an array, an element that is not an object, a value that is
    null, a bool, an array or an object) makes the whole parameter malformed.
    """
    try:
        rows = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ApiError(MALFORMED) from None
    if not isinstance(rows, list):
        raise ApiError(MALFORMED)
    parsed: list[dict[str, str]] = []
    for row in rows:
        if not isinstance(row, dict):
            raise ApiError(MALFORMED)
        if all(type(value) is str for value in row.values()):  # what clients send: text
            parsed.append({key.strip(): value for key, value in row.items()})
        else:
            parsed.append({key.strip(): _cell(value) for key, value in row.items()})
    return parsed


_DIGITS = re.compile(r"^[0-9]{6,15}$")
_NUMERIC_SENDER = re.compile(r"^\+?[0-9]{1,15}$")
_HTTPS_URL = re.compile(r"^https://[^\s/?#]+\S*$")
_COUNTRY_PREFIX = re.compile(r"^(?:[A-Za-z]{2}|\+?[0-9]{1,4})$")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
FILE_TYPES = ("image", "video", "document")


def parse_phone(text: str) -> str:
    """A mobile number: 6 to 15 digits (with the country code, no ``+``); else malformed."""
    number = text.strip()
    if not _DIGITS.match(number):
        raise ApiError(MALFORMED)
    return number


def is_phone(text: str) -> bool:
    """Whether ``text`` (trimmed) is 6 to 15 digits."""
    return bool(_DIGITS.match(text.strip()))


def parse_sender(text: str) -> str:
    """A sender: up to 11 characters, or a number of up to 15 digits; else malformed."""
    sender = text.strip()
    if len(sender) > 11 and not _NUMERIC_SENDER.match(sender):
        raise ApiError(MALFORMED)
    return sender


def parse_email(text: str) -> str:
    """An e-mail address shaped ``local@domain.tld``; else malformed."""
    address = text.strip()
    if not is_email(address):
        raise ApiError(MALFORMED)
    return address


def parse_file_type(text: str) -> str:
    """``image``, ``video`` or ``document``; else malformed."""
    value = text.strip()
    if value not in FILE_TYPES:
        raise ApiError(MALFORMED)
    return value


def parse_https_url(text: str) -> str:
    """An ``https://`` URL with a host; else malformed."""
    url = text.strip()
    if not _HTTPS_URL.match(url):
        raise ApiError(MALFORMED)
    return url


def parse_country_prefix(text: str) -> str:
    """An alpha-2 code (``es``) or a calling code (``34``, ``+34``); else malformed."""
    value = text.strip()
    if not _COUNTRY_PREFIX.match(value):
        raise ApiError(MALFORMED)
    return value


def parse_datetime(text: str) -> str:
    """``YYYY-MM-DD HH:MM[:SS]``, returned as given (trimmed); else malformed."""
    value = text.strip()
    for pattern in _DATETIME_FORMATS:
        try:
            datetime.strptime(value, pattern)  # naive: the account's local time
        except ValueError:
            continue
        return value
    raise ApiError(MALFORMED)


def parse_message_ids(text: str) -> list[str]:
    """Comma-separated message ids, blanks dropped; none at all is malformed."""
    ids = [item.strip() for item in text.split(",")]
    kept = [item for item in ids if item]
    if not kept:
        raise ApiError(MALFORMED)
    return kept
