"""The five measurements of the benchmark run, each against an emulator in another process."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import anyio
import httpx

from afilnet_async import AfilnetClient, FormAuth
from afilnet_async.bulk.chunking import Chunker
from afilnet_async.bulk.rows import RowChecker
from afilnet_async.urlencoding import form_encode

from .bulk_import import _new_group, contacts
from .bulk_import import memory as bulk_memory
from .remote import RemoteEmulator

__all__ = [
    "baseline",
    "client_cpu",
    "machine",
    "memory",
    "per_call",
    "send_bulk_throughput",
    "throughput",
]


# 1. Per-call cost ------------------------------------------------------------------------------


async def per_call(remote: RemoteEmulator, calls: int, rounds: int) -> dict[str, Any]:
    """Sequential get_balance through AfilnetClient(FormAuth) vs the same form posted by raw httpx.

    Alternating rounds of ``calls`` each, after a warm-up; the ratio is per round, its median
    reported, so drift in the machine's load hits both sides alike.
    """
    remote.set_faults()
    form = {"class": "user", "method": "getbalance", "user": "demo", "password": "demo"}
    url = remote.base_url + "http/"
    raw_times: list[float] = []
    ours_times: list[float] = []
    async with (
        httpx.AsyncClient() as raw,
        AfilnetClient(FormAuth("demo", "demo"), base_url=remote.base_url) as client,
    ):

        async def raw_call() -> None:
            response = await raw.post(url, data=form)
            if response.json()["status"] != "SUCCESS":
                raise RuntimeError("raw call failed")

        async def our_call() -> None:
            await client.user.get_balance()

        for call in (raw_call, our_call):
            for _ in range(max(20, calls // 10)):
                await call()
        for _ in range(rounds):
            for call, times in ((raw_call, raw_times), (our_call, ours_times)):
                started = time.perf_counter()
                for _ in range(calls):
                    await call()
                times.append((time.perf_counter() - started) / calls)
    ratios = [ours / raw for ours, raw in zip(ours_times, raw_times, strict=True)]
    return {
        "calls_per_round": calls,
        "rounds": rounds,
        "raw_httpx_us": statistics.median(raw_times) * 1e6,
        "afilnet_async_us": statistics.median(ours_times) * 1e6,
        "median_ratio": statistics.median(ratios),
    }


# 2. Throughput against concurrency ---------------------------------------------------------------


async def _import(
    remote: RemoteEmulator, rows: int, concurrency: int, chunk: int
) -> tuple[float, float]:
    """(wall seconds, client CPU seconds) of one import of ``rows`` generated contacts."""
    async with AfilnetClient(
        FormAuth("demo", "demo"), base_url=remote.base_url, max_connections=max(100, concurrency)
    ) as client:
        idgroup = await _new_group(client)
        cpu = time.process_time()
        report = await client.group.import_contacts(
            idgroup, contacts(rows), concurrency=concurrency, chunk_size=chunk,
            main_field="mobile",
        )  # fmt: skip
        cpu = time.process_time() - cpu
    if report.imported != rows:
        raise RuntimeError(f"imported {report.imported} of {rows}")
    return report.elapsed, cpu


async def throughput(
    remote: RemoteEmulator, rows: int, latency: float, chunk: int, levels: list[int]
) -> dict[str, Any]:
    """Rows/s at each concurrency, next to the ideal concurrency x chunk / latency."""
    remote.set_faults(latency=latency)
    points = []
    for concurrency in levels:
        remote.reset_counters()
        wall, _ = await _import(remote, rows, concurrency, chunk)
        points.append(
            {
                "concurrency": concurrency,
                "rows_per_s": rows / wall,
                "ideal_rows_per_s": concurrency * chunk / latency,
                "server_peak_in_flight": remote.counters()["peak_in_flight"],
            }
        )
    remote.set_faults()
    return {"rows": rows, "latency_s": latency, "chunk": chunk, "points": points}


# 3. Today's baseline: the vendor package's way ------------------------------------------------


_GET_LIMIT = 4000  # the vendor's documented GET limit, in characters


def _vendor_url(base_url: str, params: dict[str, str]) -> str:
    """A GET URL the way the vendor's samples build one (values quoted, or JSON breaks it)."""
    query = "&".join(f"{k}={urllib.parse.quote(v)}" for k, v in params.items())
    return f"{base_url}http/?{query}"


def _vendor_params(idgroup: int, batch: list[dict[str, str]]) -> dict[str, str]:
    return {
        "class": "group", "method": "addcontactlist", "user": "demo", "password": "demo",
        "idgroup": str(idgroup), "contacts": json.dumps(batch, separators=(",", ":")),
    }  # fmt: skip


def _vendor_send(url: str) -> None:
    """One synchronous urllib GET, as the vendor's afilnet 1.0.1 makes them."""
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback emulator
        data = json.loads(answer.read().decode("utf-8"))
    if data.get("status") != "SUCCESS":
        raise RuntimeError(f"vendor-style call failed: {data}")


