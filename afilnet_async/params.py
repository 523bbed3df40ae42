"""Natural Python values in, Afilnet's flat wire strings out, validated on the way.

One encoder per parameter kind of the spec. Every refusal is a :class:`ValidationError` raised
before anything is sent; its message names the parameter but never echoes a secret.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from .errors import ValidationError
from .phones import PhoneNumberError, normalize_email, normalize_mobile
from .spec import Kind, MethodSpec
from .text import is_email, number_text

__all__ = [
    "ANNOTATIONS",
    "MAIN_FIELDS",
    "ContactValue",
    "encode_arguments",
    "encode_contact",
    "encode_contacts",
    "encode_pairs",
    "encode_raw_arguments",
    "encode_value",
    "encoders_for",
    "normalize_main_values",
]

#: What a contact's field may hold; numbers are sent as their decimal text.
ContactValue = str | int | float | Decimal

#: The field a group of each type must have.
MAIN_FIELDS: Final = {"mobile": "mobile", "email": "email"}
#: Largest id sent (a signed 64-bit integer, as database ids are).
MAX_ID: Final = 2**63 - 1
#: Amounts are written out in full, so their magnitude is kept within 1e-18 .. 1e18.
AMOUNT_DIGITS: Final = 18
MAX_AMOUNT: Final = 10**AMOUNT_DIGITS

_FORBIDDEN_IN_CONTACT = re.compile(r"[,:]")

Encoder = Callable[[str, Any], str]


def _fail(name: str, expected: str, value: Any) -> ValidationError:
    return ValidationError(f"{name}: expected {expected}, got {type(value).__name__}")


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a str", value)
    if not value.strip():
        raise ValidationError(f"{name}: must not be empty")
    return value


def _secret(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a str", value)
    if not value:
        raise ValidationError(f"{name}: must not be empty")
    return value


def _id(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(name, "a positive int", value)
    if value <= 0:
        raise ValidationError(f"{name}: must be a positive int, got {value}")
    if value > MAX_ID:  # also keeps str() clear of Python's int_max_str_digits
        raise ValidationError(f"{name}: must be at most {MAX_ID} (a 64-bit id)")
    return str(value)


def _flag(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) and value in (0, 1):
        return str(value)
    raise ValidationError(f"{name}: expected a bool or 0/1, got {value!r}")


def _email(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "an e-mail address (str)", value)
    address = normalize_email(value)
    if not is_email(address):
        raise ValidationError(f"{name}: {value!r:.80} is not shaped like an e-mail address")
    return address


def _country(length: int, standard: str) -> Encoder:
    def encode(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(name, f"an {standard} country code (str)", value)
        if len(value) != length or not (value.isascii() and value.isalpha()):
            raise ValidationError(f"{name}: {value!r} is not an {standard} country code")
        return value

    return encode


def _group_type(name: str, value: Any) -> str:
    if not isinstance(value, str) or value not in MAIN_FIELDS:  # a list is unhashable
        raise ValidationError(f"{name}: must be 'mobile' or 'email', got {value!r}")
    return str(value)


def _check_field_name(name: str, field: Any) -> str:
    """One column name: non-empty text without ',' or ':' and without surrounding spaces.

    Afilnet keeps a group's columns as one comma-separated list, so ',' and ':' cannot be
    carried, and a server that trims names would store something other than what was given.
    """
    if not isinstance(field, str) or not field.strip() or _FORBIDDEN_IN_CONTACT.search(field):
        raise ValidationError(f"{name}: {field!r:.60} is not a valid field name")
    if field != field.strip():
        raise ValidationError(f"{name}: field name {field!r:.60} has surrounding whitespace")
    return field


def _field_names(name: str, value: Any) -> list[str]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, Iterable) or isinstance(names, Mapping):
        raise _fail(name, "a list of field names", value)
    names = list(names)
    if not names:
        raise ValidationError(f"{name}: must name at least one field")
    for field in names:
        _check_field_name(name, field)
    return names


def _fields(name: str, value: Any) -> str:
    return ",".join(_field_names(name, value))


def _field(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, "a field name (str)", value)
    return _check_field_name(name, value)


def _scalar(name: str, key: Any, value: Any) -> str:
    if not isinstance(key, str) or not key:
        raise ValidationError(f"{name}: field names must be non-empty str, got {key!r:.60}")
    if key != key.strip():
        raise ValidationError(f"{name}: field name {key!r:.60} has surrounding whitespace")
    if isinstance(value, str):
        return value
    text = number_text(value)
    if text is None:
        raise _fail(f"{name}: value of {key!r:.60}", "str or a number", value)
    if not text:
        raise ValidationError(f"{name}: value of {key!r:.60} is too large")
    return text


def encode_pairs(name: str, value: Any) -> str:
    """``{"a": "1", "b": "x"}`` -> ``a:1,b:x``; refuses ',' and ':' (which it cannot carry)."""
    if not isinstance(value, Mapping) or not value:
        raise _fail(name, "a non-empty dict of field -> value", value)
    pairs = []
    for key, raw in value.items():
        text = _scalar(name, key, raw)
        if _FORBIDDEN_IN_CONTACT.search(key) or _FORBIDDEN_IN_CONTACT.search(text):
            raise ValidationError(
                f"{name}: {key!r} contains ',' or ':', which Afilnet's k:v,k:v format cannot carry"
            )
        pairs.append(f"{key}:{text}")
    return ",".join(pairs)


def normalize_main_values(
    name: str, contact: Mapping[str, Any], default_country: str | None = None
) -> Mapping[str, Any]:
    """``contact`` with its ``mobile`` and ``email`` values as Afilnet wants them (digits
    with the country code; a trimmed address with a lower-case domain); ValidationError for
    a value that cannot be one."""
    if "mobile" not in contact and "email" not in contact:
        return contact
    normalized = dict(contact)
    mobile = contact.get("mobile")
    if mobile is not None:
        normalized["mobile"] = _phone_in(default_country, f"{name}: mobile", mobile)
    email = contact.get("email")
    if email is not None:
        normalized["email"] = _email(f"{name}: email", email)
    return normalized


def encode_contact(name: str, value: Any, default_country: str | None = None) -> str:
    """A contact dict -> ``mobile:346...,name:Ann``: main values normalised, then as pairs."""
    if isinstance(value, Mapping):
        value = normalize_main_values(name, value, default_country)
    return encode_pairs(name, value)


def encode_contacts(name: str, value: Any) -> str:
    """A non-empty list of contact dicts -> a compact JSON array of string values."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _fail(name, "a list of contact dicts", value)
    rows = []
    for index, row in enumerate(value):
        if not isinstance(row, Mapping) or not row:
            raise ValidationError(f"{name}[{index}]: expected a non-empty dict, got {row!r:.40}")
        rows.append({key: _scalar(f"{name}[{index}]", key, v) for key, v in row.items()})
    if not rows:
        raise ValidationError(f"{name}: must contain at least one contact")
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _amount(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _fail(name, "a number", value)
    if isinstance(value, int):
        if abs(value) >= MAX_AMOUNT:
            raise ValidationError(f"{name}: must be under 1e18 in magnitude")
        return str(value)
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:  # Decimal's own test: float(Decimal("sNaN")) raises
        raise ValidationError(f"{name}: must be a finite number, got {value!r:.40}")
    number = Decimal(str(value)) if isinstance(value, float) else value
    # Written out in full below: bound the exponent, or Decimal("1e-999999999") (or a zero
    # with that exponent) is a gigabyte of zeros.
    if not number:
        return "0"
    if not -AMOUNT_DIGITS <= number.adjusted() < AMOUNT_DIGITS:
        raise ValidationError(f"{name}: must be 0 or between 1e-18 and 1e18 in magnitude")
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _phone_in(default_country: str | None, name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(name, "a mobile number (str)", value)
    try:
        return normalize_mobile(value, default_country)
    except PhoneNumberError as error:
        raise ValidationError(f"{name}: {error}") from None


def _phone(name: str, value: Any) -> str:
    return _phone_in(None, name, value)


_ALPHANUMERIC_SENDER: Final = re.compile(r"[A-Za-z0-9 ]{1,11}")
_NUMERIC_SENDER: Final = re.compile(r"\+?[0-9]{1,15}")


def _sender(name: str, value: Any) -> str:
    text = _text(name, value)
    if not (_NUMERIC_SENDER.fullmatch(text) or _ALPHANUMERIC_SENDER.fullmatch(text)):
        raise ValidationError(
            f"{name}: a sender is up to 11 letters, digits and spaces, or a number of up to "
            f"15 digits; got {len(text)} characters"
        )
    return text


#: How ``scheduledatetime`` is written (an assumption: no vendor client shows the format).
DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"


def _datetime(name: str, value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValidationError(
                f"{name}: pass a naive datetime in the account's time zone (Afilnet documents "
                "no time zone), or a string"
            )
        return value.strftime(DATETIME_FORMAT)
    return _text(name, value)


def _message_ids(name: str, value: Any) -> str:
    items = [value] if isinstance(value, str | int) else value
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        raise _fail(name, "a list of message ids", value)
    ids = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise _fail(name, "message ids as str or int", item)
        text = str(item).strip()
        if not text or "," in text:
            raise ValidationError(f"{name}: {text[:40]!r} is not a message id")
        ids.append(text)
    if not ids:
        raise ValidationError(f"{name}: give at least one message id")
    return ",".join(ids)


_FILE_TYPES: Final = ("image", "video", "document")


def _file_type(name: str, value: Any) -> str:
    if not isinstance(value, str) or value not in _FILE_TYPES:
        raise ValidationError(f"{name}: must be one of {', '.join(_FILE_TYPES)}, got {value!r:.40}")
    return value


_HTTPS_URL: Final = re.compile(r"https://[^\s/?#]+[^\s]*")


def _https_url(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _HTTPS_URL.fullmatch(value):
        raise ValidationError(f"{name}: must be an https:// URL")
    return value


_COUNTRY_PREFIX: Final = re.compile(r"[A-Za-z]{2}|\+?[0-9]{1,4}")


def _country_prefix(name: str, value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _COUNTRY_PREFIX.fullmatch(text):
        raise ValidationError(
            f"{name}: expected an ISO 3166-1 alpha-2 code (es) or a calling code (34)"
        )
    return text.lstrip("+")


ENCODERS: Final[dict[Kind, Encoder]] = {
    "text": _text,
    "secret": _secret,
    "id": _id,
    "flag": _flag,
    "email": _email,
    "country2": _country(2, "ISO 3166-1 alpha-2"),
    "country3": _country(3, "ISO 3166-1 alpha-3"),
    "group_type": _group_type,
    "fields": _fields,
    "field": _field,
    "contact": encode_contact,
    "contacts": encode_contacts,
    "amount": _amount,
    "phone": _phone,
    "sender": _sender,
    "template_params": encode_pairs,
    "datetime": _datetime,
    "message_ids": _message_ids,
    "file_type": _file_type,
    "https_url": _https_url,
    "country_prefix": _country_prefix,
}

#: The Python type each kind accepts, as the generated endpoints declare it, and what that
#: annotation needs imported: (module, name) pairs.
ANNOTATIONS: Final[dict[Kind, tuple[str, tuple[tuple[str, str], ...]]]] = {
    "text": ("str", ()),
    "secret": ("str", ()),
    "id": ("int", ()),
    "flag": ("bool | Literal[0, 1]", (("typing", "Literal"),)),
    "email": ("str", ()),
    "country2": ("str", ()),
    "country3": ("str", ()),
    "group_type": ('Literal["mobile", "email"]', (("typing", "Literal"),)),
    "fields": ("Sequence[str] | str", (("collections.abc", "Sequence"),)),
    "field": ("str", ()),
    "contact": (
        "Mapping[str, ContactValue]",
        (("collections.abc", "Mapping"), ("afilnet_async.params", "ContactValue")),
    ),
    "contacts": (
        "Iterable[Mapping[str, ContactValue]]",
        (
            ("collections.abc", "Iterable"),
            ("collections.abc", "Mapping"),
            ("afilnet_async.params", "ContactValue"),
        ),
    ),
    "amount": ("int | float | Decimal", (("decimal", "Decimal"),)),
    "phone": ("str | int", ()),
    "sender": ("str", ()),
    "template_params": (
        "Mapping[str, ContactValue]",
        (("collections.abc", "Mapping"), ("afilnet_async.params", "ContactValue")),
    ),
    "datetime": ("datetime | str", (("datetime", "datetime"),)),
    "message_ids": ("Iterable[str | int] | str | int", (("collections.abc", "Iterable"),)),
    "file_type": ('Literal["image", "video", "document"]', (("typing", "Literal"),)),
    "https_url": ("str", ()),
    "country_prefix": ("str | int", ()),
}


def encode_value(kind: Kind, name: str, value: Any) -> str:
    """Validate ``value`` as a parameter of ``kind`` and return its wire string."""
    return ENCODERS[kind](name, value)


@functools.cache
def encoders_for(default_country: str | None) -> Mapping[Kind, Encoder]:
    """The encoders, with national mobile numbers read as numbers of ``default_country``."""
    if default_country is None:
        return ENCODERS
    return {
        **ENCODERS,
        "phone": functools.partial(_phone_in, default_country),
        "contact": lambda name, value: encode_contact(name, value, default_country),
    }


def encode_arguments(
    spec: MethodSpec, arguments: Mapping[str, Any], *, default_country: str | None = None
) -> dict[str, str]:
    """Validate a method's keyword arguments by its spec; optional ``None`` ones are dropped.

    ``arguments`` are keyed by wire name. ``default_country`` (ISO alpha-2) gives national
    mobile numbers their country code.
    """
    encoders = encoders_for(default_country)
    wire: dict[str, str] = {}
    for param in spec.params:
        value = arguments.get(param.name)
        if value is None:
            if not param.optional:
                raise ValidationError(f"{spec.qualname}: {param.python_name} is compulsory")
            continue
        wire[param.name] = encoders[param.kind](param.python_name, value)
        if param.main_field_of is not None:
            _require_main_field(param.name, wire[param.name], wire.get(param.main_field_of))
    return wire


def _require_main_field(name: str, fields: str, group_type: str | None) -> None:
    main = MAIN_FIELDS.get(group_type or "")
    if main is not None and main not in fields.split(","):
        raise ValidationError(f"{name}: a group of type {group_type!r} must include {main!r}")


def _infer_kind(value: Any) -> Kind:
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, int | float | Decimal):
        return "amount"
    if isinstance(value, Mapping):
        return "template_params"  # k:v,k:v as given (the escape hatch does not normalise)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Mapping) for v in value):
        return "contacts"
    if isinstance(value, list | tuple):
        return "fields"
    raise ValidationError(
        f"unsupported type {type(value).__name__}; pass str, number, bool, list or dict"
    )


def _raw_value(name: str, value: Any) -> str:
    if isinstance(value, str):
        return value  # the escape hatch sends any text as given, even empty
    try:
        kind = _infer_kind(value)
    except ValidationError as error:
        raise ValidationError(f"{name}: {error}") from None
    return ENCODERS[kind](name, value)


def encode_raw_arguments(params: Mapping[str, Any]) -> dict[str, str]:
    """Encode :meth:`AfilnetClient.call` keywords by Python type; ``None`` values are dropped."""
    return {name: _raw_value(name, value) for name, value in params.items() if value is not None}
