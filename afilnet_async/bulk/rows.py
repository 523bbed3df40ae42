"""Checking one contact row before it joins a chunk.

A row is a mapping of field -> value. It must carry the group's main field, well formed, and
only values the wire can carry (str or a number, sent as text); ``None`` values are left out.
This runs once per row of an import, so the common case (a dict of str) takes a short path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from ..text import EMAIL_PATTERN, number_text, utf8_encodable

__all__ = ["CheckedRow", "RowError", "check_row"]

_MOBILE: Final = re.compile(r"\+?[0-9]{6,15}")
_FORMATS: Final = {"mobile": _MOBILE.fullmatch, "email": EMAIL_PATTERN.fullmatch}


class CheckedRow(NamedTuple):
    """A valid row: its position in the input, its main-field value and its text values.

    ``main`` is the main value exactly as sent (what a read-back of the group shows).
    """

    position: int
    main: str
    values: dict[str, str]


class RowError(ValueError):
    """Why a row cannot be sent (a plain message; the importer wraps it)."""


def _text(key: Any, value: Any) -> str:
    text = number_text(value)
    if text is None:
        raise RowError(f"field {key!r:.60} holds a {type(value).__name__}; use str or a number")
    if not text:
        raise RowError(f"field {key!r:.60} holds a number too large to send")
    return text


def check_row(index: int, row: Any, main_field: str) -> CheckedRow:
    """The checked row, or :class:`RowError` saying what is wrong with it."""
    if type(row) is not dict and not isinstance(row, Mapping):  # the ABC check is slow
        raise RowError(f"row is a {type(row).__name__}, not a mapping of field -> value")
    values: dict[str, str] = {}
    for key, value in row.items():
        if type(key) is not str or not key or key.isspace():
            raise RowError(f"field name {key!r:.60} is not a non-empty str")
        if key[0].isspace() or key[-1].isspace():
            raise RowError(f"field name {key!r:.60} has surrounding whitespace")
        if type(value) is str:
            if not utf8_encodable(value):
                raise RowError(f"field {key!r:.60} holds characters UTF-8 cannot encode")
            values[key] = value
        elif value is not None:
            values[key] = _text(key, value)
        if not utf8_encodable(key):
            raise RowError("a field name holds characters UTF-8 cannot encode")
    main = values.get(main_field, "")
    stripped = main.strip()
    if not stripped:
        raise RowError(f"the main field {main_field!r} is missing or empty")
    if not _FORMATS[main_field](stripped):
        raise RowError(f"{main_field} {stripped[:60]!r} is not well formed")
    return CheckedRow(index, main, values)
