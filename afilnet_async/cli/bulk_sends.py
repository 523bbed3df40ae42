"""``afilnet sms send-bulk FILE`` and ``afilnet email send-bulk FILE``: one personalised
message per row of a contact file, never one twice.

The file is read by :func:`~afilnet_async.read_contacts` as ``afilnet import`` reads it. Each
row's ``mobile`` (or ``email``) column is its destination; its text is ``--text`` filled from
the row (``"Hola {name}"``) or the row's ``text`` column. ``--journal`` makes a re-run send
only what was never sent. At the end:

- rows that certainly went nowhere (refused, or not sent because the run stopped) are written
  to ``FILE.failed.csv`` with their error and line: fix and send that file;
- rows whose answer was lost (they may have gone out) are written to ``FILE.unknown.csv``:
  check their delivery before sending any of them again.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import anyio
import click

from ..bulk.sends import MessageOutcome, SendProgress, SendReport
from ..contact_files import ContactFile, read_contacts
from .context import CliState
from .errors import CliError, Interrupted
from .importing import delimiter_option
from .options import country_option, option, parse_encoding
from .output import emit_summary, to_plain
from .progress import BulkProgress

__all__ = ["bulk_send_options", "run_send_bulk", "send_report_rows"]

F = TypeVar("F", bound=Callable[..., Any])
Channel = Literal["sms", "email"]
_RESENDABLE = ("failed", "not_sent")
_COUNTERS = ("sent", "failed", "unknown")


def bulk_send_options(channel: Channel) -> Callable[[F], F]:
    """The options ``sms send-bulk`` and ``email send-bulk`` share."""
    column = "mobile" if channel == "sms" else "email"

    def decorate(command: F) -> F:
        for decorator in reversed(
            [
                click.argument(
                    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
                ),
                option(
                    "--text",
                    "template",
                    default=None,
                    show_default="each row's text column",
                    help="The message, filled from each row's columns: 'Hola {name}'.",
                ),
                delimiter_option(),
                option(
                    "--encoding",
                    default="utf-8",
                    callback=parse_encoding,
                    help="The file's encoding (latin-1, cp1252...); UTF-8 may start with a BOM.",
                ),
                *([country_option("the mobile numbers")] if channel == "sms" else []),
                option(
                    "--journal",
                    type=click.Path(dir_okay=False, path_type=Path),
                    default=None,
                    show_default="none",
                    help="Resume file: the same command with the same journal sends only "
                    "what was never sent, never a message twice.",
                ),
                option(
                    "--concurrency",
                    default=8,
                    type=click.IntRange(1, 100),
                    help="Sends in flight at most (fewer while Afilnet answers 429).",
                ),
                option(
                    "--max-per-second",
                    type=click.FloatRange(0, min_open=True),
                    default=None,
                    show_default="no cap",
                    help="Cap on the send rate.",
                ),
                option(
                    "--dry-run",
                    is_flag=True,
                    help="Check every message and report, send nothing.",
                ),
                option(
                    "--failed-out",
                    type=click.Path(dir_okay=False, path_type=Path),
                    default=None,
                    show_default="FILE.failed.csv",
                    help=f"Where rows that were not sent go (their {column}, columns, error, "
                    "line): safe to send again.",
                ),
                option(
                    "--unknown-out",
                    type=click.Path(dir_okay=False, path_type=Path),
                    default=None,
                    show_default="FILE.unknown.csv",
                    help="Where rows whose answer was lost go: check before sending again.",
                ),
            ]
        ):
            command = decorator(command)
        return command

    return decorate


def send_report_rows(report: SendReport) -> list[tuple[str, str]]:
    """The labelled lines of a bulk send's report, for a table."""
    accounted = report.sent + report.failed + report.unknown + report.not_sent
    check = "✓" if accounted == report.total else "✗"
    sent = "would be sent (dry run)" if report.dry_run else "sent"
    rate = report.sent / report.elapsed if report.elapsed else 0.0
    rows = [
        ("rows in the file", f"{report.total:,}"),
        (sent, f"{report.sent:,}"),
        ("failed (not sent)", f"{report.failed:,}"),
        ("unknown (may have been sent: check before resending)", f"{report.unknown:,}"),
        ("not sent (the run stopped)", f"{report.not_sent:,}"),
        (
            "sent + failed + unknown + not sent",
            f"{report.sent:,} + {report.failed:,} + {report.unknown:,} + {report.not_sent:,}"
            f" = {accounted:,} {check}",
        ),
        ("credits spent", f"{to_plain(report.credits):,}"),
        ("requests / retries / rate limited",
         f"{report.requests:,} / {report.retries:,} / {report.rate_limited:,}"),
        ("resumed from the journal", f"{report.resumed:,}"),
        ("peak concurrency", f"{report.peak_concurrency}"),
        ("elapsed", f"{report.elapsed:.2f} s ({rate:,.0f} messages/s)"),
    ]  # fmt: skip
    if report.stopped_by is not None:
        rows.append(("stopped by", str(report.stopped_by)))
    return rows


