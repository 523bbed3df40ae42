"""The import journal: an append-only, fsync'd JSON-lines record of chunks sent and confirmed.

A later run with the same journal and the same input skips what was confirmed, reconciles what
was sent but never confirmed, and sends the rest. A torn last line (a crash mid-write) is
ignored; anything else unreadable is an error rather than a guess.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Literal

import attrs

from ..errors import AfilnetError
from .chunks import Chunk

__all__ = ["Journal", "JournalError", "JournalRange"]

_FORMAT = "afilnet-async import journal"
_VERSION = 1


class JournalError(AfilnetError):
    """The journal cannot be used: unreadable, for another group, or for another input."""


@attrs.frozen
class JournalRange:
    """Rows ``start`` to ``end`` (exclusive) of an earlier run, confirmed or only sent."""

    start: int
    end: int
    fingerprint: str
    state: Literal["confirmed", "sent"]


def _load(path: Path, idgroup: int) -> list[JournalRange]:
    lines = path.read_text(encoding="utf-8").splitlines()
    records = []
    for number, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number == len(lines) - 1:
                break  # torn by a crash while it was being written
            raise JournalError(f"{path}: line {number + 1} is not JSON") from None
    if not records or records[0].get("format") != _FORMAT:
        raise JournalError(f"{path} is not an afilnet-async import journal")
    if records[0].get("idgroup") != idgroup:
        raise JournalError(f"{path} is the journal of group {records[0].get('idgroup')}")
    ranges: dict[int, JournalRange] = {}
    for record in records[1:]:
        start, end = record["rows"]
        known = ranges.get(start)
        if known is None or known.state == "sent":
            confirmed = record["event"] == "confirmed"
            state: Literal["confirmed", "sent"] = "confirmed" if confirmed else "sent"
            ranges[start] = JournalRange(start, end, record["fingerprint"], state)
    return sorted(ranges.values(), key=lambda r: r.start)


class Journal:
    """Append-only record of one import into one group; every write is flushed and fsync'd."""

    def __init__(self, path: str | os.PathLike[str], idgroup: int) -> None:
        self.path = Path(path)
        self.ranges: list[JournalRange] = []
        if self.path.exists() and self.path.stat().st_size:
            self.ranges = _load(self.path, idgroup)
            self._file: IO[str] = self.path.open("a", encoding="utf-8")
        else:
            self._file = self.path.open("w", encoding="utf-8")
            self._write({"format": _FORMAT, "version": _VERSION, "idgroup": idgroup})

    def _write(self, record: dict[str, object]) -> None:
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def _event(self, event: str, chunk: Chunk) -> None:
        rows = [chunk.start, chunk.end]
        self._write({"event": event, "rows": rows, "fingerprint": chunk.fingerprint})

    def record_sent(self, chunk: Chunk) -> None:
        """Before a chunk goes out: if the run dies now, the next one must reconcile it."""
        self._event("sent", chunk)

    def record_confirmed(self, chunk: Chunk) -> None:
        """After Afilnet confirmed the chunk."""
        self._event("confirmed", chunk)

    def close(self) -> None:
        """Close the file (records already written are durable)."""
        self._file.close()
