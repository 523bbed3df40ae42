"""Item 2: a fault soak against the emulator over loopback.

Many tasks make mixed calls through all four access styles while others run bulk imports with
journals, against an emulator serving on 127.0.0.1 with every fault on: latency, 429, 502,
503, dropped connections, "applied, then 500", a small per-account request rate, OAuth2 tokens
that live one second (and are revoked now and then), faults on the token endpoint too.

Checked: no exception but AfilnetError escapes; no row lost (every row reported imported is
stored, imported + failed == total, and no row stored twice); every journal loads and its
confirmed ranges are stored; file descriptors, sockets and asyncio tasks back to their
baseline once the clients are closed.

    python -m tests.hardening.soak --minutes 5        # prints the figures; exit 1 on a breach

A short run is a CI test (tests/hardening/test_soak.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import attrs

from afilnet_async import AfilnetClient, AfilnetError, RetryPolicy
from afilnet_async.bulk.journal import Journal
from afilnet_async.emulator import Emulator, Faults

from .helpers import STRATEGIES, asyncio_tasks, make_auth, open_fds, open_sockets, settle

PASSWORD = "pw-soak-S3cr3t"
#: Every fault the emulator has, at once.
FAULTS = Faults(
    latency=0.01,
    latency_jitter=0.01,
    rate_429=0.03,
    retry_after=0.1,
    rate_502=0.02,
    rate_503=0.03,
    rate_drop=0.02,
    rate_applied_then_500=0.03,
    rps_limit=60,
    token_lifetime=1.0,
    token_endpoint_faults=True,
)
#: Retries of an import's chunks: quick, so a short soak gets through its imports.
IMPORT_RETRIES = RetryPolicy(max_retries=6, initial_delay=0.05, max_delay=0.5)
#: Once the run is over, in-flight work must finish within this many seconds.
DRAIN_LIMIT = 60.0


@attrs.define
class Resources:
    """What the process holds open."""

    fds: int
    sockets: int
    tasks: int

    @classmethod
    def now(cls) -> Resources:
        return cls(open_fds(), open_sockets(), asyncio_tasks())


@attrs.define
class SoakReport:
    """The figures of one soak."""

    seconds: float = 0.0
    calls: Counter[str] = attrs.field(factory=Counter)  # by method
    outcomes: Counter[str] = attrs.field(factory=Counter)  # "ok" or the error's class
    attempts: Counter[str] = attrs.field(factory=Counter)  # from the DEBUG log, per attempt
    imports: int = 0
    import_errors: Counter[str] = attrs.field(factory=Counter)
    rows: int = 0
    imported: int = 0
    failed: int = 0
    import_retries: int = 0
    rate_limited: int = 0
    reconciled: int = 0
    lost: int = 0
    duplicated: int = 0
    failed_but_stored: int = 0
    journal_problems: list[str] = attrs.field(factory=list)
    revocations: int = 0
    token_requests: int = 0
    unexpected: list[str] = attrs.field(factory=list)
    server: dict[str, Any] = attrs.field(factory=dict)
    baseline: Resources | None = None
    end: Resources | None = None

    @property
    def breaches(self) -> list[str]:
        """Every invariant the run broke (empty: it held)."""
        found = [f"unexpected exception: {text}" for text in self.unexpected]
        if self.lost:
            found.append(f"{self.lost} rows reported imported are not stored")
        if self.duplicated:
            found.append(f"{self.duplicated} rows stored twice")
        if self.imported + self.failed != self.rows:
            found.append(f"imported {self.imported} + failed {self.failed} != rows {self.rows}")
        found += self.journal_problems
        if self.baseline is None or self.end is None:
            found.append("resources were not measured")
        else:
            for name in ("fds", "sockets", "tasks"):
                before, after = getattr(self.baseline, name), getattr(self.end, name)
                if after > before:
                    found.append(f"{name}: {after} at the end, {before} at the start")
        return found

    def figures(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 1),
            "calls": sum(self.calls.values()),
            "calls by method": dict(self.calls),
            "call outcomes": dict(self.outcomes),
            "client attempts (DEBUG log)": dict(self.attempts),
            "imports": self.imports,
            "import errors": dict(self.import_errors),
            "rows": self.rows,
            "imported": self.imported,
            "failed": self.failed,
            "import chunk retries": self.import_retries,
            "import 429s": self.rate_limited,
            "rows found by reconcile": self.reconciled,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "failed but stored": self.failed_but_stored,
            "token revocations": self.revocations,
            "token requests": self.token_requests,
            "server faults": self.server.get("faults"),
            "server statuses": self.server.get("by_status"),
            "server requests": self.server.get("requests"),
            "tokens issued": self.server.get("tokens_issued"),
            "baseline (fds, sockets, tasks)": attrs.astuple(self.baseline)
            if self.baseline
            else None,
            "end (fds, sockets, tasks)": attrs.astuple(self.end) if self.end else None,
            "breaches": self.breaches,
        }


class _AttemptLog(logging.Handler):
    """Counts the client's per-attempt DEBUG records."""

    def __init__(self, counts: Counter[str]) -> None:
        super().__init__(logging.DEBUG)
        self.counts = counts

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "not retrying" in message:
            self.counts["failed, not retried"] += 1
        elif "retrying in" in message:
            self.counts["failed, retried"] += 1
        elif "succeeded" in message:
            self.counts["succeeded"] += 1


