"""A worker that imports a CSV file of contacts into a group: streamed, resumable, reported.

The file is read with ``read_contacts`` (a spreadsheet export: ``,`` or ``;``, a BOM, odd
header spellings; a ``mobile`` or ``email`` column) one row at a time, and imported with
``import_contacts`` under a journal (``FILE.journal`` unless ``--journal`` says otherwise).
Stop it (Ctrl-C, a deploy) and run the same command again: it sends only what the journal
does not show confirmed. At the end it prints the report; rows that failed are written to
``FILE.failed.csv`` with the file's own columns plus ``error`` and ``line``, to fix and
import again. Exit status: 0 when every row is in, 1 when some failed, 2 on an error.

Against the real API::

    export AFILNET_USER=you@example.com AFILNET_PASSWORD='...'
    python examples/import_worker.py customers.csv --group 1234

Against the emulator: run ``afilnet emulator --port 8765`` in another terminal, then::

    export AFILNET_BASE_URL=http://127.0.0.1:8765/api/ AFILNET_USER=demo AFILNET_PASSWORD=demo
    afilnet groups create Customers --type mobile --fields mobile,name   # group 1000
    python examples/import_worker.py customers.csv --group 1000
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import anyio

from afilnet_async import AfilnetClient, AfilnetError, ImportProgress, ImportReport, read_contacts


async def import_file(
    path: Path, idgroup: int, *, journal: Path, failed_out: Path, concurrency: int = 8
) -> ImportReport:
    """Import ``path`` into group ``idgroup``; write the failed rows (if any) to ``failed_out``."""

    def progress(done: ImportProgress) -> None:
        print(f"  {done.seen} rows read, {done.imported} imported, {done.failed} failed")

    async with AfilnetClient.from_env() as client:
        with read_contacts(path) as contacts:
            for warning in contacts.warnings:
                print(f"note: {warning}")
            report = await client.group.import_contacts(
                idgroup,
                contacts,
                concurrency=concurrency,
                journal=journal,
                on_progress=progress,
            )
    if report.failed:
        report.write_failed(failed_out, contacts.header)
    return report


def print_report(report: ImportReport, failed_out: Path) -> None:
    print(
        f"{report.total} rows: {report.imported} imported ({report.resumed} by an earlier run), "
        f"{report.failed} failed, {report.skipped} skipped; "
        f"{report.requests} requests in {report.elapsed:.2f} s"
    )
    for warning in report.warnings:
        print(f"warning: {warning}")
    for failure in report.failures:
        lines = ", ".join(str(row.line) for row in failure.rows)
        print(f"failed (line {lines}): {failure.error}")
    if report.failed:
        print(f"the failed rows are in {failed_out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", type=Path, help="a CSV file with a mobile or email column")
    parser.add_argument("--group", type=int, required=True, help="the group's id")
    parser.add_argument("--journal", type=Path, help="default: FILE.journal")
    parser.add_argument("--concurrency", type=int, default=8, help="chunks in flight at most")
    args = parser.parse_args(argv)
    journal: Path = args.journal or args.file.with_name(args.file.name + ".journal")
    failed_out = args.file.with_suffix(".failed.csv")
    try:
        run = functools.partial(
            import_file, args.file, args.group, journal=journal, failed_out=failed_out,
            concurrency=args.concurrency,
        )  # fmt: skip
        report = anyio.run(run)
    except KeyboardInterrupt:
        print(f"interrupted: run the same command again to finish (journal: {journal})")
        return 130
    except AfilnetError as error:  # a file it cannot read, credentials refused...
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    print_report(report, failed_out)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
