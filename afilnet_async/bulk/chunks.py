"""A chunk: consecutive valid rows that go out as one ``addcontactlist`` call."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from .rows import EncodedRow

__all__ = ["Chunk", "contacts_json", "digest"]


def contacts_json(rows: Sequence[EncodedRow]) -> str:
    """The ``contacts`` parameter for ``rows``: a JSON array of their objects."""
    return "[" + ",".join(row.json for row in rows) + "]"


def digest(rows: Sequence[EncodedRow]) -> str:
    """A short fingerprint of the rows' content, to tell a journal from another input."""
    hasher = hashlib.blake2b(digest_size=12)
    for row in rows:
        hasher.update(row.json.encode("utf-8"))
        hasher.update(b"\n")
    return hasher.hexdigest()


@attrs.frozen
class Chunk:
    """Rows ``start`` to ``end`` (exclusive) of the input, less any invalid ones."""

    start: int
    end: int
    rows: tuple[EncodedRow, ...]
    #: A previous run sent this chunk and never learnt whether it was applied.
    ambiguous: bool = False

    @property
    def fingerprint(self) -> str:
        """The digest of the chunk's rows."""
        return digest(self.rows)

    def split(self) -> tuple[Chunk, Chunk]:
        """Two halves (for a chunk too large for one request); needs two rows or more."""
        middle = len(self.rows) // 2
        left, right = self.rows[:middle], self.rows[middle:]
        return (
            Chunk(self.start, right[0].index, left, self.ambiguous),
            Chunk(right[0].index, self.end, right, self.ambiguous),
        )