Operation = Callable[[AfilnetClient, int, random.Random], Awaitable[Any]]


def _operations(groups: dict[AfilnetClient, int]) -> dict[str, Operation]:
    def contact(n: int) -> dict[str, str]:
        return {"mobile": f"7{n:011d}", "name": f"soak {n} & co=1%"}

    return {
        "getbalance": lambda c, n, r: c.user.get_balance(),
        "getchannels": lambda c, n, r: c.user.get_channels(),
        "modifychannel": lambda c, n, r: c.user.modify_channel(
            channelname="sms", active=r.random() < 0.5
        ),
        "getgroupcolumns": lambda c, n, r: c.group.get_group_columns(idgroup=groups[c]),
        "getcontacts": lambda c, n, r: c.group.get_contacts(idgroup=groups[c]),
        "addcontact": lambda c, n, r: c.group.add_contact(idgroup=groups[c], contact=contact(n)),
        "addcontactlist": lambda c, n, r: c.group.add_contact_list(
            idgroup=groups[c], contacts=[contact(n * 10 + k) for k in range(3)]
        ),
        "getaddresses": lambda c, n, r: c.user.get_addresses(),
        "call(getsubaccounts)": lambda c, n, r: c.call("subaccount", "getsubaccounts"),
        "creategroup": lambda c, n, r: c.group.create_group(
            name=f"soak {n}", type="mobile", fields=["mobile", "name"]
        ),
    }


