"""What an import did: every row is either imported or failed, with the reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import AfilnetError

__all__ = ["FailedRow", "ImportFailure", "ImportProgress", "ImportReport"]


@attrs.frozen
class FailedRow:
    """An input row that was not imported: its 0-based position and its content."""

    index: int
    row: Any


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


@attrs.frozen
class ImportReport:
    """The outcome of ``import_contacts``: ``imported + failed == total``, always."""

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
            "elapsed_s": round(self.elapsed, 3),
            "requests": self.requests,
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "reconciled": self.reconciled,
            "resumed": self.resumed,
            "peak_concurrency": self.peak_concurrency,
        }