def _count(path: Path, contact_file: ContactFile) -> int:
    """The file's records, read once more (for the progress bar's total and time left)."""
    with read_contacts(
        path, delimiter=contact_file.delimiter, encoding=contact_file.encoding
    ) as again:
        return sum(1 for _ in again)


def _write_rows(
    target: Path,
    source: Path,
    contact_file: ContactFile,
    outcomes: Mapping[int, MessageOutcome],
) -> None:
    """The rows of ``source`` at the outcomes' positions, with each one's error and line."""
    with (
        read_contacts(
            source, delimiter=contact_file.delimiter, encoding=contact_file.encoding
        ) as again,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        columns = [*contact_file.header, "error", "line"]
        writer = csv.DictWriter(out, columns, extrasaction="ignore", restval="")
        writer.writeheader()
        for position, row in enumerate(again):
            outcome = outcomes.get(position)
            if outcome is not None:
                error = "" if outcome.error is None else str(outcome.error)
                writer.writerow({**row, "error": error, "line": row.line})


def run_send_bulk(
    state: CliState,
    channel: Channel,
    file: Path,
    *,
    template: str | None,
    delimiter: str | None,
    encoding: str,
    journal: Path | None,
    concurrency: int,
    max_per_second: float | None,
    dry_run: bool,
    failed_out: Path | None,
    unknown_out: Path | None,
    common: Mapping[str, Any],
    country: str | None = None,
) -> None:
    """Send one message per row of ``file`` on ``channel``; print the report; exit 1 unless
    every row was sent."""
    main_field: Literal["mobile", "email"] = "mobile" if channel == "sms" else "email"
    contact_file = read_contacts(
        file, delimiter=delimiter, encoding=encoding, main_field=main_field
    )
    with contact_file:
        total = _count(file, contact_file) if state.stderr.is_terminal else None
        client = state.client(default_country=country)
        bar = BulkProgress(state.stderr, total, unit="messages", counters=_COUNTERS)

        def progress(done: SendProgress) -> None:
            bar.update(done.seen, sent=done.sent, failed=done.failed, unknown=done.unknown)

        async def main() -> SendReport:
            async with client:
                namespace = client.sms if channel == "sms" else client.email
                return await namespace.send_bulk(
                    contact_file,
                    text=template,
                    concurrency=concurrency,
                    journal=journal,
                    max_per_second=max_per_second,
                    on_progress=progress,
                    default_country=country,
                    dry_run=dry_run,
                    **common,
                )

        with bar:
            try:
                report = anyio.run(main)
            except KeyboardInterrupt:
                raise Interrupted(_interrupted(journal)) from None
    for warning in dict.fromkeys(contact_file.warnings):
        state.warn(warning)
    resendable = {o.position: o for o in report.outcomes if o.fate in _RESENDABLE}
    unknown = {o.position: o for o in report.outcomes if o.fate == "unknown"}
    written: dict[str, str | None] = {"failed_file": None, "unknown_file": None}
    for key, outcomes, target in (
        ("failed_file", resendable, failed_out or file.with_suffix(".failed.csv")),
        ("unknown_file", unknown, unknown_out or file.with_suffix(".unknown.csv")),
    ):
        if outcomes:
            _write_rows(target, file, contact_file, outcomes)
            written[key] = str(target)
    _print_report(state, channel, report, file, written)
    if unknown:
        state.note(
            f"{len(unknown)} message(s) may have been sent (their answer was lost): listed in "
            f"{written['unknown_file']}; check their delivery before sending them again"
        )
    if resendable:
        state.note(
            f"{len(resendable)} message(s) were not sent: written with their errors to "
            f"{written['failed_file']}"
        )
    if report.stopped_by is not None:
        raise CliError(f"the run stopped: {report.stopped_by}")
    if resendable or unknown:
        raise click.exceptions.Exit(1)


def _interrupted(journal: Path | None) -> str:
    if journal is not None:
        return (
            f"interrupted: run the same command again (same --journal {journal}) to send the "
            "rest; nothing is sent twice"
        )
    return (
        "interrupted: some messages went out already; without --journal a re-run sends them again"
    )


def _print_report(
    state: CliState,
    channel: Channel,
    report: SendReport,
    file: Path,
    written: Mapping[str, str | None],
) -> None:
    plain = {
        "file": str(file),
        "channel": channel,
        **report.summary(),
        "credits": report.credits,  # a JSON number, as every amount the CLI prints
        **written,
    }
    lines = [("file", str(file)), *send_report_rows(report)]
    lines += [(label, path) for label, path in (
        ("not-sent rows written to", written["failed_file"]),
        ("unknown rows written to", written["unknown_file"]),
    ) if path is not None]  # fmt: skip
    title = f"afilnet {channel} send-bulk" + (": dry run, nothing sent" if report.dry_run else "")
    emit_summary(title, lines, plain, as_json=state.as_json)
