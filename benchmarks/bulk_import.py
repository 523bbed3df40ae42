"""Bulk import against the emulator in another process: speed, memory, faults, cancellation.

    python -m benchmarks.bulk_import            # the full sizes (a few minutes)
    python -m benchmarks.bulk_import --quick    # small sizes, seconds

Prints one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio

from afilnet_async import AfilnetClient, FormAuth, read_contacts
from afilnet_async.bulk import ImportProgress, ImportReport

from .contact_files import write_contacts
from .remote import RemoteEmulator, emulator_process

__all__ = ["contacts", "main"]


def contacts(count: int, prefix: str = "346") -> Iterator[dict[str, str]]:
    """``count`` distinct generated contacts (never materialised)."""
    for number in range(count):
        yield {"mobile": f"{prefix}{number:08d}", "name": f"Contact {number}"}


def _client(remote: RemoteEmulator, concurrency: int = 10) -> AfilnetClient:
    return AfilnetClient(
        FormAuth("demo", "demo"), base_url=remote.base_url, max_connections=max(100, concurrency)
    )


async def _new_group(client: AfilnetClient) -> int:
    group = await client.group.create_group(name="bench", type="mobile", fields=["mobile", "name"])
    assert group.idgroup is not None
    return group.idgroup


async def _stored_mobiles(client: AfilnetClient, idgroup: int) -> Counter[str]:
    stored = await client.group.get_contacts(idgroup=idgroup)
    return Counter(contact.fields.get("mobile", "") for contact in stored)


def _figures(report: ImportReport) -> dict[str, Any]:
    return {**report.summary(), "accounted": report.imported + report.failed == report.total}


async def speed(remote: RemoteEmulator, rows: int, chunk: int, latency: float) -> dict[str, Any]:
    """Wall time at concurrency 10 and 1 against the ideal requests / concurrency x latency."""
    remote.set_faults(latency=latency)
    result: dict[str, Any] = {"rows": rows, "chunk": chunk, "latency_s": latency}
    for concurrency in (10, 1):
        async with _client(remote, concurrency) as client:
            idgroup = await _new_group(client)
            remote.reset_counters()
            report = await client.group.import_contacts(
                idgroup, contacts(rows), concurrency=concurrency, chunk_size=chunk,
                main_field="mobile",
            )  # fmt: skip
            peak = remote.counters()["peak_in_flight"]
        requests = -(-rows // chunk)
        ideal = requests / concurrency * latency
        result[f"c{concurrency}"] = {
            **_figures(report),
            "ideal_s": ideal,
            "ratio_to_ideal": report.elapsed / ideal,
            "server_peak_in_flight": peak,
        }
    result["speedup_c10_over_c1"] = result["c1"]["elapsed_s"] / result["c10"]["elapsed_s"]
    remote.set_faults()
    return result


FAULTS = {"rate_503": 0.08, "rate_429": 0.04, "rate_502": 0.02, "rate_applied_then_500": 0.01}


async def faults(remote: RemoteEmulator, rows: int, journal_dir: Path) -> dict[str, Any]:
    """8 % 503, 4 % 429, 2 % 502, 1 % applied-then-500, chunks of 50: with and without reconcile."""
    result: dict[str, Any] = {"rows": rows, "faults": FAULTS}
    for reconcile in (True, False):
        remote.set_faults(latency=0.01, **FAULTS)
        journal = journal_dir / f"faults-{reconcile}.journal"
        async with _client(remote) as client:
            idgroup = await _new_group(client)
            first = await client.group.import_contacts(
                idgroup, contacts(rows), chunk_size=50, journal=journal, reconcile=reconcile,
                main_field="mobile",
            )  # fmt: skip
            rerun = await client.group.import_contacts(
                idgroup, contacts(rows), chunk_size=50, journal=journal, reconcile=reconcile,
                main_field="mobile",
            )  # fmt: skip
            remote.set_faults()
            stored = await _stored_mobiles(client, idgroup)
        failed = {str(r.row["mobile"]) for r in first.failed_rows if isinstance(r.row, dict)}
        reported = {c["mobile"] for c in contacts(rows)} - failed
        result["reconcile" if reconcile else "blind_retry"] = {
            "first_run": _figures(first),
            "journal_rerun": _figures(rerun),
            "imported_rows_missing_from_emulator": len(reported - set(stored)),
            "rows_missing_after_rerun": rows - len(stored),
            "duplicates": sum(stored.values()) - len(stored),
        }
    return result


async def cancellation(remote: RemoteEmulator, rows: int, journal_dir: Path) -> dict[str, Any]:
    """Cancel at about 40 %, then finish from the journal."""
    remote.set_faults(latency=0.01)
    journal = journal_dir / "cancelled.journal"
    async with _client(remote) as client:
        idgroup = await _new_group(client)
        with anyio.CancelScope() as scope:

            def stop(progress: ImportProgress) -> None:
                if progress.imported >= rows * 0.4:
                    scope.cancel()

            await client.group.import_contacts(
                idgroup, contacts(rows), chunk_size=200, journal=journal, on_progress=stop,
                main_field="mobile",
            )  # fmt: skip
        before = sum((await _stored_mobiles(client, idgroup)).values())
        rerun = await client.group.import_contacts(
            idgroup, contacts(rows), chunk_size=200, journal=journal, main_field="mobile"
        )
        stored = await _stored_mobiles(client, idgroup)
    remote.set_faults()
    return {
        "rows": rows,
        "cancelled": scope.cancelled_caught,
        "stored_when_cancelled": before,
        "rerun": _figures(rerun),
        "rows_missing": rows - len(stored),
        "duplicates": sum(stored.values()) - len(stored),
    }


def _child_peak_rss(
    remote: RemoteEmulator, rows: int, from_file: bool, check_duplicates: bool = True
) -> dict[str, float]:
    """Peak RSS (MiB) of a fresh process importing ``rows`` contacts, and before the import:
    generated dicts, or a Spanish-Excel CSV read with read_contacts (``from_file``)."""
    command = [sys.executable, "-m", "benchmarks.bulk_import", "--memory-child", str(rows),
               "--base-url", remote.base_url, *(["--from-file"] if from_file else []),
               *([] if check_duplicates else ["--no-duplicate-check"])]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(output)
    return figures


def memory(remote: RemoteEmulator, small: int, large: int) -> dict[str, Any]:
    """Peak RSS of the importing process for ``small`` and ``large`` streamed rows, from a
    generator and from a CSV file (read_contacts, normalised mobiles), with duplicates checked
    (the default) and, for the file, without (``check_duplicates=False``)."""
    figures: dict[str, Any] = {"rows": [small, large]}
    sources = (("", False, True), ("file_", True, True), ("file_unchecked_", True, False))
    for source, from_file, check in sources:
        low = _child_peak_rss(remote, small, from_file, check)
        high = _child_peak_rss(remote, large, from_file, check)
        figures[f"{source}peak_rss_mib"] = [low["peak_rss_mib"], high["peak_rss_mib"]]
        figures[f"{source}before_import_mib"] = [low["before_mib"], high["before_mib"]]
        figures[f"{source}growth_mib"] = high["peak_rss_mib"] - low["peak_rss_mib"]
    return figures


def _peak_rss_mib() -> float:
    """This process's peak RSS. Not ``ru_maxrss``: Linux carries that across fork and exec, so
    a child started by a large parent reports the parent's size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


