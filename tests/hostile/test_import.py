"""The bulk importer against a hostile server: 429s with absurd Retry-After, only 429s, 401s.

- One 429 with ``Retry-After: 99999999`` (or an HTTP date ten years ahead): the import stops
  sending, returns in under 5 s with every row accounted for (the rows left failed with
  :class:`RateLimitError`), and a re-run with the same journal against a healthy server (the
  emulator) completes it, no row lost or doubled.
- ``Retry-After: -5`` on every answer, or only 429s with a small Retry-After: no more than 10
  requests per chunk, and the import ends (within 2 minutes under the default policy).
- Every request answered a bare 401: the import stops after the first answers and sends no
  more chunks (at most ``concurrency`` requests).

Requests are counted at the server; a chunk is known by the contacts it carries.
"""

from __future__ import annotations

import email.utils
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest

from afilnet_async import AuthenticationError, FormAuth, ImportReport, RateLimitError, RetryPolicy
from afilnet_async.emulator import Emulator

from .conftest import ServeFactory
from .helpers import Case, client_on, rows
from .server import HostileServer, by_call, delayed, envelope, rate_limited, reply, sequence

ADD = "group.addcontactlist"
IDGROUP = 1000
TOTAL, CHUNK, CONCURRENCY = 100, 10, 4
#: Small delays, so the cases where every answer is a 429 run in a second or so.
FAST = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.05)
MAX_REQUESTS_PER_CHUNK = 10
TEN_YEARS = timedelta(days=3652)
#: Bound of the steps around a case (creating the group, the re-run on the emulator).
SETUP_BOUND = 20


def requests_per_chunk(server: HostileServer) -> Counter[str]:
    """addcontactlist requests per chunk (a chunk known by its first contact)."""
    return Counter(str(r.contacts[0].get("mobile") if r.contacts else "?") for r in server.of(ADD))


def check_accounted(report: ImportReport, total: int) -> None:
    assert report.total == total
    assert report.imported + report.failed == report.total
    assert sum(len(f.rows) for f in report.failures) == report.failed


def describe(report: ImportReport) -> str:
    errors = Counter(type(f.error).__name__ for f in report.failures)
    return f"{dict(report.summary())}; failures by error: {dict(errors)}"


async def run_import(
    case: Case, base_url: str, data: list[dict[str, str]], *, bound: float, **options: Any
) -> tuple[ImportReport, float]:
    """``import_contacts`` on a FormAuth client at ``base_url``, bounded; its report and the
    seconds it took."""

    async def work() -> ImportReport:
        async with client_on(base_url, auth=FormAuth("demo", "demo"), timeout=10) as client:
            return await client.group.import_contacts(
                options.pop("idgroup", IDGROUP), data, main_field="mobile", **options
            )

    outcome = await case.run(work, bound=bound)
    assert outcome.error is None, outcome.describe()
    report: ImportReport = outcome.result
    case.note(report=", ".join(f"{k}={v}" for k, v in report.summary().items()))
    return report, outcome.seconds


# --- one 429 with an absurd Retry-After, then a re-run on a healthy server -------------------


