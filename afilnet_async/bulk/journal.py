"""The bulk journal: an append-only, fsync'd JSON-lines record of work sent and confirmed.

Each record names a range of input rows (a chunk of an import, one message of a send), its
fingerprint and what happened: ``sent`` (it went out; the outcome is not known yet),
``confirmed`` (Afilnet accepted it; a send adds the message id and credits) or ``released``
(it certainly was not applied: it may go out again). A later run with the same journal and
the same input skips what was confirmed and treats what was only sent as of unknown outcome
(an import reconciles it; a send reports it, never sends it again).

Records are buffered and made durable together (:meth:`Journal.buffer`, :meth:`Journal.sync`):
a bulk run waits for the sync that covers its record before it sends, and concurrent senders
share one fsync (group commit).
A torn last line (a crash mid-write) is ignored; anything else unreadable is an error rather
than a guess.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import attrs

from ..errors import AfilnetError

__all__ = ["Journal", "JournalError", "JournalRange", "Recorded"]

_FORMAT = "afilnet-async import journal"
_VERSION = 1


class JournalError(AfilnetError):
    """The journal cannot be used: unreadable, unwritable, for another group or run, or for
    another input. ``path`` is the journal; ``rows`` the 0-based input range concerned (if
    any)."""

    def __init__(
        self, message: str, *, path: Path | None = None, rows: tuple[int, int] | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.rows = rows

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.args, self.__dict__))


def _restore(args: tuple[Any, ...], state: dict[str, Any]) -> JournalError:
    error = JournalError.__new__(JournalError, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class Recorded(Protocol):
    """What the journal records of a unit of work: its input range and fingerprint."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...


@attrs.frozen
class JournalRange:
    """Rows ``start`` to ``end`` (exclusive) of an earlier run, confirmed or only sent.

    ``details`` holds what the confirmation carried (a send's ``messageid`` and
    ``credits``).
    """

    start: int
    end: int
    fingerprint: str
    state: Literal["confirmed", "sent"]
    details: Mapping[str, Any] = attrs.field(factory=dict, eq=False)


def _load(path: Path, header: Mapping[str, Any]) -> list[JournalRange]:
    lines = path.read_text(encoding="utf-8").splitlines()
    records = []
    for number, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number == len(lines) - 1:
                break  # torn by a crash while it was being written
            raise JournalError(f"{path}: line {number + 1} is not JSON", path=path) from None
    if not records or not isinstance(records[0], dict) or records[0].get("format") != _FORMAT:
        raise JournalError(f"{path} is not an afilnet-async journal", path=path)
    for key, value in header.items():
        if records[0].get(key, "import" if key == "kind" else None) != value:
            raise JournalError(
                f"{path} is the journal of another run: {key} {records[0].get(key)}, not {value}",
                path=path,
            )
    ranges: dict[int, JournalRange] = {}
    try:
        for record in records[1:]:
            start, end = record["rows"]
            known = ranges.get(start)
            if record["event"] == "released":  # certainly not applied: as if never sent
                if known is not None and known.state == "sent":
                    del ranges[start]
                continue
            if known is None or known.state == "sent":
                confirmed = record["event"] == "confirmed"
                state: Literal["confirmed", "sent"] = "confirmed" if confirmed else "sent"
                details = {k: v for k, v in record.items() if k not in ("event", "rows")}
                ranges[start] = JournalRange(start, end, record["fingerprint"], state, details)
    except (KeyError, TypeError, ValueError):
        raise JournalError(f"{path} has a record this version cannot read", path=path) from None
    return sorted(ranges.values(), key=lambda r: r.start)


class Journal:
    """Append-only record of one bulk run; every record is fsync'd before it counts.

    ``header`` identifies the run (``{"idgroup": 12}`` for an import): a journal written for
    another one is refused. OS errors are :class:`JournalError`. :meth:`buffer` may be called
    from the event loop while :meth:`sync` runs in a worker thread.
    """

    def __init__(self, path: str | os.PathLike[str], header: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.ranges: list[JournalRange] = []
        self._lock = threading.Lock()
        self._buffered: list[str] = []
        self._last_rows: tuple[int, int] | None = None
        self._broken: JournalError | None = None  # a failed write: every later sync fails too
        self.queued = self.synced = 0  # records buffered / made durable so far
        try:
            if self.path.exists() and self.path.stat().st_size:
                self.ranges = _load(self.path, header)
                self._file: IO[str] = self.path.open("a", encoding="utf-8")
            else:
                self._file = self.path.open("w", encoding="utf-8")
                self._write({"format": _FORMAT, "version": _VERSION, **header})
        except OSError as error:
            raise JournalError(f"{self.path}: {error.strerror or error}", path=self.path) from None
        except UnicodeDecodeError:
            raise JournalError(
                f"{self.path} is not an afilnet-async journal", path=self.path
            ) from None

    def _write(self, record: Mapping[str, object]) -> None:
        self.buffer(record)
        self.sync()

    def buffer(self, record: Mapping[str, object]) -> int:
        """Queue ``record`` (nothing durable yet); its number, for :meth:`sync`."""
        line = json.dumps(record, separators=(",", ":")) + "\n"
        rows = record.get("rows")
        with self._lock:
            self._buffered.append(line)
            if isinstance(rows, list):
                self._last_rows = (rows[0], rows[1])
            self.queued += 1
            return self.queued

    def sync(self) -> int:
        """Write, flush and fsync every buffered record; the number of the last one synced."""
        if self._broken is not None:
            raise JournalError(*self._broken.args, path=self.path, rows=self._broken.rows)
        with self._lock:
            lines, self._buffered = self._buffered, []
            upto, rows = self.queued, self._last_rows
        if lines:
            try:
                self._file.write("".join(lines))
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError as error:
                self._broken = JournalError(
                    f"{self.path}: could not record ({error.strerror or error})",
                    path=self.path, rows=rows,
                )  # fmt: skip
                raise JournalError(*self._broken.args, path=self.path, rows=rows) from None
        self.synced = max(self.synced, upto)
        return upto

    def event(self, event: str, unit: Recorded, **details: Any) -> int:
        """Buffer the record of ``event`` (``sent`` before a unit goes out, ``confirmed`` after
        Afilnet accepted it, with a send's ``messageid`` and ``credits``, ``released`` when it
        certainly was not applied) for ``unit``; its number for :meth:`sync`."""
        rows = [unit.start, unit.end]
        return self.buffer({"event": event, "rows": rows, "fingerprint": unit.fingerprint,
                            **details})  # fmt: skip

    def close(self) -> None:
        """Close the file (records already synced are durable; buffered ones are synced)."""
        try:
            if self._broken is None:
                self.sync()
        finally:
            self._file.close()
