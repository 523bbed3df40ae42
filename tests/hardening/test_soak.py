"""Item 2, the short fault soak (the long one: ``python -m tests.hardening.soak --minutes N``)."""

from __future__ import annotations

from pathlib import Path

from .helpers import record
from .soak import run_soak


async def test_short_fault_soak_loses_nothing_and_leaks_nothing(tmp_path: Path) -> None:
    report = await run_soak(3.0, workers=16, importers=2, rows_per_import=200, directory=tmp_path)
    figures = report.figures()
    record("2 fault soak (CI, 3 s)", **figures)

    assert report.breaches == []
    assert report.unexpected == []
    assert (report.lost, report.duplicated) == (0, 0)
    assert report.imports >= 2 and report.rows == report.imported + report.failed
    assert report.baseline is not None and report.end is not None
    for name in ("fds", "sockets", "tasks"):
        assert getattr(report.end, name) <= getattr(report.baseline, name), name
    # It was a soak with every fault on, not a quiet run.
    faults = report.server["faults"]
    for kind in ("rate_limit", "server_error", "drop", "applied_then_500", "rps_limit"):
        assert faults.get(kind, 0) > 0, f"no {kind} fault was injected: {faults}"
    assert report.attempts["failed, retried"] > 0
    assert report.import_retries > 0 and report.reconciled > 0
    assert report.server["tokens_issued"] >= 3, "tokens living 1 s were refreshed"
    assert report.revocations >= 2
    assert sum(report.calls.values()) >= 200
    # AuthenticationError: a token revoked again between a call's refresh and its one retry;
    # OutcomeUnknownError: an addition (not safe to repeat) whose answer was lost
    assert set(report.outcomes) - {"ok"} <= {
        "AuthenticationError", "OutcomeUnknownError",
        "RateLimitError", "ServerError", "AfilnetConnectionError", "AfilnetTimeoutError",
        "ConflictError", "MalformedResponseError", "AfilnetTransportError",
    }  # fmt: skip
