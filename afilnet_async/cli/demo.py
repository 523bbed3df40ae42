"""``afilnet demo``: the library at work on the in-process emulator (no account, no network).

It creates a group, imports generated contacts into it (the progress bar of ``afilnet
import``), reads them back, and sends the group one SMS, showing the credits it cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import attrs
import click

from ..auth import FormAuth
from ..bulk import ImportReport
from .context import CliState, pass_state
from .importing import report_rows
from .options import dialect_option, option
from .output import emit_summary, to_plain
from .progress import BulkProgress

__all__ = ["DEMO_SMS", "DemoSummary", "demo", "run_demo"]

#: The demo's message: GSM 7-bit and under 160 characters, so one part (1 credit) a contact.
DEMO_SMS = "Hello from the afilnet demo: this message went to every contact of the group."
_COUNTRY_CODE = "es"  # the generated numbers are Spanish mobiles (346...)


@attrs.frozen
class DemoSummary:
    """What the demo did, for printing and for tests."""

    idgroup: int
    report: ImportReport
    read_back: int
    server_peak_in_flight: int
    messages: int
    credits: Decimal
    credits_answered: bool  # false: the send's answer did not say (the balance's difference)
    balance_before: Decimal
    balance_after: Decimal


def generated_contacts(count: int) -> Iterator[dict[str, str]]:
    """``count`` distinct contacts of a mobile group, made up on the fly."""
    for number in range(count):
        yield {"mobile": f"346{number:08d}", "name": f"Contact {number}"}


async def run_demo(
    count: int, concurrency: int, state: CliState, dialect: str = "vendor"
) -> DemoSummary:
    """On a fresh in-process emulator answering in ``dialect``: create a group, import
    ``count`` contacts, read them back, send the group one SMS."""
    from ..emulator import DEMO_BALANCE, DEMO_PASSWORD, DEMO_USER, Emulator, Faults

    emulator = Emulator.demo(faults=Faults(latency=0.005), dialect=dialect)
    account = emulator.state.find(DEMO_USER)
    if account is None:  # pragma: no cover - Emulator.demo() adds it
        raise click.ClickException("the emulator has no demo account")
    account.balance = float(DEMO_BALANCE) + count  # one credit per contact for the SMS
    async with emulator.client(FormAuth(DEMO_USER, DEMO_PASSWORD)) as client:
        before = await client.user.get_balance()
        state.note(
            f"Logged in to the built-in emulator as {DEMO_USER}; balance: "
            f"{to_plain(before.balance):,}"
        )
        group = await client.group.create_group(
            name="Demo customers", type="mobile", fields=["mobile", "name"]
        )
        if group.idgroup is None:  # pragma: no cover - the emulator always answers the id
            raise click.ClickException("the emulator did not answer the new group's id")
        state.note(f"Created group {group.idgroup} (type mobile, fields mobile,name)")
        with BulkProgress(state.stderr, count, transient=True) as bar:
            report = await client.group.import_contacts(
                group.idgroup,
                generated_contacts(count),
                concurrency=concurrency,
                on_progress=bar.imported,
            )
        stored = await client.group.get_contacts(idgroup=group.idgroup)
        peak = emulator.counters.peak_in_flight
        messages_before = emulator.counters.messages_sent
        sent = await client.sms.send_sms_to_group(
            from_="Afilnet", countrycode=_COUNTRY_CODE, idgroup=group.idgroup, sms=DEMO_SMS
        )
        messages = emulator.counters.messages_sent - messages_before  # as the server counted
        state.note(f"Sent the group one SMS: {messages:,} messages")
        after = await client.user.get_balance()
    return DemoSummary(
        idgroup=group.idgroup,
        report=report,
        read_back=len(stored),
        server_peak_in_flight=peak,
        messages=messages,
        credits=sent.credits if sent.credits is not None else before.balance - after.balance,
        credits_answered=sent.credits is not None,
        balance_before=before.balance,
        balance_after=after.balance,
    )


def _print_summary(summary: DemoSummary, concurrency: int, state: CliState) -> None:
    report = summary.report
    credits = f"{to_plain(summary.credits):,}"
    if not summary.credits_answered:
        credits += " (the balance's drop: the send's answer did not say)"
    lines = [
        ("contacts generated", f"{report.total:,}"),
        ("contacts imported", f"{report.imported:,}"),
        ("contacts failed", f"{report.failed:,}"),
        ("contacts read back from the group", f"{summary.read_back:,}"),
        ("addcontactlist requests", f"{report.requests:,}"),
        ("concurrency asked / peak at server", f"{concurrency} / {summary.server_peak_in_flight}"),
        *(row for row in report_rows(report) if row[0] == "elapsed"),
        ("SMS sent to the group (one per contact)", f"{summary.messages:,}"),
        ("credits spent", credits),
        (
            "balance before / after",
            f"{to_plain(summary.balance_before):,} / {to_plain(summary.balance_after):,}",
        ),
    ]
    plain: dict[str, Any] = {
        "idgroup": summary.idgroup,
        "import": dict(report.summary()),
        "read_back": summary.read_back,
        "concurrency": concurrency,
        "server_peak_in_flight": summary.server_peak_in_flight,
        "sms_sent": summary.messages,
        "credits_spent": summary.credits,
        "balance_before": summary.balance_before,
        "balance_after": summary.balance_after,
    }
    emit_summary(
        "afilnet demo: a bulk import and a group SMS on the built-in emulator",
        lines,
        plain,
        as_json=state.as_json,
    )


@click.command()
@option(
    "--contacts",
    "count",
    default=5000,
    type=click.IntRange(1),
    help="How many contacts to generate and import.",
)
@option(
    "--concurrency",
    default=8,
    type=click.IntRange(1, 64),
    help="Import requests in flight at most.",
)
@dialect_option()
@pass_state
def demo(state: CliState, count: int, concurrency: int, dialect: str) -> None:
    """Try the library on the built-in emulator: an import, then a group SMS.

    Generated contacts go into a new group on the in-process emulator (no account, no
    network), are read back, and the group is sent one SMS.
    """
    summary = anyio.run(run_demo, count, concurrency, state, dialect)
    _print_summary(summary, concurrency, state)
    if summary.read_back != count or summary.report.imported != count:
        raise click.ClickException(f"read back {summary.read_back} of {count} contacts")