class _Soak:
    def __init__(self, emu: Emulator, clients: dict[str, AfilnetClient], directory: Path) -> None:
        self.emu, self.clients, self.directory = emu, clients, directory
        self.report = SoakReport()
        self.numbers = iter(range(10**9))

    async def guarded(self, what: str, action: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``action``; count an AfilnetError, record anything else as unexpected."""
        try:
            result = await action()
        except AfilnetError as error:
            self.report.outcomes[type(error).__name__] += 1
            return None
        except Exception as error:  # the breach this soak looks for
            self.report.unexpected.append(f"{what}: {type(error).__name__}: {error!r:.300}")
            return None
        self.report.outcomes["ok"] += 1
        return result

    async def caller(self, seed: int, deadline: float, operations: dict[str, Operation]) -> None:
        rng = random.Random(seed)
        names = sorted(operations)
        weights = [1 if name == "creategroup" else 4 for name in names]
        while anyio.current_time() < deadline:
            name = rng.choices(names, weights)[0]
            client = self.clients[rng.choice(STRATEGIES)]
            number = next(self.numbers)
            self.report.calls[name] += 1
            await self.guarded(name, lambda: operations[name](client, number, rng))  # noqa: B023

    async def importer(self, seed: int, deadline: float, rows_per_import: int) -> None:
        rng = random.Random(seed)
        while anyio.current_time() < deadline:
            await self.one_import(rng, rows_per_import)

    async def one_import(self, rng: random.Random, size: int) -> None:
        style = rng.choice(STRATEGIES)
        client = self.clients[style]
        number = next(self.numbers)
        created = None
        for _ in range(10):  # group creation is a call like any other: it may fail
            created = await self.guarded(
                "import group",
                lambda: client.group.create_group(
                    name=f"import {number}", type="mobile", fields=["mobile", "name", "n"]
                ),
            )
            if created is not None:
                break
        if created is None or created.idgroup is None:
            self.report.import_errors["group not created"] += 1
            return
        idgroup = created.idgroup
        rows = [
            {"mobile": f"6{number:05d}{index:06d}", "name": f"row {index}", "n": index}
            for index in range(size)
        ]
        journal = self.directory / f"import-{number}.journal"
        self.report.imports += 1
        try:
            report = await client.group.import_contacts(
                idgroup, rows, chunk_size=rng.choice([10, 25, 50]),
                concurrency=rng.choice([2, 4, 8]), journal=journal, main_field="mobile",
                retry_policy=IMPORT_RETRIES,
            )  # fmt: skip
        except AfilnetError as error:
            self.report.import_errors[type(error).__name__] += 1
            self.report.rows += size
            self.report.failed += size  # nothing confirmed: the journal says what was
            return
        except Exception as error:
            self.report.unexpected.append(f"import: {type(error).__name__}: {error!r:.300}")
            return
        self.check_import(idgroup, rows, report, journal)

    def check_import(
        self, idgroup: int, rows: list[dict[str, Any]], report: Any, journal: Path
    ) -> None:
        soak = self.report
        soak.rows += report.total
        soak.imported += report.imported
        soak.failed += report.failed
        soak.import_retries += report.retries
        soak.rate_limited += report.rate_limited
        soak.reconciled += report.reconciled
        if report.total != len(rows) or report.imported + report.failed != report.total:
            soak.journal_problems.append(f"group {idgroup}: counts do not add up: {report}")
        group = self.emu.state.groups[idgroup]
        stored = Counter(contact["mobile"] for contact in group.contacts.values())
        failed = {row.index for failure in report.failures for row in failure.rows}
        for index, row in enumerate(rows):
            count = stored[row["mobile"]]
            if index in failed:
                soak.failed_but_stored += count > 0
            elif count == 0:
                soak.lost += 1
        soak.duplicated += sum(count - 1 for count in stored.values() if count > 1)
        try:
            ranges = Journal(journal, {"kind": "import", "idgroup": idgroup}).ranges
        except AfilnetError as error:
            soak.journal_problems.append(f"{journal.name} does not load: {error}")
            return
        for confirmed in (r for r in ranges if r.state == "confirmed"):
            missing = [
                i for i in range(confirmed.start, confirmed.end) if not stored[rows[i]["mobile"]]
            ]
            if missing:
                soak.journal_problems.append(
                    f"{journal.name}: rows {missing[:5]} are confirmed but not stored"
                )

    async def revoker(self, deadline: float) -> None:
        """Revokes every OAuth2 token now and then (bearer calls then answer 401)."""
        while anyio.current_time() < deadline:
            await anyio.sleep(0.7)
            self.emu.expire_tokens()
            self.report.revocations += 1


async def run_soak(
    seconds: float,
    *,
    workers: int = 24,
    importers: int = 3,
    rows_per_import: int = 300,
    seed: int = 0,
    directory: Path | None = None,
) -> SoakReport:
    """Soak the emulator (on asyncio: uvicorn needs it) for ``seconds``; returns the figures."""
    with tempfile.TemporaryDirectory(prefix="afilnet-soak-") as scratch:
        return await _run(
            seconds, workers, importers, rows_per_import, seed, directory or Path(scratch)
        )


async def _run(
    seconds: float, workers: int, importers: int, rows: int, seed: int, directory: Path
) -> SoakReport:
    emu = Emulator.demo(seed=seed)
    for style in STRATEGIES:
        emu.add_account(f"soak-{style}", PASSWORD, reseller=True, balance=10**6)
    log = logging.getLogger("afilnet_async")
    saved = (log.level, log.propagate)
    async with emu.serve(host="127.0.0.1", port=0) as server:
        baseline = Resources.now()
        soak: _Soak | None = None
        counter = _AttemptLog(Counter())
        log.addHandler(counter)
        log.setLevel(logging.DEBUG)
        log.propagate = False
        clients = {
            style: AfilnetClient(
                make_auth(style, f"soak-{style}", PASSWORD), base_url=server.base_url,
                max_connections=64,
            )
            for style in STRATEGIES
        }  # fmt: skip
        started = time.monotonic()
        try:
            soak = _Soak(emu, clients, directory)
            groups = {
                client: (await client.group.create_group(
                    name="soak", type="mobile", fields=["mobile", "name"]
                )).idgroup or 0
                for client in clients.values()
            }  # fmt: skip
            emu.faults = FAULTS
            deadline = anyio.current_time() + seconds
            operations = _operations(groups)
            with anyio.fail_after(seconds + DRAIN_LIMIT):
                async with anyio.create_task_group() as tasks:
                    for number in range(workers):
                        tasks.start_soon(soak.caller, seed * 1000 + number, deadline, operations)
                    for number in range(importers):
                        tasks.start_soon(soak.importer, seed * 1000 + 500 + number, deadline, rows)
                    tasks.start_soon(soak.revoker, deadline)
        finally:
            emu.faults = Faults()
            for client in clients.values():
                await client.aclose()
            if soak is not None:  # as the server counted them
                soak.report.token_requests = emu.counters.tokens_issued
            log.removeHandler(counter)
            log.setLevel(saved[0])
            log.propagate = saved[1]
        assert soak is not None
        report = soak.report
        report.seconds = time.monotonic() - started
        report.attempts = counter.counts
        report.baseline = baseline
        await settle(lambda: Resources.now().sockets <= baseline.sockets, seconds=5.0)
        await settle(lambda: asyncio_tasks() <= baseline.tasks, seconds=2.0)
        report.end = Resources.now()
        report.server = emu.counters.snapshot()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--importers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=500, help="rows per import")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    report = asyncio.run(
        run_soak(
            args.minutes * 60, workers=args.workers, importers=args.importers,
            rows_per_import=args.rows, seed=args.seed,
        )
    )  # fmt: skip
    json.dump(report.figures(), sys.stdout, indent=2, default=str)
    print()
    return 1 if report.breaches else 0


if __name__ == "__main__":
    sys.exit(main())