async def _memory_child(base_url: str, rows: int, from_file: bool, check: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "contacts.csv"
        if from_file:
            write_contacts(path, rows)  # every 50th row repeats a number: a duplicate
        async with AfilnetClient(
            FormAuth("demo", "demo"), base_url=base_url, default_country="ES"
        ) as client:
            idgroup = await _new_group(client)
            before = _peak_rss_mib()
            if from_file:
                with read_contacts(path) as file_rows:
                    report = await client.group.import_contacts(
                        idgroup, file_rows, main_field="mobile", check_duplicates=check
                    )
            else:
                report = await client.group.import_contacts(
                    idgroup, contacts(rows), main_field="mobile"
                )
    assert report.imported + report.failed == rows
    assert report.imported >= rows * 0.97  # about one row in 50 repeats another
    print(json.dumps({"rows": rows, "peak_rss_mib": _peak_rss_mib(), "before_mib": before}))


async def run_all(quick: bool) -> dict[str, Any]:
    """Every scenario, at full or quick sizes."""
    scale = 10 if quick else 1
    with emulator_process() as remote, tempfile.TemporaryDirectory() as scratch:
        return {
            "speed": await speed(remote, 20_000 // scale, 200, 0.05),
            "faults": await faults(remote, 20_000 // scale, Path(scratch)),
            "cancellation": await cancellation(remote, 20_000 // scale, Path(scratch)),
            "memory": memory(remote, 50_000 // scale, 400_000 // scale),
        }


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios and print their figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--from-file", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-duplicate-check", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        anyio.run(
            _memory_child,
            args.base_url,
            args.memory_child,
            args.from_file,
            not args.no_duplicate_check,
        )
        return 0
    print(json.dumps(anyio.run(run_all, args.quick), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
