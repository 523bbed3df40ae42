"""Real contact files into a group of the in-process emulator: what is stored, what is reported.

Each fixture of tests/fixtures/contact-files/ is read with read_contacts() and imported as a
library user would; the CLI's tests import the same files and must report the same counts.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from afilnet_async import (
    AfilnetClient,
    ContactFileError,
    FormAuth,
    ValidationError,
    read_contacts,
)
from afilnet_async.emulator import Emulator

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "contact-files"


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[AfilnetClient]:
    async with emu.client(FormAuth("demo", "demo"), default_country="ES") as client:
        yield client


async def new_group(client: AfilnetClient, fields: list[str], kind: Any = "mobile") -> int:
    group = await client.group.create_group(name="import", type=kind, fields=fields)
    assert group.idgroup is not None
    return group.idgroup


def stored(emu: Emulator, idgroup: int, field: str = "mobile") -> list[str]:
    return [contact[field] for contact in emu.state.groups[idgroup].contacts.values()]


async def test_a_spanish_excel_file_imports_every_number_with_its_country_code(
    emu: Emulator, client: AfilnetClient
) -> None:
    idgroup = await new_group(client, ["mobile", "name", "city", "notas"])
    with read_contacts(FILES / "spanish-excel.csv") as rows:
        assert rows.delimiter == ";"
        report = await client.group.import_contacts(idgroup, rows)
    assert (report.total, report.imported, report.failed, report.skipped) == (5, 5, 0, 0)
    assert stored(emu, idgroup) == [
        "34600111222", "34600111223", "34600111224", "34600111225", "34600111226",
    ]  # fmt: skip
    first = next(iter(emu.state.groups[idgroup].contacts.values()))
    assert first["notas"] == "cliente VIP; llamar por la tarde"
    assert report.warnings == ()


async def test_duplicates_in_a_file_are_reported_with_the_line_of_the_first(
    emu: Emulator, client: AfilnetClient, tmp_path: Path
) -> None:
    idgroup = await new_group(client, ["mobile", "name"])
    with read_contacts(FILES / "duplicates.csv") as rows:
        report = await client.group.import_contacts(idgroup, rows)
    assert (report.total, report.imported, report.failed) == (5, 3, 2)
    assert sorted(stored(emu, idgroup)) == ["34600111222", "34600111223", "34600111224"]
    assert [(r.line, str(f.error)) for f in report.failures for r in f.rows] == [
        (4, "line 4: duplicate of line 2"),
        (5, "line 5: duplicate of line 3"),
    ]


async def test_without_the_duplicate_check_every_row_is_sent_as_it_is(
    emu: Emulator, client: AfilnetClient
) -> None:
    """``check_duplicates=False`` (flat memory) leaves duplicates to Afilnet: all 5 rows go."""
    idgroup = await new_group(client, ["mobile", "name"])
    with read_contacts(FILES / "duplicates.csv") as rows:
        report = await client.group.import_contacts(idgroup, rows, check_duplicates=False)
    assert (report.total, report.imported, report.failed) == (5, 5, 0)
    assert sorted(stored(emu, idgroup)) == [
        "34600111222", "34600111222", "34600111223", "34600111223", "34600111224",
    ]  # fmt: skip


async def test_a_row_with_too_many_or_too_few_values_fails_and_the_rest_go_on(
    emu: Emulator, client: AfilnetClient
) -> None:
    idgroup = await new_group(client, ["mobile", "name", "city"])
    with read_contacts(FILES / "extra-value.csv") as rows:
        report = await client.group.import_contacts(idgroup, rows)
    assert (report.total, report.imported, report.failed) == (4, 2, 2)
    assert sorted(stored(emu, idgroup)) == ["34600111222", "34600111225"]
    reasons = sorted(str(f.error) for f in report.failures)
    assert reasons == ["line 3 has 4 values, the header has 3",
                       "line 4 has 2 values, the header has 3"]  # fmt: skip


async def test_tabs_and_e_mails(emu: Emulator, client: AfilnetClient) -> None:
    idgroup = await new_group(client, ["mobile", "name", "notes"])
    with read_contacts(FILES / "tabs.tsv") as rows:
        report = await client.group.import_contacts(idgroup, rows)
    assert (report.imported, report.failed) == (3, 0)
    emails = await new_group(client, ["email", "name"], "email")
    with read_contacts(FILES / "emails.csv") as rows:
        report = await client.group.import_contacts(emails, rows)
    assert (report.imported, report.failed) == (4, 0)
    assert stored(emu, emails, "email") == [
        "Ana.Garcia@example.com", "luis@gmail.com", "Eva@sub.dominio.es", "pau@ejemplo.es",
    ]  # fmt: skip


async def test_a_header_without_the_main_field_stops_before_any_row(client: AfilnetClient) -> None:
    with pytest.raises(ContactFileError, match="mobile") as caught:
        read_contacts(FILES / "no-main-field.csv")
    assert isinstance(caught.value, ValidationError)


async def test_a_latin_1_file_is_refused_as_utf_8_and_read_when_its_encoding_is_given(
    emu: Emulator, client: AfilnetClient
) -> None:
    with pytest.raises(ContactFileError, match="UTF-8") as caught:
        with read_contacts(FILES / "latin1.csv") as rows:
            list(rows)
    assert caught.value.line == 2
    idgroup = await new_group(client, ["mobile", "name", "city"])
    with read_contacts(FILES / "latin1.csv", encoding="latin-1") as rows:
        report = await client.group.import_contacts(idgroup, rows)
    assert report.imported == 2
    names = [c["name"] for c in emu.state.groups[idgroup].contacts.values()]
    assert names == ["Ana Muñoz", "Íñigo Peña"]


async def test_skip_existing_leaves_no_duplicate_in_the_group(
    emu: Emulator, client: AfilnetClient
) -> None:
    idgroup = await new_group(client, ["mobile", "name", "city", "notas"])
    await client.group.add_contact(idgroup=idgroup, contact={"mobile": "600111223"})
    await client.group.add_contact(idgroup=idgroup, contact={"mobile": "+34 600 111 226"})
    with read_contacts(FILES / "spanish-excel.csv") as rows:
        report = await client.group.import_contacts(idgroup, rows, skip_existing=True)
    assert (report.total, report.imported, report.failed, report.skipped) == (5, 3, 0, 2)
    assert report.imported + report.failed + report.skipped == report.total
    values = stored(emu, idgroup)
    assert len(values) == len(set(values)) == 5


async def test_a_dry_run_sends_nothing_and_reports_what_would_happen(
    emu: Emulator, client: AfilnetClient, tmp_path: Path
) -> None:
    idgroup = await new_group(client, ["mobile", "name"])
    before = emu.counters.applied
    with read_contacts(FILES / "duplicates.csv") as rows:
        report = await client.group.import_contacts(
            idgroup, rows, dry_run=True, journal=tmp_path / "j"
        )
    assert report.dry_run
    assert (report.imported, report.failed, report.requests) == (3, 2, 0)
    assert emu.counters.applied == before
    assert emu.counters.by_method["group.addcontactlist"] == 0
    assert stored(emu, idgroup) == []
    assert not (tmp_path / "j").exists()


async def test_the_failed_file_keeps_the_columns_adds_error_and_line_and_reimports(
    emu: Emulator, client: AfilnetClient, tmp_path: Path
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "name;mobile;city\r\nAna;600111222;Madrid\r\nBad;12;Lugo\r\nDup;600 111 222;Vigo\r\n",
        encoding="utf-8-sig",
    )
    idgroup = await new_group(client, ["mobile", "name", "city"])
    with read_contacts(source) as rows:
        header = list(rows.header)
        report = await client.group.import_contacts(idgroup, rows)
    failed = tmp_path / "people.failed.csv"
    assert report.write_failed(failed, header) == 2
    with failed.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["name", "mobile", "city", "error", "line"]
    assert [row[1:] for row in written[1:]] == [
        ["12", "Lugo", "line 3: mobile '12' has 2 digits; a mobile has 6 to 15 with its "
         "country code", "3"],
        ["600 111 222", "Vigo", "line 4: duplicate of line 2", "4"],
    ]  # fmt: skip
    # fixed by hand, then imported as it is: error and line are columns the group lacks
    failed.write_text(failed.read_text("utf-8").replace(",12,", ",600111299,"), "utf-8")
    with read_contacts(failed) as rows:
        again = await client.group.import_contacts(idgroup, rows, skip_existing=True)
    assert (again.imported, again.skipped, again.failed) == (1, 1, 0)
    assert sorted(stored(emu, idgroup)) == ["34600111222", "34600111299"]
    assert any("'error'" in warning for warning in again.warnings)
