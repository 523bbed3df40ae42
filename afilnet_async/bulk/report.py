"""What an import did: every row is imported, failed (with the reason) or skipped."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..errors import AfilnetError

__all__ = ["FAILED_FILE_COLUMNS", "FailedRow", "ImportFailure", "ImportProgress", "ImportReport"]

#: The columns a failed-rows file adds after the input's own: the reason, the input line.
FAILED_FILE_COLUMNS = ("error", "line")


@attrs.frozen
class FailedRow:
    """An input row that was not imported: its 0-based position, its content, and its 1-based
    line in the file it came from (when it came from a file)."""

    index: int
    row: Any
    line: int | None = None


@attrs.frozen
class ImportFailure:
    """Rows that failed together, and why."""

    error: AfilnetError
    rows: tuple[FailedRow, ...]


@attrs.frozen
class ImportProgress:
    """Handed to ``on_progress`` after every chunk: rows seen so far and their fate."""

    seen: int
    imported: int
    failed: int
    requests: int
    skipped: int = 0


@attrs.frozen
class ImportReport:
    """The outcome of ``import_contacts``: ``imported + failed + skipped == total``, always.

    In a dry run nothing was sent: ``imported`` counts the rows that would have been.
    ``warnings`` are the one-line notices of the run (header names read differently, the main
    field guessed from the rows, columns the group does not have).
    """

    total: int
    imported: int
    failed: int
    failures: tuple[ImportFailure, ...]
    elapsed: float
    requests: int
    retries: int
    rate_limited: int
    reconciled: int
    resumed: int
    peak_concurrency: int
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def failed_rows(self) -> list[FailedRow]:
        """Every failed row, in input order."""
        return sorted((r for f in self.failures for r in f.rows), key=lambda r: r.index)

    def summary(self) -> Mapping[str, Any]:
        """The counters as a plain mapping (for logs and JSON)."""
        return {
            "total": self.total,
            "imported": self.imported,
            "failed": self.failed,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "elapsed_s": round(self.elapsed, 3),
            "requests": self.requests,
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "reconciled": self.reconciled,
            "resumed": self.resumed,
            "peak_concurrency": self.peak_concurrency,
            "warnings": list(self.warnings),
        }

    def write_failed(
        self, path: str | os.PathLike[str], columns: Sequence[str] | None = None
    ) -> int:
        """Write the failed rows as CSV: ``columns`` (the input's, in their order; by default
        every field the failed rows have, in the order first seen), then ``error`` and
        ``line`` (the 1-based line of the input file, or the row's 1-based number). The file
        can be fixed and imported as it is: the importer's CLI leaves those two columns out.
        Returns the rows written."""
        rows = self.failed_rows
        errors = {r.index: str(f.error) for f in self.failures for r in f.rows}
        header = list(columns) if columns is not None else _fields(rows)
        header += [name for name in FAILED_FILE_COLUMNS if name not in header]
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header, extrasaction="ignore", restval="")
            writer.writeheader()
            for failed in rows:
                values = failed.row if isinstance(failed.row, Mapping) else {}
                line = failed.line if failed.line is not None else failed.index + 1
                writer.writerow(
                    {**{str(k): v for k, v in values.items()}, "error": errors[failed.index],
                     "line": line}
                )  # fmt: skip
        return len(rows)


def _fields(rows: Iterable[FailedRow]) -> list[str]:
    names: dict[str, None] = {}
    for failed in rows:
        if isinstance(failed.row, Mapping):
            names.update(dict.fromkeys(str(k) for k in failed.row))
    return list(names)
