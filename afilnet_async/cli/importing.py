"""``afilnet import FILE --group ID``: a contact file into a group, with a progress bar and a
report.

The file is read by :func:`~afilnet_async.read_contacts`, as a library user reads it: the
delimiter sniffed, UTF-8 with or without a byte-order mark (``--encoding`` otherwise), header
names trimmed and lower-cased, each row with its file line. Failed rows go to
``FILE.failed.csv`` with the input's columns, then ``error`` and ``line``: fix it and import
it as it is (those two columns are left out when the group has no such columns).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio
import click

from ..bulk import DEFAULT_CHUNK_SIZE, ImportReport
from ..bulk.report import FAILED_FILE_COLUMNS
from ..client import AfilnetClient
from ..contact_files import ContactFile, ContactFileError, ContactRow, read_contacts
from .context import CliState, pass_state
from .errors import CliError, Interrupted
from .options import country_option, option, parse_encoding
from .output import emit_summary
from .progress import BulkProgress, import_counts

__all__ = ["delimiter_option", "import_contacts", "report_rows"]

F = TypeVar("F", bound=Callable[..., Any])

_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _delimiter(_: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    delimiter = _DELIMITER_NAMES.get(value.lower(), value)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise click.BadParameter(f"{value!r} is not one character (or tab)")
    return delimiter


def _failed_file_columns(header: tuple[str, ...]) -> tuple[str, ...]:
    """The trailing ``error`` / ``line`` columns of a failed-rows file, if ``header`` ends
    with them (``error`` alone: a file of an earlier version)."""
    for size in range(len(FAILED_FILE_COLUMNS), 0, -1):
        if header[-size:] == FAILED_FILE_COLUMNS[:size]:
            return FAILED_FILE_COLUMNS[:size]
    return ()


def _without(rows: Iterable[ContactRow], columns: frozenset[str]) -> Iterator[ContactRow]:
    """The rows with ``columns`` left out (each row keeps its line and problem)."""
    for row in rows:
        for column in columns:
            row.pop(column, None)
        yield row


def _count(path: Path, contact_file: ContactFile, main_field: Any) -> int | None:
    """The file's records, read once more (for the progress bar's total and time left)."""
    try:
        with read_contacts(
            path,
            delimiter=contact_file.delimiter,
            encoding=contact_file.encoding,
            main_field=main_field,
        ) as again:
            return sum(1 for _ in again)
    except ContactFileError:  # pragma: no cover - read a moment ago
        return None


def report_rows(report: ImportReport) -> list[tuple[str, str]]:
    """The labelled lines of an import report, for a table."""
    rate = report.imported / report.elapsed if report.elapsed else 0.0
    accounted = report.imported + report.failed + report.skipped
    check = "✓" if accounted == report.total else "✗"
    imported = "would be imported (dry run)" if report.dry_run else "imported"
    return [
        ("rows in the file", f"{report.total:,}"),
        (imported, f"{report.imported:,}"),
        ("failed", f"{report.failed:,}"),
        ("skipped (already in the group)", f"{report.skipped:,}"),
        (
            "imported + failed + skipped",
            f"{report.imported:,} + {report.failed:,} + {report.skipped:,} = {accounted:,} {check}",
        ),
        ("addcontactlist requests", f"{report.requests:,}"),
        ("retries / rate limited", f"{report.retries:,} / {report.rate_limited:,}"),
        ("reconciled / resumed from the journal", f"{report.reconciled:,} / {report.resumed:,}"),
        ("peak concurrency", f"{report.peak_concurrency}"),
        ("elapsed", f"{report.elapsed:.2f} s ({rate:,.0f} rows/s)"),
    ]


def delimiter_option() -> Callable[[F], F]:
    """``--delimiter``: one character, or ``tab`` (default: sniffed)."""
    return option(
        "--delimiter",
        default=None,
        callback=_delimiter,
        show_default="sniffed among , ; tab |",
        help="The file's delimiter: one character, or tab.",
    )


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--group", "idgroup", required=True, type=click.IntRange(1), help="The group's id.")
@delimiter_option()
@option(
    "--encoding",
    default="utf-8",
    callback=parse_encoding,
    help="The file's encoding (latin-1, cp1252, utf-16...); UTF-8 may start with a BOM.",
)
@country_option("the mobile numbers")
@option(
    "--main-field",
    type=click.Choice(["mobile", "email"]),
    default=None,
    show_default="the group's",
    help="The column that identifies a contact.",
)
@option(
    "--skip-existing",
    is_flag=True,
    help="Read the group first and skip the rows it already has (counted as skipped).",
)
@option(
    "--dry-run",
    is_flag=True,
    help="Read, check and report everything, send nothing (the failed file is written).",
)
@option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    show_default="none",
    help="Resume file: the same command with the same journal finishes an interrupted "
    "import without sending a row twice.",
)
@option(
    "--concurrency",
    default=8,
    type=click.IntRange(1, 100),
    help="Requests in flight at most (fewer while Afilnet answers 429).",
)
@option(
    "--chunk-size",
    default=DEFAULT_CHUNK_SIZE,
    type=click.IntRange(1),
    help="Rows per addcontactlist request.",
)
@option(
    "--max-per-second",
    type=click.FloatRange(0, min_open=True),
    default=None,
    show_default="no cap",
    help="Cap on the request rate.",
)
@option(
    "--failed-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    show_default="FILE.failed.csv",
    help="Where the failed rows go, with their error and line.",
)
@pass_state
def import_contacts(
    state: CliState,
    file: Path,
    idgroup: int,
    delimiter: str | None,
    encoding: str,
    country: str | None,
    main_field: Any,
    skip_existing: bool,
    dry_run: bool,
    journal: Path | None,
    concurrency: int,
    chunk_size: int,
    max_per_second: float | None,
    failed_out: Path | None,
) -> None:
    """Import a contact file (CSV, TSV) into a group.

    The file's header row names the columns, mobile or email among them.

    Exits 0 when every row was imported or skipped, 1 when a row failed (they are written to
    FILE.failed.csv with their error and line: fix that file and import it as it is).
    """
    contact_file = read_contacts(
        file, delimiter=delimiter, encoding=encoding, main_field=main_field
    )
    with contact_file:
        rows: Iterator[ContactRow] = iter(contact_file)
        first = next(rows, None)
        if first is None:
            raise CliError(f"{file} has no data rows")
        total = _count(file, contact_file, main_field) if state.stderr.is_terminal else None
        client = state.client(default_country=country)
        bar = BulkProgress(state.stderr, total)

        async def main() -> ImportReport:
            async with client:
                dropped = await _columns_to_leave_out(client, idgroup, contact_file.header)
                contacts = itertools.chain([first], rows)
                return await client.group.import_contacts(
                    idgroup,
                    _without(contacts, dropped) if dropped else contacts,
                    concurrency=concurrency,
                    chunk_size=chunk_size,
                    journal=journal,
                    max_per_second=max_per_second,
                    on_progress=bar.imported,
                    main_field=main_field,
                    default_country=country,
                    skip_existing=skip_existing,
                    dry_run=dry_run,
                )

        with bar:
            try:
                report = anyio.run(main)
            except KeyboardInterrupt:
                raise Interrupted(_interrupted(journal)) from None
            # Rows confirmed by the journal of an earlier run are not in the progress callbacks.
            bar.imported(import_counts(report.imported, report.failed, report.skipped))
    for warning in dict.fromkeys([*contact_file.warnings, *report.warnings]):
        state.warn(warning)
    target: Path | None = None
    unwritable: OSError | None = None
    if report.failed:
        target = failed_out or file.with_suffix(".failed.csv")
        try:
            report.write_failed(target, contact_file.header)
        except OSError as error:
            unwritable, target = error, None
    _print_report(state, report, file, idgroup, contact_file, target)
    if unwritable is not None:
        raise unwritable
    if report.failed:
        state.note(f"{report.failed} row(s) failed: written with their errors to {target}")
        raise click.exceptions.Exit(1)


async def _columns_to_leave_out(
    client: AfilnetClient, idgroup: int, header: tuple[str, ...]
) -> frozenset[str]:
    """A failed-rows file's ``error`` and ``line`` columns, unless the group has them."""
    trailing = _failed_file_columns(header)
    if not trailing:
        return frozenset()
    columns = await client.group.get_group_columns(idgroup=idgroup)
    return frozenset(name for name in trailing if name not in columns)


def _interrupted(journal: Path | None) -> str:
    if journal is not None:
        return (
            f"interrupted: run the same command again (same --journal {journal}) to finish "
            "the import"
        )
    return (
        "interrupted: some rows may be imported already; without --journal a re-run sends "
        "them again"
    )


def _print_report(
    state: CliState,
    report: ImportReport,
    file: Path,
    idgroup: int,
    contact_file: ContactFile,
    failed_file: Path | None,
) -> None:
    plain: Mapping[str, Any] = {
        "file": str(file),
        "idgroup": idgroup,
        **report.summary(),
        "warnings": list(dict.fromkeys([*contact_file.warnings, *report.warnings])),
        "failed_file": None if failed_file is None else str(failed_file),
    }
    delimiter = "tab" if contact_file.delimiter == "\t" else repr(contact_file.delimiter)
    lines = [("file", f"{file} (delimiter {delimiter}, {contact_file.encoding})")]
    lines += report_rows(report)
    if failed_file is not None:
        lines.append(("failed rows written to", str(failed_file)))
    title = f"afilnet import into group {idgroup}" + (
        ": dry run, nothing sent" if report.dry_run else ""
    )
    emit_summary(title, lines, plain, as_json=state.as_json)
