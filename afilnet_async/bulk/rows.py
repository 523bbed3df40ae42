"""Checking one contact row before it joins a chunk.

A row is a mapping of field -> value. It must carry the group's main field with a usable
value, normalised as Afilnet wants it (a mobile: digits with the country code; an e-mail:
trimmed, its domain lower-cased), and only values the wire can carry (str or a number, sent as
text); ``None`` values are left out. This runs once per row of an import, so the common case
(a dict of str) takes a short path.

The header is judged once, on the first row: keys with a byte-order mark or surrounding
spaces are read without them, and a key that is the main field in another case (``Mobile``)
is read as the main field; each such reading is a warning of the import. A row from
:func:`~afilnet_async.read_contacts` carries its file line and any problem the reader found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from ..phones import PhoneNumberError, normalize_email, normalize_mobile
from ..text import is_email, number_text, utf8_encodable

__all__ = ["CheckedRow", "RowChecker", "RowError", "where"]

MainField = Literal["mobile", "email"]


class CheckedRow(NamedTuple):
    """A valid row: its position in the input, its main value, its text values, its line.

    ``main`` is the main value exactly as sent (what a read-back of the group shows);
    ``line`` is its 1-based line in the file it came from, when known.
    """

    position: int
    main: str
    values: dict[str, str]
    line: int | None = None


class RowError(ValueError):
    """Why a row cannot be sent (a plain message; the importer says where the row was)."""


def where(index: int, line: int | None) -> str:
    """How a message names a row: its file line when known, else its 1-based number."""
    return f"line {line}" if line is not None else f"row {index + 1}"


def _text(key: Any, value: Any) -> str:
    text = number_text(value)
    if text is None:
        raise RowError(f"field {key!r:.60} holds a {type(value).__name__}; use str or a number")
    if not text:
        raise RowError(f"field {key!r:.60} holds a number too large to send")
    return text


class RowChecker:
    """Checks the rows of one import against its main field (see the module doc)."""

    def __init__(self, main_field: MainField, default_country: str | None = None) -> None:
        self.main_field = main_field
        self.default_country = default_country
        self.warnings: list[str] = []
        self._renames: dict[str, str] | None = None  # decided on the first mapping row

    def _decide_renames(self, row: Mapping[Any, Any]) -> dict[str, str]:
        renames: dict[str, str] = {}
        for key in row:
            if not isinstance(key, str):
                continue
            clean = key.lstrip("\ufeff").strip()
            if clean.lower() == self.main_field and self.main_field not in row:
                clean = self.main_field
            if clean != key and clean:
                renames[key] = clean
        if renames:
            spelled = ", ".join(f"{old!r} as {new!r}" for old, new in renames.items())
            self.warnings.append(f"header names read without their spaces or mark: {spelled}")
        return renames

    def check(self, index: int, row: Any) -> CheckedRow:
        """The checked row, or :class:`RowError` saying what is wrong with it."""
        if type(row) is not dict and not isinstance(row, Mapping):  # the ABC check is slow
            raise RowError(f"row is a {type(row).__name__}, not a mapping of field -> value")
        line = getattr(row, "line", None)
        problem = getattr(row, "problem", None)
        if problem:
            raise RowError(problem)
        renames = self._renames
        if renames is None:
            renames = self._renames = self._decide_renames(row)
        items = row.items() if not renames else ((renames.get(k, k), v) for k, v in row.items())
        values: dict[str, str] = {}
        for key, value in items:
            if type(key) is not str or not key or key.isspace():
                if key is None:  # csv.DictReader puts the values beyond the header under None
                    raise RowError("the row has more values than the header has names")
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
        main = self._main_value(values.get(self.main_field, ""))
        values[self.main_field] = main
        return CheckedRow(index, main, values, line)

    def _main_value(self, given: str) -> str:
        stripped = given.strip()
        if not stripped:
            raise RowError(f"the main field {self.main_field!r} is missing or empty")
        if self.main_field == "mobile":
            try:
                return normalize_mobile(stripped, self.default_country)
            except PhoneNumberError as error:
                raise RowError(str(error)) from None
        address = normalize_email(stripped)
        if not is_email(address):
            raise RowError(f"email {stripped[:60]!r} is not shaped like an e-mail address")
        return address
