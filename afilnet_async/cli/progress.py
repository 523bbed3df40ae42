"""The one progress bar of the bulk commands (``afilnet import``, ``afilnet demo``).

A bar and one line of labelled counts::

    ━━━━━━━━━━━━━━━━━━━━━━━ rows 1,200/20,000 · imported 1,150 · failed 40 · skipped 10 ·
    1,000 rows/s · elapsed 0:00:02 · left 0:00:30

shown only when its console is a terminal (no bar in logs and pipes: the report says it
all). The unit and the counters are the caller's, so a bulk send (``sent``, ``failed``) uses
the same bar: :meth:`BulkProgress.update` takes the rows done and any counters by name.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID
from rich.text import Text

from ..bulk import ImportProgress

__all__ = ["BulkProgress", "import_counts"]


def _clock(seconds: float) -> str:
    return str(datetime.timedelta(seconds=max(int(seconds), 0)))


class _Counts(ProgressColumn):
    """``rows 1,200/20,000 · imported 1,150 · ... · 1,000 rows/s · elapsed · left``."""

    def __init__(self, unit: str, counters: Sequence[str]) -> None:
        super().__init__()
        self.unit, self.counters = unit, tuple(counters)

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        total = f"/{int(task.total):,}" if task.total is not None else ""
        parts = [f"{self.unit} {done:,}{total}"]
        parts += [f"{name} {int(task.fields.get(name, 0)):,}" for name in self.counters]
        elapsed = task.elapsed or 0.0
        rate = done / elapsed if elapsed > 0 else 0.0
        parts.append(f"{rate:,.0f} {self.unit}/s" if rate else f"- {self.unit}/s")
        parts.append(f"elapsed {_clock(elapsed)}")
        if task.total is not None and rate:
            parts.append(f"left {_clock((task.total - done) / rate)}")
        return Text(" · ".join(parts))


class BulkProgress:
    """A progress bar of ``total`` items (``None``: unknown) with labelled ``counters``.

    ``with BulkProgress(console, total, counters=("imported", "failed", "skipped")) as bar:
    bar.update(done, imported=..., failed=..., skipped=...)``. Disabled (nothing printed)
    unless ``console`` is a terminal; ``transient`` clears it when done.
    """

    def __init__(
        self,
        console: Console,
        total: int | None,
        *,
        unit: str = "rows",
        counters: Sequence[str] = ("imported", "failed", "skipped"),
        transient: bool = False,
    ) -> None:
        self.enabled = console.is_terminal
        self._progress = Progress(
            BarColumn(bar_width=24),
            _Counts(unit, counters),
            console=console,
            transient=transient,
            disable=not self.enabled,
        )
        self._task: TaskID = self._progress.add_task(unit, total=total)

    def __enter__(self) -> BulkProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def update(self, done: int, **counts: int) -> None:
        """``done`` items so far, and the counters by name."""
        fields: dict[str, Any] = dict(counts)
        self._progress.update(self._task, completed=done, **fields)

    def imported(self, progress: ImportProgress) -> None:
        """An ``on_progress`` callback of ``import_contacts``."""
        done = progress.imported + progress.failed + progress.skipped
        self.update(
            done, imported=progress.imported, failed=progress.failed, skipped=progress.skipped
        )


def import_counts(imported: int, failed: int, skipped: int) -> ImportProgress:
    """An :class:`ImportProgress` of final counts (a report's), for the bar's last update."""
    return ImportProgress(
        seen=imported + failed + skipped,
        imported=imported,
        failed=failed,
        requests=0,
        skipped=skipped,
    )
