"""The benchmark run: every measurement in one go, against the emulator in its own process.

    python -m benchmarks.run            # full sizes (several minutes)
    python -m benchmarks.run --quick    # under a minute (what CI runs)

Writes ``benchmarks/results/<date>.json``, ``benchmarks/results/latest.md`` (the table the
README shows, between its ``benchmarks`` markers, with ``--update-readme``) and, when
matplotlib is installed (the ``bench`` extra), ``benchmarks/results/throughput.png``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

from . import measures
from .remote import emulator_process

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
LEVELS = [1, 2, 4, 8, 16, 32]


async def collect(quick: bool) -> dict[str, Any]:
    """Run the five measurements."""
    scale = 10 if quick else 1
    figures: dict[str, Any] = {"machine": measures.machine(), "quick": quick}
    started = time.perf_counter()
    with emulator_process() as remote:
        figures["per_call"] = await measures.per_call(remote, 500 // scale * 2, 10 if quick else 20)
        figures["throughput"] = await measures.throughput(
            remote, 40_000 // scale, 0.02, 200, LEVELS
        )
        figures["baseline"] = await measures.baseline(remote, 20_000 // scale, 0.02, 200, 8)
        figures["client_cpu"] = await measures.client_cpu(remote, 200_000 // scale, [200, 1000])
        figures["memory"] = measures.memory(remote, 100_000 // scale, 1_000_000 // scale)
        with tempfile.TemporaryDirectory() as scratch:
            figures["send_bulk"] = await measures.send_bulk_throughput(
                remote, 2_000 // scale * 2 if quick else 2_000, 0.05, 10, Path(scratch) / "j"
            )
    figures["seconds"] = time.perf_counter() - started
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The results as the README's table."""
    m, call, thr = figures["machine"], figures["per_call"], figures["throughput"]
    base, cpu, mem = figures["baseline"], figures["client_cpu"], figures["memory"]
    sends = figures["send_bulk"]
    lines = [
        f"Measured {m['date']} on {m['cores']} cores, Python {m['python']}, httpx {m['httpx']}"
        f" ({m['platform']}){' — quick mode' if figures['quick'] else ''}; the emulator in its"
        " own process on loopback.",
        "",
        "| measurement | result |",
        "|---|---|",
        f"| per call: get_balance, sequential ({call['rounds']} alternating rounds of "
        f"{call['calls_per_round']}) | {call['afilnet_async_us']:.0f} µs vs raw httpx "
        f"{call['raw_httpx_us']:.0f} µs: median ratio **{call['median_ratio']:.3f}x** |",
        f"| today's way: vendor-package style sequential synchronous GETs "
        f"({base['vendor_requests']} requests, each as full as the GET limit allows), "
        f"{base['rows']:,} rows, {base['latency_s'] * 1000:.0f} ms latency | "
        f"{base['vendor_sequential_s']:.2f} s ({base['vendor_rows_per_s']:,.0f} rows/s) vs ours "
        f"(chunks of {base['chunk']}, concurrency {base['ours_concurrency']}): "
        f"{base['ours_s']:.2f} s ({base['ours_rows_per_s']:,.0f} rows/s), "
        f"**{base['speedup']:.0f}x faster** |",
        f"| memory: peak RSS importing {mem['rows'][1]:,} generated rows (duplicates checked) | "
        f"**{mem['peak_rss_mib'][1]:.1f} MiB** ({mem['before_import_mib'][1]:.1f} MiB before "
        f"the import), {mem['growth_mib']:+.1f} MiB over {mem['rows'][0]:,} rows |",
        f"| memory: peak RSS importing a {mem['rows'][1]:,}-row Spanish-Excel CSV "
        f"(read_contacts, mobiles normalised with ES, duplicates checked) | "
        f"**{mem['file_peak_rss_mib'][1]:.1f} MiB** ({mem['file_before_import_mib'][1]:.1f} MiB "
        f"before the import), {mem['file_growth_mib']:+.1f} MiB over {mem['rows'][0]:,} rows "
        f"(the index that finds duplicates grows with the rows) |",
        f"| memory: the same CSV with `check_duplicates=False` | "
        f"**{mem['file_unchecked_peak_rss_mib'][1]:.1f} MiB** "
        f"({mem['file_unchecked_before_import_mib'][1]:.1f} MiB before the import), "
        f"{mem['file_unchecked_growth_mib']:+.1f} MiB over {mem['rows'][0]:,} rows (flat) |",
        f"| send_bulk: {sends['messages']:,} personalised SMS, {sends['latency_s'] * 1000:.0f} ms "
        f"latency, concurrency {sends['concurrency']} (ideal {sends['ideal_s']:.2f} s) | "
        f"{sends['without_journal']['seconds']:.2f} s, "
        f"**{sends['without_journal']['of_ideal']:.2f}x** the ideal; with a journal "
        f"{sends['with_journal']['seconds']:.2f} s, "
        f"**{sends['with_journal']['of_ideal']:.2f}x** |",
        f"| client CPU: validation + chunking + encoding, no I/O | "
        f"**{cpu['pipeline_rows_per_cpu_s']:,.0f} rows/s** on one core |",
    ]
    for point in cpu["import"]:
        lines.append(
            f"| client CPU: whole import at zero latency, chunks of {point['chunk']} | "
            f"{point['rows_per_cpu_s']:,.0f} rows per CPU second "
            f"({point['rows_per_wall_s']:,.0f} rows/s wall) |"
        )
    lines += [
        "",
        f"Bulk import throughput, {thr['rows']:,} rows in chunks of {thr['chunk']}, "
        f"{thr['latency_s'] * 1000:.0f} ms server latency:",
        "",
        "| concurrency | rows/s | ideal (c x chunk / latency) | of ideal | server peak in flight |",
        "|---|---|---|---|---|",
    ]
    for p in thr["points"]:
        lines.append(
            f"| {p['concurrency']} | {p['rows_per_s']:,.0f} | {p['ideal_rows_per_s']:,.0f} | "
            f"{p['rows_per_s'] / p['ideal_rows_per_s']:.0%} | {p['server_peak_in_flight']} |"
        )
    return "\n".join(lines) + "\n"


