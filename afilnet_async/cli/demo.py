"""``afilnet demo``: the library at work on the in-process emulator (no account, no network)."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..auth import FormAuth
from ..bulk import ImportProgress, ImportReport

__all__ = ["DemoSummary", "demo", "run_demo"]


@attrs.frozen
class DemoSummary:
    """What the demo did, for printing and for tests."""

    idgroup: int
    report: ImportReport
    read_back: int
    server_peak_in_flight: int


def generated_contacts(count: int) -> Iterator[dict[str, str]]:
    """``count`` distinct contacts of a mobile group, made up on the fly."""
    for number in range(count):
        yield {"mobile": f"346{number:08d}", "name": f"Contact {number}"}


async def run_demo(count: int, concurrency: int, console: Console) -> DemoSummary:
    """Create a group on a fresh in-process emulator, import ``count`` contacts, read them back."""
    from ..emulator import Emulator, Faults  # the emulator extra, loaded for this command only

    emulator = Emulator.demo(faults=Faults(latency=0.005))
    async with emulator.client(FormAuth("demo", "demo")) as client:
        balance = await client.user.get_balance()
        shown = balance.get("balance", balance) if isinstance(balance, dict) else balance
        console.print(f"Logged in to the built-in emulator as [bold]demo[/]; balance: {shown}")
        group = await client.group.create_group(
            name="Demo customers", type="mobile", fields=["mobile", "name"]
        )
        if group.idgroup is None:  # pragma: no cover - the emulator always answers the id
            raise click.ClickException("the emulator did not answer the new group's id")
        console.print(f"Created group {group.idgroup} (type mobile, fields mobile,name)")
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("import", total=count)

            def advance(progress: ImportProgress) -> None:
                bar.update(task, completed=progress.imported + progress.failed)

            report = await client.group.import_contacts(
                group.idgroup,
                generated_contacts(count),
                concurrency=concurrency,
                on_progress=advance,
            )
        stored = await client.group.get_contacts(idgroup=group.idgroup)
    return DemoSummary(
        idgroup=group.idgroup,
        report=report,
        read_back=len(stored),
        server_peak_in_flight=emulator.counters.peak_in_flight,
    )


def _print_summary(summary: DemoSummary, concurrency: int, console: Console) -> None:
    report = summary.report
    rate = report.imported / report.elapsed if report.elapsed else 0.0
    table = Table(show_header=False, title="afilnet demo: a bulk import on the built-in emulator")
    for label, value in (
        ("contacts generated", f"{report.total:,}"),
        ("contacts imported", f"{report.imported:,}"),
        ("contacts failed", f"{report.failed:,}"),
        ("contacts read back from the group", f"{summary.read_back:,}"),
        ("addcontactlist requests", f"{report.requests:,}"),
        ("concurrency asked / peak at server", f"{concurrency} / {summary.server_peak_in_flight}"),
        ("elapsed", f"{report.elapsed:.2f} s ({rate:,.0f} contacts/s)"),
    ):
        table.add_row(label, value)
    console.print(table)


@click.command()
@click.option("--contacts", "count", default=5000, show_default=True, type=click.IntRange(1))
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64))
def demo(count: int, concurrency: int) -> None:
    """Import generated contacts into a new group on the in-process emulator."""
    console = Console()
    summary = anyio.run(run_demo, count, concurrency, console)
    _print_summary(summary, concurrency, console)
    if summary.read_back != count or summary.report.imported != count:
        raise click.ClickException(f"read back {summary.read_back} of {count} contacts")