def _vendor_import(base_url: str, idgroup: int, rows: int) -> tuple[float, int]:
    """Sequential synchronous addcontactlist GETs, each as full as the GET limit allows.

    Returns (wall seconds, requests).
    """
    started, requests = time.perf_counter(), 0
    batch: list[dict[str, str]] = []
    for row in contacts(rows):
        url = _vendor_url(base_url, _vendor_params(idgroup, [*batch, row]))
        if batch and len(url) > _GET_LIMIT:
            _vendor_send(_vendor_url(base_url, _vendor_params(idgroup, batch)))
            requests += 1
            batch = []
        batch.append(row)
    if batch:
        _vendor_send(_vendor_url(base_url, _vendor_params(idgroup, batch)))
        requests += 1
    return time.perf_counter() - started, requests


async def baseline(
    remote: RemoteEmulator, rows: int, latency: float, chunk: int, concurrency: int
) -> dict[str, Any]:
    """The vendor package's way (sequential synchronous GETs) against ours, same rows, same server.

    The vendor's way sends as many rows per GET as fit its ~4,000-character limit; ours sends
    ``chunk`` rows per form POST, ``concurrency`` at a time.
    """
    remote.set_faults(latency=latency)
    async with AfilnetClient(FormAuth("demo", "demo"), base_url=remote.base_url) as client:
        idgroup = await _new_group(client)
    vendor_wall, vendor_requests = await anyio.to_thread.run_sync(
        _vendor_import, remote.base_url, idgroup, rows
    )
    ours_wall, _ = await _import(remote, rows, concurrency, chunk)
    remote.set_faults()
    return {
        "rows": rows,
        "latency_s": latency,
        "chunk": chunk,
        "vendor_sequential_s": vendor_wall,
        "vendor_requests": vendor_requests,
        "vendor_rows_per_s": rows / vendor_wall,
        "ours_concurrency": concurrency,
        "ours_s": ours_wall,
        "ours_rows_per_s": rows / ours_wall,
        "speedup": vendor_wall / ours_wall,
    }


# 4. Memory ----------------------------------------------------------------------------------------


def memory(remote: RemoteEmulator, small: int, large: int) -> dict[str, Any]:
    """Peak RSS of a process importing ``large`` streamed rows, and its growth from ``small``."""
    remote.set_faults()
    return bulk_memory(remote, small, large)


# 5. Client CPU per contact ------------------------------------------------------------------------


def _pipeline_rows_per_s(rows: int, chunk: int) -> float:
    """Validation, chunking, JSON and form encoding of streamed rows, no I/O: rows per CPU s."""
    started = time.process_time()
    chunker = Chunker(RowChecker("mobile"), chunk)
    for row in contacts(rows):
        chunker.add(row)
        if chunker.ready:
            for ready in chunker.ready:
                form_encode(
                    {"class": "group", "method": "addcontactlist", "contacts": ready.contacts}
                )
            chunker.ready.clear()
    chunker.finish()
    return rows / (time.process_time() - started)


async def client_cpu(remote: RemoteEmulator, rows: int, chunks: list[int]) -> dict[str, Any]:
    """Rows per second of client CPU: the pipeline alone, and whole imports at zero latency."""
    remote.set_faults()
    result: dict[str, Any] = {
        "rows": rows,
        "pipeline_rows_per_cpu_s": _pipeline_rows_per_s(rows, 200),
        "import": [],
    }
    for chunk in chunks:
        wall, cpu = await _import(remote, rows, 8, chunk)
        result["import"].append(
            {"chunk": chunk, "rows_per_cpu_s": rows / cpu, "rows_per_wall_s": rows / wall}
        )
    return result


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "httpx": httpx.__version__,
        "platform": platform.platform(terse=True),
    }


# 6. Bulk sends ------------------------------------------------------------------------------------


async def send_bulk_throughput(
    remote: RemoteEmulator, messages: int, latency: float, concurrency: int, journal: Path
) -> dict[str, Any]:
    """Personalised SMS through ``client.sms.send_bulk`` at ``latency`` and ``concurrency``,
    with and without a journal: seconds against the ideal (messages x latency / concurrency)."""
    remote.set_faults(latency=latency)
    remote.set_settings(price_sms=0)
    rows = [{"mobile": f"3460{n:07d}", "name": f"Person {n}"} for n in range(messages)]
    ideal = messages * latency / concurrency
    figures: dict[str, Any] = {
        "messages": messages, "latency_s": latency, "concurrency": concurrency, "ideal_s": ideal,
    }  # fmt: skip
    async with AfilnetClient(FormAuth("demo", "demo"), base_url=remote.base_url) as client:
        for label, path in (("without_journal", None), ("with_journal", journal)):
            started = time.perf_counter()
            report = await client.sms.send_bulk(
                rows, text="Hola {name}", from_="Shop", concurrency=concurrency, journal=path
            )
            took = time.perf_counter() - started
            if report.sent != messages:
                raise RuntimeError(f"send_bulk sent {report.sent} of {messages}")
            figures[label] = {"seconds": took, "of_ideal": took / ideal,
                              "messages_per_s": messages / took}  # fmt: skip
    remote.set_faults()
    return figures
