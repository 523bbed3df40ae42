"""import_contacts against the emulator over loopback: the issue's guarantees at CI sizes, in
every answer dialect the emulator speaks (so no path of the importer depends on one reading
of the answers the vendor leaves open: getgroupcolumns, getcontacts)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import anyio
import pytest

from afilnet_async import AfilnetClient, FormAuth, OAuth2Auth, QueryAuth, RetryPolicy
from afilnet_async.auth import AuthStrategy
from afilnet_async.bulk import ImportProgress, ImportReport
from afilnet_async.emulator import DIALECTS, Dialect, Emulator, Faults

from .fake_afilnet import contacts

FAST = RetryPolicy(max_retries=5, initial_delay=0.005, max_delay=0.05)
EVERY_DIALECT = pytest.mark.parametrize("dialect", sorted(DIALECTS))


def _stored(emulator: Emulator, idgroup: int) -> Counter[str]:
    group = emulator.state.groups[idgroup]
    return Counter(values["mobile"] for values in group.contacts.values())


async def _group(client: AfilnetClient) -> int:
    created = await client.group.create_group(
        name="import", type="mobile", fields=["mobile", "name"]
    )
    assert created.idgroup is not None
    return created.idgroup


def _accounted(report: ImportReport) -> None:
    assert report.imported + report.failed == report.total


async def _run(
    emulator: Emulator, auth: AuthStrategy, **kwargs: object
) -> tuple[int, ImportReport]:
    async with (
        emulator.serve() as server,
        AfilnetClient(auth, base_url=server.base_url) as client,
    ):
        idgroup = await _group(client)
        report = await client.group.import_contacts(idgroup, **kwargs)  # type: ignore[arg-type]
    return idgroup, report


async def test_the_server_sees_exactly_the_concurrency_asked_for() -> None:
    emulator = Emulator.demo(faults=Faults(latency=0.02))
    idgroup, report = await _run(
        emulator, FormAuth("demo", "demo"), contacts=contacts(2000), concurrency=5, chunk_size=100
    )
    _accounted(report)
    assert report.imported == 2000
    assert emulator.counters.peak_in_flight == 5
    assert sorted(_stored(emulator, idgroup)) == sorted(c["mobile"] for c in contacts(2000))


@EVERY_DIALECT
async def test_faults_lose_nothing_and_reconcile_leaves_no_duplicate(
    tmp_path: Path, dialect: str
) -> None:
    faults = Faults(
        rate_503=0.08, rate_429=0.04, rate_502=0.02, rate_applied_then_500=0.05, retry_after=0.05
    )
    emulator = Emulator.demo(faults=faults, seed=11, dialect=dialect)
    journal = tmp_path / "faults.journal"
    async with emulator.serve() as server:
        async with AfilnetClient(FormAuth("demo", "demo"), base_url=server.base_url) as client:
            idgroup = await _group(client)
            first = await client.group.import_contacts(  # the main field: from the group
                idgroup, contacts(3000), chunk_size=30, journal=journal, retry_policy=FAST
            )
            rerun = await client.group.import_contacts(
                idgroup, contacts(3000), chunk_size=30, journal=journal, retry_policy=FAST
            )
    _accounted(first)
    _accounted(rerun)
    assert emulator.counters.faults["applied_then_500"] > 0
    assert first.reconciled > 0
    stored = _stored(emulator, idgroup)
    failed = {r.row["mobile"] for r in first.failed_rows}
    assert {c["mobile"] for c in contacts(3000)} - failed <= set(stored)
    assert rerun.imported == 3000
    assert len(stored) == 3000
    assert max(stored.values()) == 1


async def test_blind_retries_duplicate_what_a_lost_answer_applied() -> None:
    emulator = Emulator.demo(faults=Faults(rate_applied_then_500=0.1), seed=5)
    idgroup, report = await _run(
        emulator, FormAuth("demo", "demo"), contacts=contacts(2000), chunk_size=20,
        reconcile=False, retry_policy=FAST,
    )  # fmt: skip
    _accounted(report)
    stored = _stored(emulator, idgroup)
    assert len(stored) == 2000
    assert sum(stored.values()) - len(stored) == 20 * emulator.counters.faults["applied_then_500"]


@EVERY_DIALECT
async def test_cancelled_at_40_percent_the_journal_finishes_the_job(
    tmp_path: Path, dialect: str
) -> None:
    emulator = Emulator.demo(faults=Faults(latency=0.005), dialect=dialect)
    journal = tmp_path / "cancelled.journal"
    async with emulator.serve() as server:
        async with AfilnetClient(FormAuth("demo", "demo"), base_url=server.base_url) as client:
            idgroup = await _group(client)
            with anyio.CancelScope() as scope:

                def stop(progress: ImportProgress) -> None:
                    if progress.imported >= 1200:
                        scope.cancel()

                await client.group.import_contacts(
                    idgroup, contacts(3000), chunk_size=100, journal=journal, on_progress=stop
                )
            assert scope.cancelled_caught
            assert len(_stored(emulator, idgroup)) < 3000
            report = await client.group.import_contacts(
                idgroup, contacts(3000), chunk_size=100, journal=journal
            )
    _accounted(report)
    assert report.resumed >= 1200
    stored = _stored(emulator, idgroup)
    assert len(stored) == 3000
    assert max(stored.values()) == 1


async def test_query_auth_imports_within_the_get_limit() -> None:
    emulator = Emulator.demo()
    rows = [{**c, "name": "Ñandú " * 20} for c in contacts(300)]
    idgroup, report = await _run(emulator, QueryAuth("demo", "demo"), contacts=rows)
    _accounted(report)
    assert report.imported == 300
    assert emulator.counters.by_status.get(414, 0) == 0
    assert emulator.counters.by_method["group.addcontactlist"] > 300 * 200 // 4000
    assert len(_stored(emulator, idgroup)) == 300


async def test_an_account_rate_limit_slows_the_import_without_failing_it() -> None:
    emulator = Emulator.demo(faults=Faults(rps_limit=40, latency=0.005))
    idgroup, report = await _run(
        emulator, OAuth2Auth("demo", "demo"), contacts=contacts(3000), chunk_size=30,
        concurrency=16,
    )  # fmt: skip
    _accounted(report)
    assert report.imported == 3000
    assert report.rate_limited > 0
    assert len(_stored(emulator, idgroup)) == 3000


@pytest.mark.parametrize(
    "dialect",
    [*sorted(DIALECTS), Dialect(name="columns-empty", results={"group.getgroupcolumns": {}})],
    ids=[*sorted(DIALECTS), "columns-empty"],
)
async def test_without_main_field_the_group_or_the_rows_tell_it(dialect: str | Dialect) -> None:
    """No main_field: the group's columns say it in every dialect; a server whose
    getgroupcolumns answers {} leaves the rows to say it, with a warning."""
    emulator = Emulator.demo(dialect=dialect)
    idgroup, report = await _run(emulator, FormAuth("demo", "demo"), contacts=contacts(500))
    _accounted(report)
    assert report.imported == 500
    assert len(_stored(emulator, idgroup)) == 500
    if isinstance(dialect, Dialect):
        (warning,) = report.warnings
        assert "'mobile' was taken from the rows" in warning
    else:
        assert report.warnings == ()
