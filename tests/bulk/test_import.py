"""client.group.import_contacts against a small in-memory Afilnet with injected faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from afilnet_async import (
    PermissionDeniedError,
    QueryAuth,
    RetryPolicy,
    ValidationError,
)
from afilnet_async.bulk import ImportProgress, ImportReport

from .fake_afilnet import FakeAfilnet, contacts
from .fake_afilnet import client_for as _client

FAST = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.01)


def _accounted(report: ImportReport) -> None:
    assert report.imported + report.failed == report.total
    assert sum(len(f.rows) for f in report.failures) == report.failed


async def test_every_row_arrives_once_with_bounded_concurrency() -> None:
    fake = FakeAfilnet(latency=0.02)  # long enough for the producer to fill every worker
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            7, contacts(2000), concurrency=5, chunk_size=100
        )
    _accounted(report)
    assert (report.total, report.imported, report.failed) == (2000, 2000, 0)
    assert sorted(fake.mobiles()) == sorted(c["mobile"] for c in contacts(2000))
    assert report.requests == fake.requests.count("addcontactlist") == 20
    assert fake.peak_in_flight == report.peak_concurrency == 5


async def test_bad_rows_are_reported_with_their_position_and_the_rest_go_on() -> None:
    fake = FakeAfilnet()
    rows = [*contacts(3), {"name": "no mobile"}, {"mobile": "12"}, *contacts(3, start=3)]
    async with _client(fake) as client:
        report = await client.group.import_contacts(7, rows)
    _accounted(report)
    assert (report.imported, report.failed) == (6, 2)
    assert [r.index for r in report.failed_rows] == [3, 4]
    assert all(isinstance(f.error, ValidationError) for f in report.failures)
    assert len(fake.stored) == 6


async def test_faults_lose_nothing_and_reconcile_leaves_no_duplicate() -> None:
    fake = FakeAfilnet(rate_429=0.05, rate_503=0.08, rate_lost_answer=0.05, seed=3)
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            7, contacts(3000), concurrency=6, chunk_size=50, retry_policy=FAST
        )
    _accounted(report)
    assert report.imported == 3000
    assert report.retries > 0 and report.rate_limited > 0 and report.reconciled > 0
    counts = Counter(fake.mobiles())
    assert len(counts) == 3000
    assert max(counts.values()) == 1


async def test_without_reconcile_a_lost_answer_duplicates_rows() -> None:
    fake = FakeAfilnet(rate_lost_answer=0.1, seed=3)
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            7, contacts(2000), chunk_size=50, reconcile=False, retry_policy=FAST
        )
    _accounted(report)
    assert report.imported == 2000
    duplicates = len(fake.stored) - len(set(fake.mobiles()))
    assert duplicates > 0


async def test_query_auth_chunks_fit_the_get_limit() -> None:
    fake = FakeAfilnet()
    lengths: list[int] = []
    original = fake.handle

    async def measuring(request):  # type: ignore[no-untyped-def]
        lengths.append(len(str(request.url)))
        return await original(request)

    fake.handle = measuring  # type: ignore[method-assign]
    rows = [*contacts(300), {"mobile": "34699999999", "note": "x" * 5000}]
    async with _client(fake, QueryAuth("user", "pw")) as client:
        report = await client.group.import_contacts(7, rows, chunk_size=200)
    _accounted(report)
    assert report.imported == 300
    assert [r.index for r in report.failed_rows] == [300]
    assert max(lengths) <= 4000
    assert fake.requests.count("addcontactlist") > 2


async def test_a_permission_error_stops_the_import_and_reports_every_row() -> None:
    fake = FakeAfilnet(error_code="NOT_ACCESS_TO_GROUP")
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            99, contacts(5000), concurrency=2, chunk_size=100
        )
    _accounted(report)
    assert (report.imported, report.failed) == (0, 5000)
    assert all(isinstance(f.error, PermissionDeniedError) for f in report.failures)
    assert fake.requests.count("addcontactlist") <= 2


async def test_a_cancelled_import_resumes_from_its_journal(tmp_path: Path) -> None:
    journal = tmp_path / "import.journal"
    fake = FakeAfilnet(latency=0.001)
    rows = contacts(4000)
    progress: list[ImportProgress] = []
    async with _client(fake) as client:
        with anyio.CancelScope() as scope:

            def stop_at_40_percent(event: ImportProgress) -> None:
                progress.append(event)
                if event.imported >= 1600:
                    scope.cancel()

            await client.group.import_contacts(
                7, rows, chunk_size=100, journal=journal, on_progress=stop_at_40_percent
            )
        assert scope.cancelled_caught
        assert 1600 <= len(fake.stored) < 4000
        resumed_progress: list[ImportProgress] = []
        report = await client.group.import_contacts(
            7, rows, chunk_size=100, journal=journal, on_progress=resumed_progress.append
        )
    _accounted(report)
    assert report.imported == 4000 and report.resumed >= 1600
    assert resumed_progress[0].imported >= 1600  # confirmed rows count from the start
    assert resumed_progress[-1].imported == 4000
    counts = Counter(fake.mobiles())
    assert len(counts) == 4000 and max(counts.values()) == 1


async def test_async_iterables_stream_in() -> None:
    async def rows() -> AsyncIterator[dict[str, str]]:
        for row in contacts(450):
            yield row

    fake = FakeAfilnet()
    async with _client(fake) as client:
        report = await client.group.import_contacts(7, rows(), chunk_size=100)
    assert report.imported == 450 and len(fake.stored) == 450


async def test_progress_reaches_the_total() -> None:
    fake = FakeAfilnet()
    events: list[ImportProgress] = []
    async with _client(fake) as client:
        await client.group.import_contacts(
            7, contacts(500), chunk_size=100, on_progress=events.append
        )
    assert events[-1].imported + events[-1].failed == 500
    assert [e.imported for e in events] == sorted(e.imported for e in events)


async def test_the_main_field_comes_from_the_columns_or_the_caller() -> None:
    ambiguous = FakeAfilnet(columns=["mobile", "email"])
    emails = [{"email": f"user{n}@example.com"} for n in range(10)]
    both = [{"email": f"user{n}@example.com", "mobile": f"3460000000{n}"} for n in range(10)]
    async with _client(ambiguous) as client:
        with pytest.raises(ValidationError, match="main_field"):
            await client.group.import_contacts(7, both)  # neither the group nor the rows say
        assert ambiguous.requests == ["getgroupcolumns"], "nothing was sent"
        report = await client.group.import_contacts(7, emails, main_field="email")
        assert (report.imported, report.warnings) == (10, ())
        guessed = await client.group.import_contacts(7, emails)  # the rows say it
    assert guessed.imported == 10
    (warning,) = guessed.warnings
    assert "'email' was taken from the rows" in warning
    email_group = FakeAfilnet(columns=["email", "name"])
    async with _client(email_group) as client:
        report = await client.group.import_contacts(7, [*emails, *contacts(1)])
    assert (report.imported, report.failed) == (10, 1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"idgroup": 0}, "idgroup"),
        ({"idgroup": True}, "idgroup"),
        ({"concurrency": 0}, "concurrency"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"max_per_second": 0}, "max_per_second"),
        ({"concurrency": 101}, "connection pool"),
    ],
)
async def test_bad_arguments_are_refused_before_anything_is_sent(
    arguments: dict[str, object], message: str
) -> None:
    fake = FakeAfilnet()
    call: dict[str, object] = {"idgroup": 7, "contacts": contacts(5), **arguments}
    async with _client(fake) as client:
        with pytest.raises(ValidationError, match=message):
            await client.group.import_contacts(**call)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_max_per_second_caps_the_request_rate() -> None:
    fake = FakeAfilnet()
    async with _client(fake) as client:
        started = anyio.current_time()
        await client.group.import_contacts(7, contacts(500), chunk_size=50, max_per_second=100)
        elapsed = anyio.current_time() - started
    assert fake.requests.count("addcontactlist") == 10
    assert elapsed >= 0.085
