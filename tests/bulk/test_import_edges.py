"""The importer's rarer paths: retries running out, splitting, reconciling without a group."""

from __future__ import annotations

import json

import httpx

from afilnet_async import (
    FormAuth,
    MalformedResponseError,
    RateLimitError,
    RequestTooLargeError,
    RetryPolicy,
    ServerError,
)
from afilnet_async.bulk.chunking import Chunk
from afilnet_async.bulk.rows import RowChecker
from afilnet_async.call import Call

from .fake_afilnet import FakeAfilnet, contacts
from .fake_afilnet import client_for as _client

ONE_RETRY = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001)


async def test_a_chunk_that_keeps_failing_is_reported_with_the_last_error() -> None:
    fake = FakeAfilnet(rate_503=1.0)
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            7, contacts(50), chunk_size=25, retry_policy=ONE_RETRY, reconcile=False
        )
    assert (report.imported, report.failed) == (0, 50)
    assert all(isinstance(f.error, ServerError) for f in report.failures)
    assert fake.requests.count("addcontactlist") == 4  # two chunks, one retry each


async def test_endless_429s_run_out_of_patience() -> None:
    fake = FakeAfilnet(rate_429=1.0)
    async with _client(fake) as client:
        report = await client.group.import_contacts(
            7, contacts(10), chunk_size=10, retry_policy=ONE_RETRY
        )
    assert report.failed == 10
    assert isinstance(report.failures[0].error, RateLimitError)
    # a chunk is sent at most twice per allowed retry, 429s included
    assert report.rate_limited == fake.requests.count("addcontactlist") == 2


async def test_reconciling_needs_a_readable_group() -> None:
    fake = FakeAfilnet(rate_lost_answer=1.0, contacts_answer="not a list")
    async with _client(fake) as client:
        report = await client.group.import_contacts(7, contacts(20), retry_policy=ONE_RETRY)
    assert report.failed == 20
    assert isinstance(report.failures[0].error, MalformedResponseError)


class _SmallRequestsOnly(FormAuth):
    """A strategy refusing requests with more than ``limit`` contacts, as a GET limit would."""

    limit = 4

    def build_request(self, call: Call, base_url: httpx.URL) -> httpx.Request:
        if len(json.loads(call.params.get("contacts", "[]"))) > self.limit:
            raise RequestTooLargeError("too large for one request")
        return super().build_request(call, base_url)


async def test_a_chunk_too_large_to_send_is_split_until_it_fits() -> None:
    fake = FakeAfilnet()
    async with _client(fake, _SmallRequestsOnly("user", "pw")) as client:
        report = await client.group.import_contacts(7, contacts(20), chunk_size=20)
    assert report.imported == 20
    assert sorted(fake.mobiles()) == sorted(c["mobile"] for c in contacts(20))
    assert fake.requests.count("addcontactlist") >= 5


async def test_a_single_row_too_large_to_send_fails_alone() -> None:
    class _Nothing(_SmallRequestsOnly):
        limit = 0

    fake = FakeAfilnet()
    async with _client(fake, _Nothing("user", "pw")) as client:
        report = await client.group.import_contacts(7, contacts(3), chunk_size=3)
    assert (report.imported, report.failed) == (0, 3)
    assert all(isinstance(f.error, RequestTooLargeError) for f in report.failures)
    assert fake.stored == []


def test_splitting_keeps_every_row_and_the_range() -> None:
    rows = tuple(RowChecker("mobile").check(i, row) for i, row in enumerate(contacts(5), start=10))
    left, right = Chunk(10, 20, rows).split()  # rows 15-19 of the range were invalid
    assert (left.start, left.end, right.start, right.end) == (10, 12, 12, 20)
    assert left.rows + right.rows == rows
    assert json.loads(left.contacts) + json.loads(right.contacts) == [r.values for r in rows]
