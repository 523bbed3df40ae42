"""client.sms.send_bulk / client.email.send_bulk against the in-process emulator: personalised
messages, money-safe outcomes, the journal that never lets a message go out twice."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from afilnet_async import (
    AfilnetClient,
    AfilnetTimeoutError,
    BalanceError,
    FormAuth,
    JournalError,
    OutcomeUnknownError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
    read_contacts,
)
from afilnet_async.bulk.sends import SendProgress, SendReport
from afilnet_async.emulator import Emulator, Faults

QUICK = RetryPolicy(max_retries=5, initial_delay=0.001, max_delay=0.01)
RICH = 1_000_000.0


def people(count: int, start: int = 0) -> list[dict[str, str]]:
    return [{"mobile": f"3460{n:07d}", "name": f"Person {n}"} for n in range(start, start + count)]


def account(balance: float = RICH, **faults: Any) -> Emulator:
    emu = Emulator(faults=Faults(**faults))
    emu.add_account("shop", "shop-pass", balance=balance)
    return emu


def client_of(emu: Emulator, **options: Any) -> AfilnetClient:
    return emu.client(FormAuth("shop", "shop-pass"), **options)


def accounted(report: SendReport) -> None:
    assert report.sent + report.failed + report.unknown + report.not_sent == report.total
    assert len(report.outcomes) == report.failed + report.unknown + report.not_sent


async def test_each_row_gets_its_own_text_and_nothing_is_sent_twice() -> None:
    emu = account()
    async with client_of(emu) as client:
        report = await client.sms.send_bulk(
            people(50), text="Hola {name}", from_="Shop", concurrency=5
        )
    accounted(report)
    assert (report.total, report.sent, report.failed) == (50, 50, 0)
    assert report.credits == Decimal(50)  # 1 credit per one-part SMS, as Afilnet answered
    assert emu.counters.messages_sent == 50 and emu.counters.duplicates() == {}
    texts = {m.destination: m.text for m in emu.state.messages.values()}
    assert texts["34600000007"] == "Hola Person 7"


async def test_rows_may_carry_their_own_text_and_parameters() -> None:
    emu = account()
    rows = [
        {"to": "+34 600 000 001", "sms": "first", "from": "ShopA"},
        {"mobile": "600000002", "text": "second"},  # the contact column, a national number
    ]
    async with client_of(emu, default_country="ES") as client:
        report = await client.sms.send_bulk(rows, from_="Shop")
    assert (report.sent, report.failed) == (2, 0)
    sent = sorted((m.destination, m.text) for m in emu.state.messages.values())
    assert sent == [("34600000001", "first"), ("34600000002", "second")]


async def test_a_row_that_cannot_be_a_message_fails_alone_and_is_never_sent() -> None:
    emu = account()
    rows = [*people(3), {"name": "no number"}, {"mobile": "12", "name": "x"}, "not a row"]
    async with client_of(emu) as client:
        report = await client.sms.send_bulk(rows, text="Hi {name}", from_="Shop")  # type: ignore[arg-type]
    accounted(report)
    assert (report.sent, report.failed) == (3, 3)
    assert [o.position for o in report.outcomes] == [3, 4, 5]
    assert all(isinstance(o.error, ValidationError) for o in report.outcomes)
    assert emu.counters.by_method["sms.sendsms"] == 3


async def test_no_credits_midway_stops_the_run_within_one_window() -> None:
    emu = account(balance=40)
    concurrency = 8
    async with client_of(emu) as client:
        report = await client.sms.send_bulk(
            people(300), text="Hola {name}", from_="Shop", concurrency=concurrency
        )
    accounted(report)
    assert report.sent == 40
    assert isinstance(report.stopped_by, BalanceError) and report.stopped_by.code == "NO_CREDITS"
    assert report.failed <= concurrency  # the sends in flight when the money ran out
    assert report.not_sent == 300 - 40 - report.failed
    assert report.requests <= 40 + concurrency
    assert all(o.fate in ("failed", "not_sent") for o in report.outcomes)


async def test_a_429_is_waited_out_and_every_message_goes_once() -> None:
    emu = account(rate_429=0.2, retry_after=0.001)
    async with client_of(emu) as client:
        report = await client.sms.send_bulk(
            people(100), text="Hi {name}", from_="Shop", retry_policy=QUICK, concurrency=4
        )
    accounted(report)
    assert report.sent == 100 and report.rate_limited > 0
    assert emu.counters.messages_sent == 100 and emu.counters.duplicates() == {}


async def test_a_lost_answer_is_unknown_and_never_sent_again(tmp_path: Path) -> None:
    emu = account(rate_applied_then_500=0.3, rate_503=0.1)
    journal = tmp_path / "sends.journal"
    async with client_of(emu) as client:
        first = await client.sms.send_bulk(
            people(100), text="Hi {name}", from_="Shop", journal=journal, retry_policy=QUICK
        )
        accounted(first)
        assert first.unknown > 0
        assert all(isinstance(o.error, ServerError) for o in first.outcomes if o.fate == "unknown")
        emu.faults = Faults()
        again = await client.sms.send_bulk(
            people(100), text="Hi {name}", from_="Shop", journal=journal, retry_policy=QUICK
        )
    accounted(again)
    assert (again.resumed, again.requests) == (100, 0), "a resumed run sends nothing settled"
    assert (again.sent, again.unknown) == (first.sent, first.unknown)
    assert emu.counters.duplicates() == {}


async def test_a_single_send_whose_answer_is_lost_is_never_retried() -> None:
    emu = account(rate_applied_then_500=1.0)
    async with client_of(emu, max_retries=3) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.sms.send_sms(from_="Shop", to="34600000001", sms="once")
    assert emu.counters.by_method["sms.sendsms"] == 1
    assert emu.counters.messages_sent == 1
    assert caught.value.qualname == "sms.sendsms"
    assert caught.value.sent == {"from": "Shop", "to": "34600000001", "sms": "once"}
    assert isinstance(caught.value.cause, ServerError)


async def test_a_timeout_after_sending_is_unknown() -> None:
    emu = account(latency=0.3)  # applied at once, answered late
    async with client_of(emu, timeout=0.05) as client:
        report = await client.sms.send_bulk(people(3), text="Hi {name}", from_="Shop")
    assert report.unknown == 3
    assert all(isinstance(o.error, AfilnetTimeoutError) for o in report.outcomes)
    assert emu.counters.messages_sent == 3


async def test_a_dry_run_checks_every_message_and_sends_none(tmp_path: Path) -> None:
    emu = account()
    async with client_of(emu) as client:
        report = await client.sms.send_bulk(
            [*people(5), {"mobile": "12"}], text="Hi {name}", from_="Shop", dry_run=True,
            journal=tmp_path / "j",
        )  # fmt: skip
    assert report.dry_run and (report.sent, report.failed, report.requests) == (5, 1, 0)
    assert emu.counters.messages_sent == 0
    assert not (tmp_path / "j").exists()


async def test_a_journal_of_other_messages_is_refused(tmp_path: Path) -> None:
    emu = account()
    journal = tmp_path / "j"
    async with client_of(emu) as client:
        await client.sms.send_bulk(people(5), text="Hi {name}", from_="Shop", journal=journal)
        with pytest.raises(JournalError, match="message 3 differs") as caught:
            changed = people(5)
            changed[2]["name"] = "someone else"
            await client.sms.send_bulk(changed, text="Hi {name}", from_="Shop", journal=journal)
    assert caught.value.path == journal
    assert emu.counters.messages_sent == 5


async def test_e_mails_in_bulk() -> None:
    emu = account()
    rows = [{"email": f"user{n}@Example.com", "name": f"U{n}"} for n in range(10)]
    async with client_of(emu) as client:
        report = await client.email.send_bulk(rows, subject="News", text="<p>Hi {name}</p>")
    assert report.sent == 10
    destinations = sorted(m.destination for m in emu.state.messages.values())
    assert destinations[0] == "user0@example.com"


async def test_an_e_mail_rows_email_column_is_its_address_never_its_body() -> None:
    emu = account()
    rows = [
        {"email": "ana@example.com", "text": "<p>Hola Ana</p>"},
        {"email": "bob@example.com"},  # no text: refused, nothing sent for it
    ]
    async with client_of(emu) as client:
        report = await client.email.send_bulk(rows, subject="News")
    assert (report.sent, report.failed) == (1, 1)
    (message,) = emu.state.messages.values()
    assert message.destination == "ana@example.com"
    assert message.text.endswith("<p>Hola Ana</p>")
    assert "no text" in str(report.outcomes[0].error)
    assert report.outcomes[0].position == 1 and report.outcomes[0].fate == "failed"


async def test_a_contact_files_bad_lines_fail_and_the_rest_go(tmp_path: Path) -> None:
    emu = account()
    path = tmp_path / "customers.csv"
    path.write_bytes(
        "\ufeffmobile;name\r\n600111222;Ana\r\n600111223;Bob;extra\r\n600111224;Eva\r\n".encode()
    )
    async with client_of(emu) as client:
        with read_contacts(path) as rows:
            report = await client.sms.send_bulk(
                rows, text="Hola {name}", from_="Shop", default_country="ES"
            )
    assert (report.total, report.sent, report.failed) == (3, 2, 1)
    (bad,) = report.outcomes
    assert bad.line == 3 and "line 3 has 3 values" in str(bad.error)
    assert sorted(m.destination for m in emu.state.messages.values()) == [
        "34600111222",
        "34600111224",
    ]


async def test_progress_is_reported_per_message() -> None:
    emu = account()
    seen: list[SendProgress] = []
    async with client_of(emu) as client:
        await client.sms.send_bulk(
            people(20), text="Hi {name}", from_="Shop", on_progress=seen.append
        )
    assert len(seen) == 20 and seen[-1].sent == 20 and seen[-1].credits == Decimal(20)


async def test_bad_arguments_are_refused_before_anything_is_sent() -> None:
    emu = account()
    async with client_of(emu) as client:
        with pytest.raises(ValidationError, match="no parameter"):
            await client.sms.send_bulk(people(1), text="x", from_="Shop", colour="red")
        with pytest.raises(ValidationError, match="concurrency"):
            await client.sms.send_bulk(people(1), text="x", concurrency=0)
    assert emu.counters.requests == 0


# --- the acceptance run: ambiguous faults, a cancellation at ~40 %, a resumed run ----------


SWEEP_FIGURES = ("sent", "failed", "unknown", "not_sent", "resumed", "credits")


async def sweep(size: int, journal: Path) -> dict[str, Any]:
    """``size`` personalised SMS under 10 % ambiguous faults, cancelled at about 40 %,
    then resumed with the same journal: the counts, and what the emulator sent."""
    emu = account(rate_applied_then_500=0.05, rate_drop=0.03, rate_503=0.02)
    rows = people(size)
    progress: list[SendProgress] = []
    async with client_of(emu) as client:
        with anyio.move_on_after(60) as scope:

            def stop_at_40_percent(step: SendProgress) -> None:
                progress.append(step)
                if step.sent + step.failed + step.unknown >= 0.4 * size:
                    scope.cancel()

            await client.sms.send_bulk(
                rows, text="Hola {name}", from_="Shop", journal=journal,
                on_progress=stop_at_40_percent, retry_policy=QUICK, concurrency=10,
            )  # fmt: skip
        assert scope.cancelled_caught, "the run was cancelled part-way"
        sent_at_cancel = emu.counters.messages_sent
        emu.faults = Faults(rate_applied_then_500=0.05, rate_drop=0.03, rate_503=0.02)
        resumed = await client.sms.send_bulk(
            rows, text="Hola {name}", from_="Shop", journal=journal, retry_policy=QUICK,
            concurrency=10,
        )  # fmt: skip
    accounted(resumed)
    assert emu.counters.duplicates() == {}, "a message went out twice"
    confirmed = {o.position for o in resumed.outcomes}
    delivered = {m.destination for m in emu.state.messages.values()}
    for outcome in resumed.outcomes:  # a message reported not sent never reached Afilnet
        if outcome.fate in ("failed", "not_sent"):
            assert outcome.destination not in delivered
    assert resumed.sent <= emu.counters.messages_sent <= resumed.sent + resumed.unknown
    assert len(confirmed) == resumed.failed + resumed.unknown + resumed.not_sent
    return {
        "messages": size,
        "sent by the emulator when cancelled": sent_at_cancel,
        "report after the resumed run": {
            k: v for k, v in resumed.summary().items() if k in SWEEP_FIGURES
        },
        "messages the emulator sent": emu.counters.messages_sent,
        "sent twice": len(emu.counters.duplicates()),
    }


async def test_cancelled_at_40_percent_then_resumed_sends_nothing_twice(tmp_path: Path) -> None:
    figures = await sweep(1500, tmp_path / "sweep.journal")
    print(json.dumps(figures))
    assert figures["sent twice"] == 0


def test_the_journal_makes_an_unsettled_message_unknown_and_a_refused_one_sendable(
    tmp_path: Path,
) -> None:
    """What a resumed run reads: sent-only is unknown; released (certainly not applied) is
    sent again; confirmed is settled."""

    async def run() -> None:
        emu = account(balance=2)
        journal = tmp_path / "j"
        async with client_of(emu) as client:
            first = await client.sms.send_bulk(
                people(4), text="Hi {name}", from_="Shop", journal=journal, concurrency=1
            )
            assert (first.sent, first.failed, first.not_sent) == (2, 1, 1)  # NO_CREDITS
            emu.state.find("shop").balance = 10  # type: ignore[union-attr]
            second = await client.sms.send_bulk(
                people(4), text="Hi {name}", from_="Shop", journal=journal, concurrency=1
            )
        assert (second.sent, second.resumed, second.requests) == (4, 2, 2)
        assert emu.counters.duplicates() == {}

    anyio.run(run)


def test_a_rate_limit_beyond_patience_stops_the_run() -> None:
    async def run() -> SendReport:
        def huge(request: httpx.Request) -> httpx.Response:
            return httpx.Response(429, headers={"Retry-After": "99999"})

        async with AfilnetClient(
            FormAuth("u", "p"),
            base_url="http://127.0.0.1/api/",
            transport=httpx.MockTransport(huge),
        ) as client:
            return await client.sms.send_bulk(people(30), text="x", from_="Shop", concurrency=3)

    report = anyio.run(run)
    accounted(report)
    assert isinstance(report.stopped_by, RateLimitError)
    assert report.requests <= 3 and report.sent == 0