def plot(figures: dict[str, Any], path: Path) -> bool:
    """Throughput against concurrency, with the ideal line; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    points = figures["throughput"]["points"]
    levels = [p["concurrency"] for p in points]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(levels, [p["ideal_rows_per_s"] for p in points], "--", label="ideal")
    axes.plot(levels, [p["rows_per_s"] for p in points], "o-", label="afilnet-async")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlabel("concurrency")
    axes.set_ylabel("rows / s")
    thr = figures["throughput"]
    axes.set_title(
        f"Bulk import, chunks of {thr['chunk']}, {thr['latency_s'] * 1000:.0f} ms latency"
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def update_readme(table: str) -> None:
    """Replace the README's table between its benchmark markers."""
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- benchmarks:start -->\n).*?(<!-- benchmarks:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit("README.md has no <!-- benchmarks:start/end --> markers")
    README.write_text(pattern.sub(lambda m: m[1] + table + m[2], text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure, write the results, optionally refresh the README."""
    parser = argparse.ArgumentParser(description="afilnet-async benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    parser.add_argument("--update-readme", action="store_true", help="refresh README's table")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    figures = anyio.run(collect, args.quick)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    suffix = "-quick" if args.quick else ""
    (args.out / f"{stamp}{suffix}.json").write_text(json.dumps(figures, indent=2) + "\n")
    table = markdown(figures)
    (args.out / f"latest{suffix}.md").write_text(table)
    plotted = plot(figures, args.out / f"throughput{suffix}.png")
    if args.update_readme:
        update_readme(table)
    print(table)
    print(
        f"{figures['seconds']:.0f} s; results in {args.out}"
        + ("" if plotted else " (no plot: pip install matplotlib)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
