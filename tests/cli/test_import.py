"""``afilnet import FILE.csv --group ID``: report, failed rows to re-import, journal, Ctrl-C."""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from afilnet_async.emulator import Faults

from .helpers import Account, Background, Served, new_group, run, run_on_terminal, stored_contacts


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def customers(count: int, start: int = 0) -> list[tuple[str, str]]:
    return [(f"346{n:08d}", f"Customer {n}") for n in range(start, start + count)]


def held(emulator: Served, idgroup: int) -> list[dict[str, str]]:
    """The contacts the emulator holds in the group, read from its state (oldest first)."""
    return list(emulator.emulator.state.groups[idgroup].contacts.values())


def sent_contacts(emulator: Served) -> list[dict[str, Any]]:
    """Every contact the emulator received in addcontactlist calls, as sent."""
    contacts: list[dict[str, Any]] = []
    for seen in emulator.recorder.seen:
        if seen.call == "group.addcontactlist":
            chunk = seen.fields["contacts"]
            contacts.extend(json.loads(chunk) if isinstance(chunk, str) else chunk)
    return contacts


def test_imports_a_csv_and_prints_the_report(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "mobile", "name")
    rows = customers(600)
    write_csv(workdir / "customers.csv", ["mobile", "name"], rows)
    emulator.recorder.clear()

    result = run(
        ["import", "customers.csv", "--group", str(idgroup), "--concurrency", "4",
         "--chunk-size", "50"],
        account.env,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    report = result.json()
    assert (report["total"], report["imported"], report["failed"]) == (600, 600, 0)
    assert report["requests"] == 12
    assert 1 <= report["peak_concurrency"] <= 4
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert emulator.recorder.calls().count("group.addcontactlist") == 12
    assert not (workdir / "customers.failed.csv").exists()
    stored = held(emulator, idgroup)
    assert sorted((c["mobile"], c["name"]) for c in stored) == rows


def test_failed_rows_are_written_with_their_error_to_fix_and_reimport(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "mobile", "name")
    good = customers(4)
    write_csv(
        workdir / "customers.csv",
        ["mobile", "name"],
        [good[0], ("12", "Too Short"), good[1], ("", "No Number"), *good[2:], ("34x", "Typo")],
    )

    first = run(["import", "customers.csv", "--group", str(idgroup)], account.env)

    assert first.returncode == 1
    assert first.json()["imported"] == 4
    assert first.json()["failed"] == 3
    assert first.error_line == "3 row(s) failed: written with their errors to customers.failed.csv"
    failed = read_csv(workdir / "customers.failed.csv")
    assert [(r["mobile"], r["name"]) for r in failed] == [
        ("12", "Too Short"),
        ("", "No Number"),
        ("34x", "Typo"),
    ]
    assert [r["line"] for r in failed] == ["3", "5", "8"]  # the lines of the input file
    assert failed[0]["error"] == (
        "line 3: mobile '12' has 2 digits; a mobile has 6 to 15 with its country code"
    )
    assert "mobile" in failed[1]["error"]
    assert failed[1]["error"].startswith("line 5: ")
    assert "holds 'x', which is not a digit" in failed[2]["error"]

    fixed = customers(3, start=100)
    for row, (mobile, _) in zip(failed, fixed, strict=True):
        row["mobile"] = mobile  # error and line stay: the user only fixed the numbers
    write_csv(workdir / "customers.failed.csv", ["mobile", "name", "error", "line"],
              [(r["mobile"], r["name"], r["error"], r["line"]) for r in failed])  # fmt: skip
    emulator.recorder.clear()

    again = run(["import", "customers.failed.csv", "--group", str(idgroup)], account.env)

    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # no warning about columns the group lacks: they were left out
    assert (again.json()["imported"], again.json()["failed"]) == (3, 0)
    sent = sent_contacts(emulator)
    assert len(sent) == 3
    assert all("error" not in contact and "line" not in contact for contact in sent)
    stored = held(emulator, idgroup)
    assert sorted(c["mobile"] for c in stored) == sorted(m for m, _ in [*good, *fixed])
    assert len({c["mobile"] for c in stored}) == 7


def test_failed_out_chooses_where_failed_rows_go(account: Account, workdir: Path) -> None:
    idgroup = new_group(account, "mobile")
    write_csv(workdir / "list.csv", ["mobile"], [("34600000001",), ("bad",)])
    (workdir / "rejected").mkdir()

    result = run(
        ["import", "list.csv", "--group", str(idgroup), "--failed-out", "rejected/list.csv"],
        account.env,
    )

    assert result.returncode == 1
    assert result.error_line.endswith("written with their errors to rejected/list.csv")
    assert [r["mobile"] for r in read_csv(workdir / "rejected" / "list.csv")] == ["bad"]
    assert not (workdir / "list.failed.csv").exists()


def test_a_group_with_its_own_error_column_keeps_it(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "mobile", "error")
    write_csv(workdir / "log.csv", ["mobile", "error"], [("34600000001", "E42")])

    result = run(["import", "log.csv", "--group", str(idgroup)], account.env)

    assert result.returncode == 0, result.stderr
    assert [c["error"] for c in held(emulator, idgroup)] == ["E42"]


def test_a_journal_rerun_sends_nothing_new(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "email", group_type="email")
    rows = [(f"user{n}@example.com",) for n in range(300)]
    write_csv(workdir / "emails.csv", ["email"], rows)
    args = ["import", "emails.csv", "--group", str(idgroup), "--journal", "emails.journal"]

    first = run(args, account.env)
    emulator.recorder.clear()
    second = run(args, account.env)

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.json()["imported"] == 300
    report = second.json()
    assert (report["imported"], report["resumed"], report["requests"]) == (300, 300, 0)
    assert "group.addcontactlist" not in emulator.recorder.calls()
    assert len(held(emulator, idgroup)) == 300


def test_ctrl_c_mid_import_then_the_journal_run_completes_it(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "mobile", "name")
    rows = customers(2000)
    write_csv(workdir / "big.csv", ["mobile", "name"], rows)
    args = ["import", "big.csv", "--group", str(idgroup), "--journal", "big.journal",
            "--chunk-size", "40", "--concurrency", "2"]  # fmt: skip
    emulator.emulator.faults = Faults(latency=0.1)  # 50 chunks, 2 at a time: about 2.5 s
    emulator.emulator.counters.reset()

    importing = Background(args, account.env, cwd=workdir)
    journal = workdir / "big.journal"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # wait until some chunks are confirmed
        if journal.exists() and journal.read_text().count('"confirmed"') >= 3:
            break
        time.sleep(0.02)
    stopped = importing.interrupt()

    assert stopped.returncode == 130
    assert stopped.error_line == (
        "afilnet: interrupted: run the same command again (same --journal big.journal) "
        "to finish the import"
    )
    assert stopped.stdout == ""
    assert emulator.emulator.counters.peak_in_flight == 2  # --concurrency 2, no more
    emulator.emulator.faults = Faults()
    partial = stored_contacts(account, idgroup)
    assert 120 <= len(partial) < 2000

    resumed = run(args, account.env)

    assert resumed.returncode == 0, resumed.stderr
    report = resumed.json()
    assert (report["total"], report["imported"], report["failed"]) == (2000, 2000, 0)
    assert report["resumed"] >= 120
    stored = stored_contacts(account, idgroup)
    assert len(stored) == 2000  # nothing lost, nothing doubled
    assert sorted((c["mobile"], c["name"]) for c in stored) == rows


def test_ctrl_c_without_a_journal_warns_that_a_rerun_resends(
    emulator: Served, account: Account, workdir: Path
) -> None:
    idgroup = new_group(account, "mobile")
    write_csv(workdir / "list.csv", ["mobile"], [(m,) for m, _ in customers(400)])
    emulator.emulator.faults = Faults(latency=0.1)
    emulator.emulator.counters.reset()

    importing = Background(
        ["import", "list.csv", "--group", str(idgroup), "--chunk-size", "20", "--concurrency", "1"],
        account.env,
        cwd=workdir,
    )
    deadline = time.monotonic() + 15
    while emulator.emulator.counters.contacts_stored == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    stopped = importing.interrupt()

    assert stopped.returncode == 130
    assert stopped.error_line == (
        "afilnet: interrupted: some rows may be imported already; without --journal a re-run "
        "sends them again"
    )


def test_a_progress_bar_with_labelled_counts_on_a_terminal(account: Account, workdir: Path) -> None:
    idgroup = new_group(account, "mobile", contacts=[{"mobile": "34600000007"}])
    rows = [(m,) for m, _ in customers(300)] + [("12",)]
    write_csv(workdir / "list.csv", ["mobile"], rows)

    result, terminal = run_on_terminal(
        ["import", "list.csv", "--group", str(idgroup), "--chunk-size", "50", "--skip-existing"],
        account.env,
        terminal="stderr",
        cwd=workdir,
    )

    assert result.returncode == 1, terminal  # the row "12" failed
    assert (result.json()["imported"], result.json()["skipped"]) == (299, 1)  # stdout: JSON
    final = terminal.split("━ ")[-1]  # the last frame of the bar
    assert final.startswith("rows 301/301 · imported 299 · failed 1 · skipped 1 · "), final
    assert re.search(r" · [\d,]+ rows/s · elapsed 0:00:0\d · left 0:00:00", final), final
    assert "1 row(s) failed: written with their errors to list.failed.csv" in terminal


def test_no_progress_bar_when_stderr_is_piped(account: Account, workdir: Path) -> None:
    idgroup = new_group(account, "mobile")
    write_csv(workdir / "list.csv", ["mobile"], [(m,) for m, _ in customers(300)])

    result = run(["import", "list.csv", "--group", str(idgroup)], account.env, cwd=workdir)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.json()["imported"] == 300


def test_the_reports_warnings_are_printed_once_each(account: Account, workdir: Path) -> None:
    idgroup = new_group(account, "mobile", "name")
    write_csv(workdir / "more.csv", ["mobile", "name", "city"], [("34600000001", "Ann", "Vigo")])

    result = run(["import", "more.csv", "--group", str(idgroup)], account.env, cwd=workdir)

    assert result.returncode == 0, result.stderr
    warning = "the group has no column for 'city': Afilnet will not store those values"
    assert result.stderr.splitlines() == [f"afilnet: warning: {warning}"]  # not logged again
    assert result.json()["warnings"] == [warning]
