"""Turning a stream of rows into chunks: validation, size limits and an earlier run's journal.

A :class:`Chunk` is consecutive valid rows that go out as one ``addcontactlist`` call; the
:class:`Chunker` cuts them. Synchronous and allocation-light, since it runs once per row: the
importer feeds rows in and drains ``ready`` (chunks to send) and ``invalid`` (rows to
report) as they fill.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import attrs

from ..urlencoding import quote_plus
from .journal import JournalError, JournalRange
from .rows import CheckedRow, RowChecker, RowError, where
from .seen import SeenValues

__all__ = ["Chunk", "Chunker", "InvalidRow", "contacts_json", "fingerprint"]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def contacts_json(rows: Sequence[CheckedRow]) -> str:
    """The ``contacts`` parameter for ``rows``: one JSON array, encoded in one C call."""
    return _encode([row.values for row in rows])


def fingerprint(contacts: str) -> str:
    """A short digest of a chunk's JSON, to tell a journal's input from another."""
    return hashlib.blake2b(contacts.encode("utf-8"), digest_size=12).hexdigest()


@attrs.frozen
class Chunk:
    """Rows ``start`` to ``end`` (exclusive) of the input, less any invalid ones.

    ``contacts`` is their JSON, encoded once when the chunk is made.
    """

    start: int
    end: int
    rows: tuple[CheckedRow, ...]
    #: A previous attempt (or run) sent this chunk and never learnt whether it was applied.
    ambiguous: bool = False
    contacts: str = attrs.field(eq=False, repr=False)

    @contacts.default
    def _encode_rows(self) -> str:
        return contacts_json(self.rows)

    @property
    def fingerprint(self) -> str:
        """The digest of the chunk's JSON."""
        return fingerprint(self.contacts)

    def subset(self, rows: tuple[CheckedRow, ...]) -> Chunk:
        """The same range with only ``rows`` (the ones still to send), marked ambiguous."""
        return Chunk(self.start, self.end, rows, ambiguous=True)

    def split(self) -> tuple[Chunk, Chunk]:
        """Two halves (for a chunk too large for one request); needs two rows or more."""
        middle = len(self.rows) // 2
        left, right = self.rows[:middle], self.rows[middle:]
        return (
            Chunk(self.start, right[0].position, left, self.ambiguous),
            Chunk(right[0].position, self.end, right, self.ambiguous),
        )


class InvalidRow(NamedTuple):
    """A row that is not sent: where it was, what it held, why (a message naming its place)."""

    position: int
    row: Any
    why: str
    line: int | None = None


_BRACKETS = len(quote_plus("[]"))
_FIELDS_FROM_ROWS = 100
_COMMA = len(quote_plus(","))


