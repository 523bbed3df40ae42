"""The journal on disk, and the limiters' arithmetic."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from afilnet_async.bulk.chunking import Chunk
from afilnet_async.bulk.journal import Journal, JournalError
from afilnet_async.bulk.limiter import AdaptiveLimiter, RateLimiter
from afilnet_async.bulk.rows import RowChecker


def _chunk(start: int, end: int) -> Chunk:
    rows = tuple(
        RowChecker("mobile").check(i, {"mobile": f"3460000{i:04d}"}) for i in range(start, end)
    )
    return Chunk(start, end, rows)


def test_a_journal_remembers_confirmed_and_only_sent_chunks(tmp_path: Path) -> None:
    path = tmp_path / "import.journal"
    journal = Journal(path, {"kind": "import", "idgroup": 12})
    journal.event("sent", _chunk(0, 3))
    journal.event("confirmed", _chunk(0, 3))
    journal.event("sent", _chunk(3, 6))
    journal.sync()
    journal.close()
    reopened = Journal(path, {"kind": "import", "idgroup": 12})
    reopened.close()
    assert [(r.start, r.end, r.state) for r in reopened.ranges] == [
        (0, 3, "confirmed"),
        (3, 6, "sent"),
    ]
    assert reopened.ranges[0].fingerprint == _chunk(0, 3).fingerprint


def test_a_line_torn_by_a_crash_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "import.journal"
    journal = Journal(path, {"kind": "import", "idgroup": 12})
    journal.event("confirmed", _chunk(0, 3))
    journal.sync()
    journal.close()
    with path.open("a") as handle:
        handle.write('{"event":"confirmed","rows":[3,')
    assert [r.start for r in Journal(path, {"kind": "import", "idgroup": 12}).ranges] == [0]


def test_a_journal_of_another_group_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "import.journal"
    Journal(path, {"kind": "import", "idgroup": 12}).close()
    with pytest.raises(JournalError, match="idgroup 12"):
        Journal(path, {"kind": "import", "idgroup": 13})


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text('{"hello": 1}\n{"x": 2}\n')
    with pytest.raises(JournalError, match="not an afilnet-async journal"):
        Journal(path, {"kind": "import", "idgroup": 1})
    path.write_text("garbage\n{}\n")
    with pytest.raises(JournalError, match="line 1"):
        Journal(path, {"kind": "import", "idgroup": 1})


async def test_the_window_halves_once_per_pause_and_regrows_by_one_per_window() -> None:
    limiter = AdaptiveLimiter(ceiling=8)
    limiter.rate_limited(0.01)
    limiter.rate_limited(0.01)  # the same pause: no second halving
    assert (limiter.limit, limiter.decreases) == (4, 1)
    await anyio.sleep(0.02)
    limiter.rate_limited(0.0)
    assert limiter.limit == 2
    for _ in range(2):
        limiter.succeeded()
    assert limiter.limit == 3
    for _ in range(100):
        limiter.succeeded()
    assert limiter.limit == 8


async def test_slots_never_exceed_the_window() -> None:
    limiter = AdaptiveLimiter(ceiling=3)
    seen = []

    async def hold() -> None:
        async with limiter.slot():
            seen.append(limiter.in_flight)
            await anyio.sleep(0.005)

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(hold)
    assert max(seen) == 3
    assert limiter.peak == 3
    assert limiter.in_flight == 0


async def test_a_pause_holds_every_new_slot_back() -> None:
    limiter = AdaptiveLimiter(ceiling=2)
    limiter.rate_limited(0.05)
    started = anyio.current_time()
    async with limiter.slot():
        waited = anyio.current_time() - started
    assert waited >= 0.04


async def test_the_rate_limiter_spaces_requests() -> None:
    rate = RateLimiter(per_second=100)
    started = anyio.current_time()
    for _ in range(6):
        await rate.wait()
    assert anyio.current_time() - started >= 0.045
    unlimited = RateLimiter(None)
    started = anyio.current_time()
    for _ in range(1000):
        await unlimited.wait()
    assert anyio.current_time() - started < 0.5
