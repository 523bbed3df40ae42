"""``afilnet import`` of the contact files in tests/fixtures/contact-files/.

The library imports the same files in tests/bulk/test_import_files.py (with default_country
"ES"); the command must print the same counts and leave the group holding the same values.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from afilnet_async.emulator import Emulator

from .helpers import (
    CONTACT_FILES,
    Account,
    Result,
    Served,
    new_group,
    run,
    run_many,
    run_on_terminal,
)


@pytest.fixture
def files(workdir: Path) -> Path:
    """The fixture files, copied where the command runs (failed files are written beside)."""
    for source in CONTACT_FILES.iterdir():
        shutil.copy(source, workdir / source.name)
    return workdir


def counts(result: Result) -> tuple[int, int, int, int]:
    report = result.json()
    return report["total"], report["imported"], report["failed"], report["skipped"]


def stored(emulator: Emulator, idgroup: int, field: str = "mobile") -> list[str]:
    return [contact[field] for contact in emulator.state.groups[idgroup].contacts.values()]


def read_failed(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_every_fixture_file_imports_with_the_librarys_counts(
    emulator: Served, account: Account, files: Path
) -> None:
    groups: dict[str, int] = {
        "spanish-excel.csv": new_group(account, "mobile", "name", "city", "notas"),
        "duplicates.csv": new_group(account, "mobile", "name"),
        "extra-value.csv": new_group(account, "mobile", "name", "city"),
        "tabs.tsv": new_group(account, "mobile", "name", "notes"),
        "emails.csv": new_group(account, "email", "name", group_type="email"),
        "latin1.csv": new_group(account, "mobile", "name", "city"),
    }
    runs = [
        ["import", name, "--group", str(idgroup), "--country", "ES"]
        for name, idgroup in groups.items()
    ]
    runs[-1] += ["--encoding", "latin-1"]
    results = dict(zip(groups, run_many(runs, account.env), strict=True))  # run in `files`
    emu = emulator.emulator

    spanish = results["spanish-excel.csv"]
    assert spanish.returncode == 0, spanish.stderr
    assert counts(spanish) == (5, 5, 0, 0)
    assert stored(emu, groups["spanish-excel.csv"]) == [
        "34600111222", "34600111223", "34600111224", "34600111225", "34600111226",
    ]  # fmt: skip
    first = next(iter(emu.state.groups[groups["spanish-excel.csv"]].contacts.values()))
    assert first["notas"] == "cliente VIP; llamar por la tarde"
    # the reader's notices, once each, on stderr (the library's report has none for this file)
    assert spanish.stderr.splitlines() == [
        "afilnet: warning: removed the UTF-8 byte-order mark (BOM) at the start of the file",
        "afilnet: warning: header names trimmed and lower-cased: 'Mobile' -> 'mobile', "
        "'Name ' -> 'name', ' CITY ' -> 'city', 'Notas' -> 'notas'",
    ]
    assert spanish.json()["warnings"] == [line[18:] for line in spanish.stderr.splitlines()]

    duplicates = results["duplicates.csv"]
    assert duplicates.returncode == 1
    assert counts(duplicates) == (5, 3, 2, 0)
    assert sorted(stored(emu, groups["duplicates.csv"])) == [
        "34600111222", "34600111223", "34600111224",
    ]  # fmt: skip
    assert duplicates.error_line == (
        "2 row(s) failed: written with their errors to duplicates.failed.csv"
    )
    assert read_failed(files / "duplicates.failed.csv") == [
        ["mobile", "name", "error", "line"],
        ["0034 600 111 222", "Ana again", "line 4: duplicate of line 2", "4"],
        ["600111223", "Luis again", "line 5: duplicate of line 3", "5"],
    ]

    extra = results["extra-value.csv"]
    assert extra.returncode == 1
    assert counts(extra) == (4, 2, 2, 0)
    assert sorted(stored(emu, groups["extra-value.csv"])) == ["34600111222", "34600111225"]
    assert [row[-2:] for row in read_failed(files / "extra-value.failed.csv")[1:]] == [
        ["line 3 has 4 values, the header has 3", "3"],
        ["line 4 has 2 values, the header has 3", "4"],
    ]

    tabs = results["tabs.tsv"]
    assert tabs.returncode == 0, tabs.stderr
    assert counts(tabs)[1:3] == (3, 0)
    assert "delimiter tab" not in tabs.stdout  # JSON when piped: the table's text is not there

    emails = results["emails.csv"]
    assert emails.returncode == 0, emails.stderr
    assert counts(emails)[1:3] == (4, 0)
    assert stored(emu, groups["emails.csv"], "email") == [
        "Ana.Garcia@example.com", "luis@gmail.com", "Eva@sub.dominio.es", "pau@ejemplo.es",
    ]  # fmt: skip

    latin1 = results["latin1.csv"]
    assert latin1.returncode == 0, latin1.stderr
    assert counts(latin1)[1] == 2
    names = [c["name"] for c in emu.state.groups[groups["latin1.csv"]].contacts.values()]
    assert names == ["Ana Muñoz", "Íñigo Peña"]


def test_files_that_cannot_be_read_stop_before_any_request(
    emulator: Served, account: Account, files: Path
) -> None:
    idgroup = new_group(account, "mobile", "name", "city")

    no_main, latin1 = run_many(
        [
            ["import", str(files / "no-main-field.csv"), "--group", str(idgroup)],
            ["import", str(files / "latin1.csv"), "--group", str(idgroup)],
        ],
        account.env,
    )

    assert no_main.returncode == latin1.returncode == 1
    assert "the header has neither a 'mobile' nor an 'email' column" in no_main.error_line
    assert latin1.error_line.endswith(
        "latin1.csv, line 2: byte 0xF1 after '600111222;Ana Mu' is not UTF-8; save it as UTF-8 "
        "(in Excel: CSV UTF-8), or pass encoding='latin-1' / --encoding latin-1"
    )
    assert emulator.recorder.seen == []


def test_skip_existing_into_a_group_holding_part_of_the_file_leaves_no_duplicate(
    emulator: Served, account: Account, files: Path
) -> None:
    idgroup = new_group(
        account, "mobile", "name", "city", "notas",
        contacts=[{"mobile": "34600111223"}, {"mobile": "34600111226"}],
    )  # fmt: skip

    result = run(
        ["import", "spanish-excel.csv", "--group", str(idgroup), "--country", "ES",
         "--skip-existing"],
        account.env,
        cwd=files,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert counts(result) == (5, 3, 0, 2)
    values = stored(emulator.emulator, idgroup)
    assert sorted(values) == [
        "34600111222", "34600111223", "34600111224", "34600111225", "34600111226",
    ]  # fmt: skip
    assert len(values) == len(set(values))


def test_country_comes_from_the_environment_too(
    emulator: Served, account: Account, files: Path
) -> None:
    idgroup = new_group(account, "mobile", "name", "city")

    result = run(
        ["import", "latin1.csv", "--group", str(idgroup), "--encoding", "latin-1"],
        {**account.env, "AFILNET_COUNTRY": "es"},
        cwd=files,
    )

    assert result.returncode == 0, result.stderr
    assert stored(emulator.emulator, idgroup) == ["34600111222", "34600111223"]


def test_a_dry_run_sends_no_write_and_still_writes_the_report_and_the_failed_file(
    emulator: Served, account: Account, files: Path
) -> None:
    idgroup = new_group(account, "mobile", "name")
    emu = emulator.emulator
    applied, stored_before = emu.counters.applied, emu.counters.contacts_stored

    result = run(
        ["import", "duplicates.csv", "--group", str(idgroup), "--dry-run", "--journal", "j"],
        account.env,
        cwd=files,
    )

    assert result.returncode == 1  # rows would fail
    report = result.json()
    assert report["dry_run"] is True
    assert (report["imported"], report["failed"], report["requests"]) == (3, 2, 0)
    assert emu.counters.applied == applied
    assert emu.counters.contacts_stored == stored_before
    assert "group.addcontactlist" not in emulator.recorder.calls()
    assert set(emulator.recorder.calls()) <= {"group.getgroupcolumns"}  # reads only
    assert stored(emu, idgroup) == []
    assert not (files / "j").exists()
    assert len(read_failed(files / "duplicates.failed.csv")) == 3  # header and two rows


def test_the_failed_file_keeps_the_columns_and_reimports_as_it_is(
    emulator: Served, account: Account, workdir: Path
) -> None:
    (workdir / "people.csv").write_text(
        "name;mobile;city\r\nAna;600111222;Madrid\r\nBad;12;Lugo\r\nDup;600 111 222;Vigo\r\n",
        encoding="utf-8-sig",
    )
    idgroup = new_group(account, "mobile", "name", "city")
    args = ["import", "people.csv", "--group", str(idgroup), "--country", "ES"]

    first = run(args, account.env, cwd=workdir)

    assert first.returncode == 1
    assert counts(first) == (3, 1, 2, 0)
    failed = workdir / "people.failed.csv"
    assert read_failed(failed) == [
        ["name", "mobile", "city", "error", "line"],
        ["Bad", "12", "Lugo",
         "line 3: mobile '12' has 2 digits; a mobile has 6 to 15 with its country code", "3"],
        ["Dup", "600 111 222", "Vigo", "line 4: duplicate of line 2", "4"],
    ]  # fmt: skip
    failed.write_text(failed.read_text("utf-8").replace(",12,", ",600111299,"), "utf-8")
    emulator.recorder.clear()

    again = run(
        ["import", "people.failed.csv", "--group", str(idgroup), "--country", "ES",
         "--skip-existing"],
        account.env,
        cwd=workdir,
    )  # fmt: skip

    assert again.returncode == 0, again.stderr
    assert counts(again) == (2, 1, 0, 1)
    assert again.stderr == ""  # error and line were left out: no warning about them
    assert sorted(stored(emulator.emulator, idgroup)) == ["34600111222", "34600111299"]
    sent: list[dict[str, Any]] = []
    for seen in emulator.recorder.seen:
        if seen.call == "group.addcontactlist":
            sent += json.loads(seen.fields["contacts"])
    assert sent == [{"name": "Bad", "mobile": "34600111299", "city": "Lugo"}]


def test_the_report_is_a_table_on_a_terminal(account: Account, files: Path) -> None:
    idgroup = new_group(account, "mobile", "name")

    result, shown = run_on_terminal(
        ["import", "duplicates.csv", "--group", str(idgroup)],
        account.env,
        terminal="stdout",
        cwd=files,
    )

    assert result.returncode == 1
    assert f"afilnet import into group {idgroup}" in shown
    rows = {
        cells[0]: cells[1]
        for line in shown.splitlines()
        if len(cells := [c.strip() for c in line.strip("│ ").split("│")]) == 2
    }
    assert rows["rows in the file"] == "5"
    assert rows["imported + failed + skipped"] == "3 + 2 + 0 = 5 ✓"
    assert rows["failed rows written to"] == "duplicates.failed.csv"
    assert (
        result.error_line == "2 row(s) failed: written with their errors to duplicates.failed.csv"
    )
