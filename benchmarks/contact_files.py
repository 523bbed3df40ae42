"""Reading a big contact file: rows per second and peak memory.

    python -m benchmarks.contact_files               # 1,000,000 rows
    python -m benchmarks.contact_files --rows 50000  # seconds

Writes a temporary CSV as Spanish-locale Excel does ("CSV UTF-8": BOM, ``;``, CRLF, mobiles
spelt every which way), then reads it with ``read_contacts`` + ``normalize_mobile``, first
alone, then also checking duplicates with ``SeenValues``. Peak RSS (``VmHWM``) is reset
before each stage where the kernel allows it, and read before, part-way and after: a flat
reader keeps the same peak at 10 % and at 100 % of the file. Then ``SeenValues`` on its own
(mobiles, e-mails) and ``normalize_mobile`` on its own, with and without a default country.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from afilnet_async.bulk.seen import SeenValues
from afilnet_async.contact_files import read_contacts
from afilnet_async.phones import normalize_mobile, phonenumbers_available

__all__ = ["main", "write_contacts"]

_NAMES = ("Ana García", "José Núñez", "María Peña", "Íñigo Ibáñez", "Lucía Gómez")
_CITIES = ("Madrid", "Sevilla", "A Coruña", "Bilbao", "Málaga")
DUPLICATE_EVERY = 50  # every 50th row repeats an earlier number, in another spelling


def _mobile(number: int, spelling: int) -> str:
    national = f"6{number % 100_000_000:08d}"
    a, b, c = national[:3], national[3:6], national[6:]
    return (
        f"+34 {a}-{b}-{c}",
        f"0034{national}",
        national,
        f"(+34) {a}.{b}.{c}",
        f"{a} {b} {c}",
    )[spelling % 5]


def _lines(rows: int) -> Iterator[str]:
    yield "Mobile;Nombre ;Ciudad;Notas\r\n"
    for index in range(rows):
        number = index - 7 if index % DUPLICATE_EVERY == 49 else index
        yield (
            f"{_mobile(number, index)};{_NAMES[index % 5]};{_CITIES[index % 5]};"
            f'"cliente {index}; alta 2024"\r\n'
        )


def write_contacts(path: Path, rows: int) -> int:
    """Write ``rows`` contacts as Spanish Excel's "CSV UTF-8"; the file's size in bytes."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.writelines(_lines(rows))
    return path.stat().st_size


# Memory ----------------------------------------------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); whether the kernel let us."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def _peak() -> str:
    kib = _status_kib("VmHWM")
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


# Stages ----------------------------------------------------------------------------------------


def _read(path: Path, on_row: Callable[[str, int], object], rows: int) -> tuple[int, float, str]:
    """Rows read, seconds, and the peak RSS when 10 % of them were read."""
    checkpoint = max(1, rows // 10)
    at_checkpoint = "n/a"
    count = 0
    started = time.perf_counter()
    with read_contacts(path, main_field="mobile") as contacts:
        for row in contacts:
            on_row(normalize_mobile(row["mobile"]), row.line)
            count += 1
            if count == checkpoint:
                at_checkpoint = _peak()
    return count, time.perf_counter() - started, at_checkpoint


def _stage(title: str, path: Path, rows: int, on_row: Callable[[str, int], object]) -> None:
    reset = _reset_peak()
    before = _peak()
    count, seconds, part_way = _read(path, on_row, rows)
    print(f"{title}:")
    print(f"  {count:,} rows in {seconds:.2f} s: {count / seconds:,.0f} rows/s")
    print(
        f"  peak RSS {before} before, {part_way} at 10 %, {_peak()} after"
        + ("" if reset else " (peak not resettable here: it includes earlier stages)")
    )


def _normalize_rate(values: list[str], country: str | None) -> float:
    started = time.perf_counter()
    for value in values:
        normalize_mobile(value, country)
    return len(values) / (time.perf_counter() - started)


def _seen_alone(count: int) -> None:
    """``count`` distinct mobiles, then ``count`` distinct e-mails, into SeenValues."""
    print(f"SeenValues alone ({count:,} distinct values each):")
    kinds = {
        "mobiles": [f"346{(n * 7_919) % 100_000_000:08d}" for n in range(count)],
        "e-mails": [f"cliente.{n}@Dominio{n % 97}.es" for n in range(count)],
    }
    for kind, values in kinds.items():
        seen = SeenValues()
        started = time.perf_counter()
        for line, value in enumerate(values, 2):
            seen.add(value, line)
        seconds = time.perf_counter() - started
        print(
            f"  {kind}: {count / seconds:,.0f} adds/s, {seen.nbytes / len(seen):.1f} bytes each "
            f"({seen.nbytes / 2**20:.1f} MiB; a set of the same str: ~90 bytes each)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the file")
    args = parser.parse_args(argv)
    rows: int = args.rows
    with tempfile.TemporaryDirectory(prefix="afilnet-bench-") as folder:
        path = Path(folder) / "contactos.csv"
        size = write_contacts(path, rows)
        print(f"{path.name}: {rows:,} rows, {size / 2**20:.1f} MiB (BOM, ';', CRLF)")

        _stage("read_contacts + normalize_mobile", path, rows, lambda mobile, line: None)

        seen = SeenValues()
        duplicates = 0

        def check(mobile: str, line: int) -> None:
            nonlocal duplicates
            if seen.add(mobile, line) is not None:
                duplicates += 1

        _stage("read_contacts + normalize_mobile + SeenValues", path, rows, check)
        print(
            f"  {duplicates:,} duplicates; SeenValues: {len(seen):,} values in "
            f"{seen.nbytes / 2**20:.1f} MiB ({seen.nbytes / max(1, len(seen)):.1f} bytes each)"
        )

    _seen_alone(rows)
    sample = [_mobile(number, number) for number in range(min(rows, 100_000))]
    print(f"normalize_mobile alone ({len(sample):,} values, five spellings):")
    print(f"  no default country: {_normalize_rate(sample, None):,.0f} rows/s")
    if phonenumbers_available():
        few = sample[: max(1, len(sample) // 10)]
        print(f"  default_country='ES' (phonenumbers): {_normalize_rate(few, 'ES'):,.0f} rows/s")
    else:
        print("  default_country: phonenumbers is not installed (pip install phonenumbers)")


if __name__ == "__main__":
    main()
