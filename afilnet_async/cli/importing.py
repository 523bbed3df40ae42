"""``afilnet import FILE.csv --group ID``: a bulk import with a progress bar and a report."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..bulk import ImportProgress, ImportReport
from .errors import CliError, Interrupted
from .output import emit
from .settings import client_from_environment

__all__ = ["import_csv"]


#: The column ``afilnet import`` adds to FILE.failed.csv; skipped when that file is re-imported
#: (unless the group itself has a column of that name).
ERROR_COLUMN = "error"


def _rows(path: Path, skip: frozenset[str] = frozenset()) -> Iterator[dict[str, str]]:
    """The CSV's rows as dicts (streamed), with empty cells and ``skip`` columns left out."""
    with _reading(path), path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            yield {
                key: value
                for key, value in row.items()
                if key and key not in skip and value not in (None, "")
            }


def _header(path: Path) -> list[str]:
    with _reading(path), path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def _count_rows(path: Path) -> int:
    """Data rows as DictReader sees them (blank lines skipped), without building the dicts:
    a second pass over the file, for the progress bar's total and ETA."""
    with _reading(path), path.open(newline="", encoding="utf-8-sig") as handle:
        return max(0, sum(1 for row in csv.reader(handle) if row) - 1)  # less the header


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A file that is not UTF-8 CSV is one line for the user, not a traceback."""
    try:
        yield
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except csv.Error as exc:
        raise CliError(f"{path} is not a readable CSV: {exc}") from None


def _write_failed(report: ImportReport, path: Path) -> None:
    rows = report.failed_rows
    errors = {r.index: str(f.error) for f in report.failures for r in f.rows}
    fields: dict[str, None] = {}
    for failed in rows:
        if isinstance(failed.row, dict):
            fields.update(dict.fromkeys(failed.row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*fields, "error"], extrasaction="ignore")
        writer.writeheader()
        for failed in rows:
            row: dict[str, Any] = dict(failed.row) if isinstance(failed.row, dict) else {}
            writer.writerow({**row, "error": errors[failed.index]})


@click.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--group", "idgroup", required=True, type=click.IntRange(1), help="Group id.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 100))
@click.option("--chunk-size", default=None, type=click.IntRange(1), help="Rows per request.")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), help="Resume file.")
@click.option("--max-per-second", type=click.FloatRange(0, min_open=True), help="Request cap.")
@click.option("--main-field", type=click.Choice(["mobile", "email"]), help="Default: from group.")
@click.option(
    "--failed-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where failed rows go (default: FILE.failed.csv).",
)
@click.pass_obj
def import_csv(
    options: Any,
    csv_file: Path,
    idgroup: int,
    concurrency: int,
    chunk_size: int | None,
    journal: Path | None,
    max_per_second: float | None,
    main_field: Any,
    failed_out: Path | None,
) -> None:
    """Import a CSV (header row: mobile or email, then any fields) into a group.

    Failed rows are written with an ``error`` column to FILE.failed.csv (or --failed-out);
    fix them and import that file: its ``error`` column is not sent. Exits 1 if a row failed.
    """
    console = Console(stderr=True)
    total = _count_rows(csv_file)
    if total == 0:
        raise CliError(f"{csv_file} has no data rows")
    client = client_from_environment(options.auth, options.base_url)  # credentials first
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,  # no bar in logs and pipes: the report says it all
    ) as bar:
        task: TaskID = bar.add_task("import", total=total, rate="-")

        def advance(progress: ImportProgress) -> None:
            done = progress.imported + progress.failed
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:,.0f}" if elapsed else "-"
            bar.update(task, completed=done, rate=rate)

        async def main() -> ImportReport:
            async with client:
                skip: frozenset[str] = frozenset()
                if ERROR_COLUMN in _header(csv_file):  # a FILE.failed.csv, fixed and re-imported
                    columns = await client.group.get_group_columns(idgroup=idgroup)
                    if ERROR_COLUMN not in columns:
                        skip = frozenset({ERROR_COLUMN})
                return await client.group.import_contacts(
                    idgroup,
                    _rows(csv_file, skip),
                    concurrency=concurrency,
                    chunk_size=chunk_size,
                    journal=journal,
                    max_per_second=max_per_second,
                    on_progress=advance,
                    main_field=main_field,
                )

        try:
            report = anyio.run(main)
        except KeyboardInterrupt:
            raise Interrupted(
                f"interrupted: run the same command again (same --journal {journal}) to finish "
                "the import"
                if journal is not None
                else "interrupted: some rows may be imported already; without --journal a "
                "re-run sends them again"
            ) from None
        # Rows confirmed by the journal of an earlier run are not in the progress callbacks.
        bar.update(task, completed=report.imported + report.failed)
    emit(report.summary(), as_json=options.as_json)
    if report.failed:
        target = failed_out or csv_file.with_suffix(".failed.csv")
        _write_failed(report, target)
        console.print(
            f"{report.failed} row(s) failed: written with their errors to {target}", markup=False
        )
        raise click.exceptions.Exit(1)
