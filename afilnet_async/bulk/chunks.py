"""A chunk: consecutive valid rows that go out as one ``addcontactlist`` call."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import attrs

from .rows import CheckedRow

__all__ = ["Chunk", "contacts_json", "fingerprint"]

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