@pytest.mark.parametrize("retry_after", ["99999999", "http-date"], ids=["99999999", "date-10y"])
async def test_one_absurd_retry_after_stops_the_import_and_a_rerun_completes_it(
    serve: ServeFactory, case: Case, tmp_path: Path, retry_after: str
) -> None:
    header = retry_after
    if retry_after == "http-date":
        header = email.utils.format_datetime(datetime.now(UTC) + TEN_YEARS, usegmt=True)
    emulator = Emulator.demo()
    data = rows(TOTAL)
    journal = tmp_path / "import.journal"
    async with emulator.serve() as healthy:
        async with client_on(healthy.base_url, auth=FormAuth("demo", "demo")) as client:
            with anyio.fail_after(SETUP_BOUND):
                group = await client.group.create_group(
                    name="hostile", type="mobile", fields=["mobile", "name"]
                )
        assert group.idgroup is not None
        idgroup = group.idgroup
        # The first chunk to arrive is answered 429 at once; the others in flight with it are
        # accepted 0.3 s later (so the 429 is surely seen before any of them returns).
        first_429 = sequence(rate_limited(header), then=delayed(0.3, envelope(None)))
        hostile = await serve(by_call({ADD: first_429}, default=envelope([])))

        report, seconds = await run_import(
            case,
            hostile.base_url,
            data,
            bound=5.5,
            idgroup=idgroup,
            journal=journal,
            concurrency=CONCURRENCY,
            chunk_size=CHUNK,
        )
        sent = hostile.of(ADD)
        accepted = [c for r in sent if hostile.statuses.get(r.number) == 200 for c in r.contacts]
        case.note(hostile_requests=len(sent), hostile_accepted_rows=len(accepted))
        assert seconds < 5.0
        assert len(sent) <= CONCURRENCY, f"{len(sent)} chunks sent: it did not stop sending"
        check_accounted(report, TOTAL)
        assert report.imported == len(accepted), describe(report)
        assert report.failed == TOTAL - len(accepted) > 0, describe(report)
        for failure in report.failures:
            assert isinstance(failure.error, RateLimitError), describe(report)
            assert failure.error.retry_after is not None
            if retry_after == "http-date":
                assert failure.error.retry_after > 9 * 365 * 86400
            else:
                assert failure.error.retry_after == float(retry_after)

        # The same input and journal against the emulator: it sends only what is left.
        async with client_on(healthy.base_url, auth=FormAuth("demo", "demo")) as client:
            with anyio.fail_after(SETUP_BOUND):
                rerun = await client.group.import_contacts(
                    idgroup,
                    data,
                    main_field="mobile",
                    journal=journal,
                    concurrency=CONCURRENCY,
                    chunk_size=CHUNK,
                )
    check_accounted(rerun, TOTAL)
    assert (rerun.imported, rerun.failed) == (TOTAL, 0), describe(rerun)
    stored = [c["mobile"] for c in emulator.state.groups[idgroup].contacts.values()]
    everywhere = Counter(stored + [c["mobile"] for c in accepted])
    assert everywhere == Counter(r["mobile"] for r in data), "rows lost or doubled"


# --- every answer a 429 --------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", ["-5", "0.01"], ids=["negative", "small"])
async def test_only_429s_cost_at_most_ten_requests_per_chunk(
    serve: ServeFactory, case: Case, retry_after: str
) -> None:
    server = await serve(by_call({ADD: rate_limited(retry_after)}, default=envelope([])))
    report, _ = await run_import(
        case,
        server.base_url,
        rows(40),
        bound=30,
        concurrency=2,
        chunk_size=CHUNK,
        retry_policy=FAST,
    )
    per_chunk = requests_per_chunk(server)
    case.note(requests_per_chunk=dict(per_chunk))
    check_accounted(report, 40)
    assert len(per_chunk) == 4, "every chunk was tried"
    assert max(per_chunk.values()) <= MAX_REQUESTS_PER_CHUNK, f"requests per chunk: {per_chunk}"
    assert report.failed == 40, describe(report)
    assert all(isinstance(f.error, RateLimitError) for f in report.failures), describe(report)


async def test_only_429s_end_within_two_minutes_under_the_default_policy(
    serve: ServeFactory, case: Case
) -> None:
    """One chunk, the import's default retry policy, ``Retry-After: 0.01`` on every answer."""
    server = await serve(by_call({ADD: rate_limited("0.01")}, default=envelope([])))
    report, seconds = await run_import(case, server.base_url, rows(CHUNK), bound=125, concurrency=1)
    per_chunk = requests_per_chunk(server)
    case.note(requests_per_chunk=dict(per_chunk))
    check_accounted(report, CHUNK)
    assert seconds < 120
    assert max(per_chunk.values()) <= MAX_REQUESTS_PER_CHUNK, f"requests per chunk: {per_chunk}"
    assert report.failed == CHUNK
    assert all(isinstance(f.error, RateLimitError) for f in report.failures)


# --- every answer a bare 401 ---------------------------------------------------------------


async def test_bare_401s_stop_the_import_at_once(serve: ServeFactory, case: Case) -> None:
    unauthorized = reply(401, b"<html>Unauthorized</html>", [("Content-Type", "text/html")])
    server = await serve(unauthorized)
    report, _ = await run_import(
        case, server.base_url, rows(TOTAL), bound=30, concurrency=CONCURRENCY, chunk_size=CHUNK
    )
    case.note(requests=server.count(), chunks_sent=server.count(ADD))
    check_accounted(report, TOTAL)
    assert server.count(ADD) <= CONCURRENCY, (
        f"{server.count(ADD)} chunks sent after the first 401 answers (calls: "
        f"{dict(Counter(r.call for r in server.requests))}); {describe(report)}"
    )
    assert report.failed == TOTAL
    for failure in report.failures:
        assert isinstance(failure.error, AuthenticationError), describe(report)
        assert getattr(failure.error, "status_code", None) == 401
