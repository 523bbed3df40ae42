"""The shapes of results: how a handler's canonical result is written in a :class:`Dialect`.

Handlers return plain Python: numbers as ``int``/``float``, flags as ``bool``, lists of
records as lists of dicts, and :class:`SendOutcome` / :class:`StatusEntry` for messaging.
Each handler declares its result's :class:`Shape`, which knows where the numbers and flags
are, so rendering touches only what a dialect changes (the ``vendor`` dialect leaves a list of
contacts as it is: no copy per row).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from .dialects import BooleanStyle, Dialect, NumberStyle

__all__ = [
    "BALANCE",
    "COLUMNS",
    "RAW",
    "SENDS",
    "STATUSES",
    "Record",
    "Records",
    "SendOutcome",
    "Shape",
    "StatusEntry",
    "number_text",
]


def number_text(value: float) -> str:
    """A number as text: ``1000``, ``992.5``, ``0.1`` (no exponent, at most 6 decimals)."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _number(value: Any, style: NumberStyle) -> Any:
    if style == "string" and isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value)
    return value


_FLAG_TEXT = {True: "1", False: "0"}


def _flag(value: Any, style: BooleanStyle) -> Any:
    if not isinstance(value, bool) or style == "bool":
        return value
    return int(value) if style == "int" else _FLAG_TEXT[value]


class Shape(Protocol):
    """How one kind of result is written in a dialect."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        """``result`` (canonical) as the JSON value ``dialect`` answers."""
        ...


class _Raw:
    """A result written as it is (strings and structures the vendor documents, or none)."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        return result


RAW: Shape = _Raw()


@attrs.frozen
class Record:
    """One object whose ``numbers`` keys hold numbers and ``flags`` keys booleans."""

    numbers: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()

    def unchanged_in(self, dialect: Dialect) -> bool:
        """Whether ``dialect`` writes such a record exactly as the canonical one."""
        return (not self.numbers or dialect.numbers == "number") and (
            not self.flags or dialect.booleans == "bool"
        )

    def render(self, result: Any, dialect: Dialect) -> Any:
        if self.unchanged_in(dialect) or not isinstance(result, dict):
            return result
        item = dict(result)
        if dialect.numbers == "string":
            for key in self.numbers & item.keys():
                item[key] = _number(item[key], "string")
        if dialect.booleans != "bool":
            for key in self.flags & item.keys():
                item[key] = _flag(item[key], dialect.booleans)
        return item


def _listed(items: list[Any], key: str | None, dialect: Dialect) -> Any:
    if dialect.lists == "array" or (dialect.lists == "keyed" and not items):
        return items  # PHP's json_encode writes an empty array as [] whatever its keys
    if dialect.lists == "wrapped":
        return {dialect.list_key: items}
    if key is None:
        return {str(position): item for position, item in enumerate(items)}
    return {number_text(item[key]) if not isinstance(item[key], str) else item[key]: item
            for item in items}  # fmt: skip


@attrs.frozen
class Records:
    """A documented list of :class:`Record` items; ``key`` names an item's id (keyed lists)."""

    record: Record = Record()
    key: str | None = None

    def render(self, result: Any, dialect: Dialect) -> Any:
        items = list(result)
        if not self.record.unchanged_in(dialect):
            items = [self.record.render(item, dialect) for item in items]
        return _listed(items, self.key, dialect)


class _Balance:
    """getbalance: a number, bare or under the dialect's ``balance_key``."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        value = _number(result, dialect.numbers)
        return value if dialect.balance == "bare" else {dialect.balance_key: value}


class _Columns:
    """getgroupcolumns: the field names as a list, wrapped, keyed by position, or text."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        names = list(result)
        if dialect.columns == "list":
            return names
        if dialect.columns == "wrapped":
            return {dialect.columns_key: names}
        if dialect.columns == "keyed":  # as PHP encodes an array: [] when empty
            return {str(position): name for position, name in enumerate(names)} or []
        return ",".join(names)


@attrs.frozen
class SendOutcome:
    """A send's canonical result: each message's (id, destination), and the credits spent."""

    messages: tuple[tuple[int, str], ...]
    credits: float
    group: bool = False

    @property
    def ids(self) -> list[int]:
        """The message ids, in sending order."""
        return [messageid for messageid, _ in self.messages]


_MESSAGE = Records(Record(numbers=frozenset({"messageid"})), key="messageid")


class _Sends:
    """A send's result: ``messageid`` (the vendor's), ``messages`` or ``bare``."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        outcome: SendOutcome = result
        if dialect.sends == "messageid":  # ids and credits as text, as the vendor shows
            return {
                "messageid": ",".join(str(messageid) for messageid in outcome.ids),
                "credits": number_text(outcome.credits),
            }
        if dialect.sends == "messages":
            items = [{"messageid": m, "destination": d} for m, d in outcome.messages]
            return {
                "messages": _MESSAGE.render(items, dialect),
                "credits": _number(outcome.credits, dialect.numbers),
            }
        ids = [_number(messageid, dialect.numbers) for messageid in outcome.ids]
        if outcome.group:
            return ids
        return ids[0] if ids else ""


@attrs.frozen
class StatusEntry:
    """One message's delivery status; ``messageid`` as an int, or as sent when not a number."""

    messageid: int | str
    status: str


_STATUS = Records(Record(numbers=frozenset({"messageid"})), key="messageid")


class _Statuses:
    """getdeliverystatus: a ``list`` of ``{messageid, status}``, or a ``map`` id -> status."""

    def render(self, result: Any, dialect: Dialect) -> Any:
        entries: Sequence[StatusEntry] = result
        if dialect.statuses == "map":
            return {str(entry.messageid): entry.status for entry in entries}
        items = [{"messageid": e.messageid, "status": e.status} for e in entries]
        return _STATUS.render(items, dialect)


BALANCE: Shape = _Balance()
COLUMNS: Shape = _Columns()
SENDS: Shape = _Sends()
STATUSES: Shape = _Statuses()
