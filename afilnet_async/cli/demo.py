"""``afilnet demo``: the library at work on the in-process emulator, no account or network needed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import anyio
import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..auth import FormAuth
from ..client import AfilnetClient
from ..emulator import Emulator, Faults

__all__ = ["demo", "run_demo"]


@attrs.frozen
class DemoSummary:
    """What the demo did, for printing and for tests."""

    idgroup: int
    generated: int
    imported: int
    read_back: int
    requests: int
    elapsed: float
    peak_in_flight: int


def _contacts(count: int) -> Iterator[dict[str, str]]:
    for number in range(count):
        yield {"mobile": f"346{number:08d}", "name": f"Contact {number}"}


def _chunks(count: int, size: int) -> Iterator[list[dict[str, str]]]:
    rows = _contacts(count)
    while chunk := [row for _, row in zip(range(size), rows, strict=False)]:
        yield chunk


async def _import(
    client: AfilnetClient, idgroup: int, count: int, chunk_size: int, concurrency: int,
    progress: Progress,
) -> tuple[int, int]:  # fmt: skip
    """Concurrent add_contact_list calls, at most ``concurrency`` in flight; (imported, requests)."""
    task = progress.add_task("importing", total=count)
    chunks = _chunks(count, chunk_size)
    totals = {"imported": 0, "requests": 0}

    async def worker() -> None:
        for chunk in chunks:  # a shared iterator: each chunk goes to exactly one worker
            result = await client.group.add_contact_list(idgroup=idgroup, contacts=chunk)
            totals["imported"] += int(result.get("added", len(chunk)))
            totals["requests"] += 1
            progress.advance(task, len(chunk))

    async with anyio.create_task_group() as workers:
        for _ in range(concurrency):
            workers.start_soon(worker)
    return totals["imported"], totals["requests"]


async def run_demo(
    count: int, concurrency: int, chunk_size: int, console: Console
) -> DemoSummary:
    """Create a group on a fresh in-process emulator, import ``count`` contacts, read them back."""
    emulator = Emulator.demo(faults=Faults(latency=0.005))
    async with emulator.client(FormAuth("demo", "demo")) as client:
        balance = await client.user.get_balance()
        console.print(f"Logged in to the emulator as [bold]demo[/]; balance: {balance}")
        group = await client.group.create_group(
            name="Demo customers", type="mobile", fields=["mobile", "name"]
        )
        if group.idgroup is None:  # pragma: no cover - the emulator always answers the id
            raise click.ClickException("the emulator did not answer the new group's id")
        console.print(f"Created group {group.idgroup} (type mobile, fields mobile,name)")
        started = time.perf_counter()
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            imported, requests = await _import(
                client, group.idgroup, count, chunk_size, concurrency, progress
            )
        elapsed = time.perf_counter() - started
        stored = await client.group.get_contacts(idgroup=group.idgroup)
    return DemoSummary(
        idgroup=group.idgroup,
        generated=count,
        imported=imported,
        read_back=len(stored),
        requests=requests,
        elapsed=elapsed,
        peak_in_flight=emulator.counters.peak_in_flight,
    )


def _print_summary(summary: DemoSummary, concurrency: int, console: Console) -> None:
    table = Table("", "", title="afilnet demo: bulk import on the built-in emulator")
    rate = summary.imported / summary.elapsed if summary.elapsed else 0.0
    for label, value in (
        ("contacts generated", f"{summary.generated:,}"),
        ("contacts imported", f"{summary.imported:,}"),
        ("contacts read back", f"{summary.read_back:,}"),
        ("add_contact_list requests", f"{summary.requests:,}"),
        ("concurrency asked / peak seen by server", f"{concurrency} / {summary.peak_in_flight}"),
        ("elapsed", f"{summary.elapsed:.2f} s ({rate:,.0f} contacts/s)"),
    ):
        table.add_row(label, value)
    console.print(table)


@click.command()
@click.option("--contacts", "count", default=5000, show_default=True, type=click.IntRange(1))
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--chunk-size", default=200, show_default=True, type=click.IntRange(1, 5000))
def demo(count: int, concurrency: int, chunk_size: int) -> None:
    """Import generated contacts into a new group on the in-process emulator."""
    console = Console()
    summary = anyio.run(run_demo, count, concurrency, chunk_size, console)
    _print_summary(summary, concurrency, console)
    if summary.read_back != summary.generated:
        raise click.ClickException(
            f"read back {summary.read_back} of {summary.generated} contacts"
        )
