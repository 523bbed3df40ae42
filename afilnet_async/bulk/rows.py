"""Checking and encoding one contact row before it joins a chunk.

A row is a mapping of field -> value. It must carry the group's main field, well formed, and
only values the wire can carry (str or a number); ``None`` values are left out. A good row is
encoded once, to the compact JSON object that goes into ``addcontactlist``'s array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

__all__ = ["EncodedRow", "RowError", "encode_row"]

_MOBILE: Final = re.compile(r"^\+?[0-9]{6,15}$")
_EMAIL: Final = re.compile(r"^[^@\s,:]+@[^@\s,:]+\.[^@\s,:.]+$")
_FORMATS: Final = {"mobile": _MOBILE, "email": _EMAIL}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@attrs.frozen
class EncodedRow:
    """A valid row: its position in the input, its main-field value and its JSON text."""

    index: int
    main: str
    json: str


class RowError(ValueError):
    """Why a row cannot be sent (a plain message; the importer wraps it)."""


def _text(key: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise RowError(f"field {key!r} holds a {type(value).__name__}; use str or a number")


def encode_row(index: int, row: Any, main_field: str) -> EncodedRow:
    """The encoded row, or :class:`RowError` saying what is wrong with it."""
    if not isinstance(row, Mapping):
        raise RowError(f"row is a {type(row).__name__}, not a mapping of field -> value")
    clean: dict[str, str] = {}
    for key, value in row.items():
        if not isinstance(key, str) or not key.strip():
            raise RowError(f"field name {key!r} is not a non-empty str")
        if value is not None:
            clean[key] = _text(key, value)
    main = clean.get(main_field, "").strip()
    if not main:
        raise RowError(f"the main field {main_field!r} is missing or empty")
    if not _FORMATS[main_field].match(main):
        raise RowError(f"{main_field} {main[:60]!r} is not well formed")
    return EncodedRow(index, main, _dumps(clean))