class Chunker:
    """Cuts valid rows into chunks of ``chunk_size`` rows and at most ``payload_budget`` URL chars.

    Rows inside a range of ``journal_ranges`` keep that range's boundaries: a confirmed range is
    counted in ``resumed`` and not sent again; a range only sent is re-sent marked ambiguous.
    A row whose main value an earlier row had is invalid (a duplicate); outside journal ranges,
    a row whose main value is in ``existing`` (the group's) is counted in ``skipped``.
    """

    def __init__(
        self,
        checker: RowChecker,
        chunk_size: int,
        payload_budget: int | None = None,
        journal_ranges: list[JournalRange] | None = None,
        existing: SeenValues | None = None,
        check_duplicates: bool = True,
    ) -> None:
        self.checker = checker
        self.chunk_size = chunk_size
        self.payload_budget = payload_budget
        self.ready: list[Chunk] = []
        self.invalid: list[InvalidRow] = []
        self.too_large: list[CheckedRow] = []
        self.resumed = 0
        self.skipped = 0
        self.total = 0
        self.existing = existing
        #: The fields of the first valid rows (a file's rows share its header).
        self.field_names: set[str] = set()
        self._seen = SeenValues() if check_duplicates else None
        self._rows: list[CheckedRow] = []
        self._start = 0
        self._size = _BRACKETS
        self._ranges: Iterator[JournalRange] = iter(journal_ranges or [])
        self._next_range = next(self._ranges, None)
        self._range: JournalRange | None = None

    def add(self, row: Any) -> None:
        """Take the next input row."""
        index = self.total
        self.total = index + 1
        if self._next_range is None and self._range is None and self.payload_budget is None:
            self._add_plain(index, row)  # the common case, once per row: keep it short
            return
        if self._range is not None and index >= self._range.end:
            self._close_range()
        if self._next_range is not None and index == self._next_range.start:
            self._flush(index)
            self._range, self._next_range = self._next_range, next(self._ranges, None)
        checked = self._check(index, row)
        if checked is None:
            return
        if self._range is not None:
            self._rows.append(checked)
            return
        if self.existing is not None and checked.main in self.existing:
            self.skipped += 1
            return
        size = self._row_size(checked) if self.payload_budget is not None else 0
        if self._rows and (
            len(self._rows) >= self.chunk_size
            or (self.payload_budget is not None and self._size + size > self.payload_budget)
        ):
            self._flush(index)
        if self.payload_budget is not None and _BRACKETS + size > self.payload_budget:
            self.too_large.append(checked)
            return
        if not self._rows:
            self._start = index
        self._rows.append(checked)
        self._size += size

    def _check(self, index: int, row: Any) -> CheckedRow | None:
        """The checked row, or None when it is invalid or repeats an earlier row's main value
        (then it is in ``invalid``)."""
        try:
            checked = self.checker.check(index, row)
        except RowError as error:
            line = getattr(row, "line", None)
            place, why = where(index, line), str(error)
            message = why if why.startswith(place + " ") else f"{place}: {why}"
            self.invalid.append(InvalidRow(index, row, message, line))
            return None
        # the first occurrence's file line (rows of one input all have one, or none do)
        number = checked.line if checked.line is not None else index + 1
        first = self._seen.add(checked.main, number) if self._seen is not None else None
        if first is not None:
            earlier = f"line {first}" if checked.line is not None else f"row {first}"
            why = f"{where(index, checked.line)}: duplicate of {earlier}"
            self.invalid.append(InvalidRow(index, row, why, checked.line))
            return None
        if index < _FIELDS_FROM_ROWS:
            self.field_names.update(checked.values)
        return checked

    def _add_plain(self, index: int, row: Any) -> None:
        checked = self._check(index, row)
        if checked is None:
            return
        if self.existing is not None and checked.main in self.existing:
            self.skipped += 1
            return
        rows = self._rows
        if len(rows) >= self.chunk_size:
            self._flush(index)
            rows = self._rows
        if not rows:
            self._start = index
        rows.append(checked)

    def finish(self) -> None:
        """The input has ended: flush what is left."""
        if self._range is not None:
            self._close_range()
        self._flush(self.total)
        if self._next_range is not None:
            raise JournalError(
                f"the journal records rows from {self._next_range.start}, but the input has "
                f"only {self.total}: it belongs to another input",
                rows=(self._next_range.start, self._next_range.end),
            )

    def _row_size(self, row: CheckedRow) -> int:
        return len(quote_plus(contacts_json((row,))[1:-1])) + (_COMMA if self._rows else 0)

    def _flush(self, end: int) -> None:
        if self._rows:
            self.ready.append(Chunk(self._start, end, tuple(self._rows)))
        self._rows, self._size, self._start = [], _BRACKETS, end

    def _close_range(self) -> None:
        done, self._range = self._range, None
        assert done is not None
        rows, self._rows = self._rows, []
        chunk = Chunk(done.start, done.end, tuple(rows), ambiguous=True)
        if fingerprint(chunk.contacts) != done.fingerprint:
            raise JournalError(
                f"rows {done.start}-{done.end - 1} differ from the journal's record: "
                "the journal belongs to another input",
                rows=(done.start, done.end),
            )
        if done.state == "confirmed":
            self.resumed += len(rows)
        elif rows:
            self.ready.append(chunk)
        self._start, self._size = done.end, _BRACKETS
