"""read_contacts: spreadsheet CSV exports read lazily, every problem one ContactFileError."""

from __future__ import annotations

import codecs
import csv
import os
import pickle
import tempfile
import tracemalloc
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afilnet_async.bulk.seen import SeenValues
from afilnet_async.contact_files import (
    ContactFile,
    ContactFileError,
    ContactRow,
    read_contacts,
)
from afilnet_async.errors import ValidationError
from afilnet_async.phones import normalize_email, normalize_mobile, phonenumbers_available

FIXTURES = Path(__file__).parent / "fixtures" / "contact-files"
BOM_WARNING = "removed the UTF-8 byte-order mark (BOM) at the start of the file"


def rows_of(contacts: ContactFile) -> list[tuple[int, dict[str, str], str | None]]:
    """Each row as (line, values, problem): what a test compares."""
    return [(row.line, dict(row), row.problem) for row in contacts]


class Write(Protocol):
    def __call__(self, content: str | bytes, name: str = ...) -> Path: ...


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write(text_or_bytes, name=...)``: a file in tmp_path; text is written as UTF-8."""

    def writer(content: str | bytes, name: str = "contacts.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return writer


# The fixtures ----------------------------------------------------------------------------------


def test_spanish_excel_csv_utf8() -> None:
    with read_contacts(FIXTURES / "spanish-excel.csv") as contacts:
        assert contacts.delimiter == ";"
        assert contacts.encoding == "utf-8"
        assert contacts.had_bom
        assert contacts.header == ("mobile", "name", "city", "notas")
        assert contacts.original_header == ("Mobile", "Name ", " CITY ", "Notas")
        assert contacts.warnings == [
            BOM_WARNING,
            "header names trimmed and lower-cased: 'Mobile' -> 'mobile', 'Name ' -> 'name', "
            "' CITY ' -> 'city', 'Notas' -> 'notas'",
        ]
        assert rows_of(contacts) == [
            (
                2,
                {
                    "mobile": "+34 600-111-222",
                    "name": "Ana García",
                    "city": "Madrid",
                    "notas": "cliente VIP; llamar por la tarde",
                },
                None,
            ),
            (3, {"mobile": "0034600111223", "name": "José Núñez", "city": "Sevilla"}, None),
            (
                4,
                {
                    "mobile": "600111224",
                    "name": "María",
                    "city": "A Coruña",
                    "notas": 'dice "hola"',
                },
                None,
            ),
            # line 5 is ";;;", an empty spreadsheet row: skipped
            (
                6,
                {
                    "mobile": "(+34) 600.111.225",
                    "name": "Íñigo Ibáñez",
                    "city": "Bilbao",
                    "notas": "dos\r\nlíneas",
                },
                None,
            ),
            (8, {"mobile": "600 111 226", "name": "Lucía"}, None),  # after the 2-line record
        ]


@pytest.mark.skipif(not phonenumbers_available(), reason="needs phonenumbers")
def test_spanish_excel_mobiles_normalise_with_es() -> None:
    mobiles = [
        normalize_mobile(row["mobile"], "ES")
        for row in read_contacts(FIXTURES / "spanish-excel.csv")
    ]
    assert mobiles == ["34600111222", "34600111223", "34600111224", "34600111225", "34600111226"]


def test_spanish_excel_mobiles_normalise_without_a_country() -> None:
    mobiles = [
        normalize_mobile(row["mobile"]) for row in read_contacts(FIXTURES / "spanish-excel.csv")
    ]
    assert mobiles == ["34600111222", "34600111223", "600111224", "34600111225", "600111226"]


def test_tab_separated() -> None:
    contacts = read_contacts(FIXTURES / "tabs.tsv")
    assert contacts.delimiter == "\t"
    assert not contacts.had_bom
    assert contacts.warnings == []
    assert rows_of(contacts) == [
        (2, {"mobile": "34600111222", "name": "Ana", "notes": "prefers e-mail, not SMS"}, None),
        (3, {"mobile": "34600111223", "name": "Luis", "notes": "quoted\tvalue"}, None),
        (5, {"mobile": "34600111224", "name": "Eva"}, None),
    ]


def test_duplicates_found_with_normalize_mobile_and_seen_values() -> None:
    seen = SeenValues()
    report = []
    for row in read_contacts(FIXTURES / "duplicates.csv"):
        first = seen.add(normalize_mobile(row["mobile"], "ES"), row.line)
        report.append((row.line, first))
    assert report == [(2, None), (3, None), (4, 2), (5, 3), (6, None)]
    assert len(seen) == 3


def test_a_row_with_a_value_too_many_or_too_few_has_a_problem() -> None:
    assert rows_of(read_contacts(FIXTURES / "extra-value.csv")) == [
        (2, {"mobile": "34600111222", "name": "Ana", "city": "Madrid"}, None),
        (
            3,
            {"mobile": "34600111223", "name": "Luis", "city": "Sevilla"},
            "line 3 has 4 values, the header has 3",
        ),
        (4, {"mobile": "34600111224", "name": "Eva"}, "line 4 has 2 values, the header has 3"),
        # "…,Girona," : an empty value past the header loses nothing, so it is no problem
        (5, {"mobile": "34600111225", "name": "Pau", "city": "Girona"}, None),
    ]


def test_a_header_without_mobile_or_email_is_refused_before_any_row() -> None:
    path = FIXTURES / "no-main-field.csv"
    with pytest.raises(ContactFileError) as caught:
        read_contacts(path)
    assert str(caught.value) == (
        f"{path}, line 1: the header has neither a 'mobile' nor an 'email' column "
        "(columns: 'teléfono', 'nombre', 'ciudad')"
    )
    assert caught.value.path == path
    assert caught.value.line == 1


def test_latin1_is_refused_as_utf8_with_the_line_and_what_to_do() -> None:
    path = FIXTURES / "latin1.csv"
    with pytest.raises(ContactFileError) as caught:
        read_contacts(path)
    assert str(caught.value) == (
        f"{path}, line 2: byte 0xF1 after '600111222;Ana Mu' is not UTF-8; save it as UTF-8 "
        "(in Excel: CSV UTF-8), or pass encoding='latin-1' / --encoding latin-1"
    )
    assert caught.value.line == 2
    assert caught.value.__suppress_context__  # no UnicodeDecodeError traceback above it


@pytest.mark.parametrize(("encoding", "named"), [("latin-1", "iso8859-1"), ("cp1252", "cp1252")])
def test_latin1_read_with_its_encoding(encoding: str, named: str) -> None:
    contacts = read_contacts(FIXTURES / "latin1.csv", encoding=encoding)
    assert contacts.encoding == named
    assert rows_of(contacts) == [
        (2, {"mobile": "600111222", "name": "Ana Muñoz", "city": "Málaga"}, None),
        (3, {"mobile": "600111223", "name": "Íñigo Peña", "city": "Cádiz"}, None),
    ]


def test_emails() -> None:
    contacts = read_contacts(FIXTURES / "emails.csv", main_field="email")
    assert contacts.header == ("email", "name")
    assert contacts.warnings == [
        "header names trimmed and lower-cased: 'Email ' -> 'email', 'Name' -> 'name'"
    ]
    assert [(row.line, normalize_email(row["email"]), row.get("name")) for row in contacts] == [
        (2, "Ana.Garcia@example.com", "Ana"),
        (3, "luis@gmail.com", "Luis"),
        (4, "Eva@sub.dominio.es", "Eva"),
        (5, "pau@ejemplo.es", None),
    ]


def test_the_fixtures_folder_says_what_each_file_exercises() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for fixture in FIXTURES.iterdir():
        if fixture.name != "README.md":
            assert f"`{fixture.name}`" in readme


# Line ends, blank lines, multi-line values -----------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
def test_every_line_end_gives_the_same_rows_and_lines(write: Write, newline: str) -> None:
    text = 'mobile,name\n\n34600111222,"Ana\nMaría"\n  \n,,\n34600111223,Luis\n'
    contacts = read_contacts(write(text.replace("\n", newline)))
    assert contacts.delimiter == ","
    assert rows_of(contacts) == [
        (3, {"mobile": "34600111222", "name": f"Ana{newline}María"}, None),
        (7, {"mobile": "34600111223", "name": "Luis"}, None),
    ]


def test_blank_lines_before_the_header_are_skipped(write: Write) -> None:
    contacts = read_contacts(write("\n;;\n  \nmobile;name\n600111222;Ana\n"))
    assert contacts.header == ("mobile", "name")
    assert rows_of(contacts) == [(5, {"mobile": "600111222", "name": "Ana"}, None)]


def test_cells_are_stripped_and_empty_ones_left_out(write: Write) -> None:
    contacts = read_contacts(write("mobile;name;city\n 600111222 ;\u00a0Ana\u00a0; \t\n"))
    assert rows_of(contacts) == [(2, {"mobile": "600111222", "name": "Ana"}, None)]


def test_a_quote_never_closed_swallows_the_rest_into_one_odd_row(write: Write) -> None:
    contacts = read_contacts(write('mobile,name\n34600111222,"Ana\n34600111223,Luis\n'))
    (row,) = contacts
    assert row.line == 2
    assert row == {"mobile": "34600111222", "name": "Ana\n34600111223,Luis"}
    assert row.problem is None  # two values, as the header: nothing for the reader to see


def test_a_value_over_the_csv_field_limit_is_a_contact_file_error(write: Write) -> None:
    path = write('mobile,name\n34600111222,Ana\n34600111223,"' + "x" * 300 + "\n" * 5)
    limit = csv.field_size_limit(100)
    try:
        contacts = read_contacts(path)
        rows = iter(contacts)
        assert next(rows).line == 2
        with pytest.raises(ContactFileError, match="longer than 100 characters") as caught:
            next(rows)
    finally:
        csv.field_size_limit(limit)
    assert caught.value.line is not None


def test_utf16_without_a_bom_read_as_utf8_is_told_by_its_nul_characters(write: Write) -> None:
    with pytest.raises(ContactFileError, match=r"NUL characters: .* encoding='utf-16'") as caught:
        read_contacts(write("mobile,name\r\n34600111222,Ana\r\n".encode("utf-16-le")))
    assert caught.value.line == 1


def test_a_nul_character_in_a_value_is_only_a_value(write: Write) -> None:
    assert list(read_contacts(write("mobile,name\n34600111222,A\x00na\n"))) == [
        {"mobile": "34600111222", "name": "A\x00na"}
    ]


def test_utf16_without_a_bom_is_refused_as_utf16(write: Write) -> None:
    path = write("mobile\n".encode("utf-16-le"))
    with pytest.raises(ContactFileError, match="not utf-16 text \\(UTF-16 stream does not"):
        read_contacts(path, encoding="utf-16")


# Headers ---------------------------------------------------------------------------------------


def test_only_a_header_gives_no_rows(write: Write) -> None:
    contacts = read_contacts(write("\ufeffMobile;Name\r\n"))
    assert contacts.header == ("mobile", "name")
    assert contacts.delimiter == ";"
    assert list(contacts) == []


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n"])
def test_an_empty_file_has_no_header_and_no_rows(write: Write, content: bytes) -> None:
    contacts = read_contacts(write(content), main_field="mobile")  # the caller decides
    assert contacts.header == ()
    assert list(contacts) == []


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("mobile,,name", "line 1: column 2 of the header has no name"),
        ("mobile,name, ", "line 1: column 3 of the header has no name"),
        ("Mobile,name, MOBILE ", "columns 1 and 3 of the header are both named 'mobile'"),
        ("email,Name,name", "columns 2 and 3 of the header are both named 'name'"),
    ],
)
def test_empty_or_repeated_header_names_are_refused(write: Write, header: str, says: str) -> None:
    with pytest.raises(ContactFileError, match=says):
        read_contacts(write(header + "\n34600111222,Ana,x\n"))


def test_a_bom_and_a_no_break_space_in_a_header_name_are_not_part_of_it(write: Write) -> None:
    contacts = read_contacts(write("\ufeff\ufeffMOBILE\u00a0;Name\n600111222;Ana\n"))
    assert contacts.header == ("mobile", "name")
    assert contacts.warnings[0] == BOM_WARNING
    assert "'MOBILE\\xa0' -> 'mobile'" in contacts.warnings[1]  # a second BOM: not a name


def test_the_main_field_given_must_be_in_the_header(write: Write) -> None:
    path = write("email,name\nana@example.com,Ana\n")
    assert read_contacts(path).header == ("email", "name")  # mobile or email: fine
    with pytest.raises(ContactFileError) as caught:
        read_contacts(path, main_field="mobile")
    assert str(caught.value) == (
        f"{path}, line 1: the header has no 'mobile' column (columns: 'email', 'name')"
    )


def test_a_wrong_delimiter_is_hinted_at(write: Write) -> None:
    with pytest.raises(ContactFileError, match=r"pass delimiter=';'\?$"):
        read_contacts(write("mobile;name\n600111222;Ana\n"), delimiter=",")


def test_many_columns_are_listed_in_part(write: Write) -> None:
    header = ",".join(f"c{n}" for n in range(25))
    with pytest.raises(ContactFileError, match=r"'c9' and 15 more\)$"):
        read_contacts(write(header + "\n"))


# Delimiters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("mobile\n600111222\n", ","),  # a single column
        ("mobile\n600111222;Ana\n", ","),  # the header decides
        ("mobile;name;notes\n600111222;García, Ana;a, b, c\n", ";"),
        ('mobile,name\n600111222,"Ana; María"\n600111223,"x;y;z"\n', ","),
        ("mobile|name\n600111222|Ana, María; Eva\n", "|"),
        ("mobile\tname\n600111222\tAna, María; Eva\n", "\t"),
        ('"mobile";"name"\n"600111222";"Ana, María"\n', ";"),
        ("mobile,name;notes\n600111222,Ana;x\n600111223,Eva;y\n", ","),  # a tie: , first
    ],
)
def test_the_delimiter_is_told_from_the_header_and_a_sample(
    write: Write, text: str, delimiter: str
) -> None:
    assert read_contacts(write(text)).delimiter == delimiter


def test_records_that_agree_with_the_header_decide_between_delimiters(write: Write) -> None:
    # Both split the header in two; only ";" splits the rows in two.
    text = "mobile;name,surname\n" + "600111222;Ana\n" * 5
    assert read_contacts(write(text)).delimiter == ";"


def test_excels_sep_line_names_the_delimiter_and_is_no_header(write: Write) -> None:
    path = write("sep=;\r\nMobile;Name\r\n600111222;Ana, María\r\n")
    contacts = read_contacts(path)
    assert contacts.delimiter == ";"
    assert contacts.header == ("mobile", "name")
    assert rows_of(contacts) == [(3, {"mobile": "600111222", "name": "Ana, María"}, None)]
    with pytest.raises(ContactFileError, match="pass delimiter=';'"):
        read_contacts(path, delimiter=",")  # a delimiter given wins


def test_a_given_delimiter_is_used_even_outside_the_four(write: Write) -> None:
    contacts = read_contacts(write("mobile:name\n600111222:Ana, María\n"), delimiter=":")
    assert contacts.delimiter == ":"
    assert rows_of(contacts) == [(2, {"mobile": "600111222", "name": "Ana, María"}, None)]


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "\n", "\r"])
def test_a_delimiter_must_be_one_usable_character(write: Write, delimiter: str) -> None:
    with pytest.raises(ContactFileError, match="delimiter must be one character"):
        read_contacts(write("mobile\n"), delimiter=delimiter)


def test_the_sample_is_whole_lines_of_a_big_file(write: Write) -> None:
    # Over 64 KiB: the delimiter comes from the first lines; the rest streams after them.
    lines = ["mobile;name;notes\n"] + [f"6{n:08d};Ana {n};a, b\n" for n in range(5000)]
    contacts = read_contacts(write("".join(lines)))
    assert contacts.delimiter == ";"
    rows = list(contacts)
    assert len(rows) == 5000
    assert rows[-1] == {"mobile": "600004999", "name": "Ana 4999", "notes": "a, b"}
    assert rows[-1].line == 5001


# Encodings -------------------------------------------------------------------------------------


def test_a_bad_byte_after_the_sample_is_reported_when_reached(write: Write) -> None:
    good = [f"6{n:08d};Nombre {n};Madrid\r\n".encode() for n in range(4000)]  # ~100 KiB
    path = write(b"mobile;name;city\r\n" + b"".join(good) + b"600111222;Mu\xf1oz;Le\xf3n\r\n")
    contacts = read_contacts(path)  # the sample is fine: opening works
    read = 0
    with pytest.raises(ContactFileError) as caught:
        for _ in contacts:
            read += 1
    assert caught.value.line == 4002
    assert "line 4002: byte 0xF1 after '600111222;Mu' is not UTF-8" in str(caught.value)
    assert 3000 < read <= 4000  # rows before it were yielded; the decoder works in blocks
    assert list(contacts) == []  # iteration has ended


def test_a_bad_byte_at_the_start_of_a_line_says_so(write: Write) -> None:
    with pytest.raises(ContactFileError, match="line 3: byte 0xC1 at the start of the line"):
        read_contacts(write(b"mobile,name\n34600111222,Ana\n\xc1lvaro,x\n"))


def test_a_bad_byte_in_a_header_after_the_sample_is_found(write: Write) -> None:
    path = write(b"\n" * 70_000 + b"m\xf3vil\n")  # 70,000 blank lines, then the header
    with pytest.raises(ContactFileError, match="line 70001: byte 0xF3 after 'm' is not UTF-8"):
        read_contacts(path)


def test_a_truncated_utf8_character_at_the_end_is_found(write: Write) -> None:
    with pytest.raises(ContactFileError, match="line 2: byte 0xC3 after '34600111222,Mu'"):
        read_contacts(write(b"mobile,name\n34600111222,Mu\xc3"))


def test_cp1252_undefined_bytes_name_the_encoding(write: Write) -> None:
    with pytest.raises(
        ContactFileError, match="byte 0x81 after '34600111222,Ana' is not cp1252; pass the"
    ):
        read_contacts(write(b"mobile,name\n34600111222,Ana\x81\n"), encoding="cp1252")


@pytest.mark.parametrize(
    ("codec", "bom", "kind"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
    ],
)
def test_excel_unicode_text_is_recognised(write: Write, codec: str, bom: bytes, kind: str) -> None:
    path = write(bom + "Mobile\tName\r\n600111222\tÍñigo\r\n".encode(codec), name="unicode.txt")
    with pytest.raises(ContactFileError, match=f"encoding='{kind}' / --encoding {kind}"):
        read_contacts(path)
    for encoding in (kind, codec):  # the codec that reads the BOM, or the one that keeps it
        contacts = read_contacts(path, encoding=encoding)
        assert contacts.had_bom
        assert contacts.delimiter == "\t"
        assert contacts.original_header == ("Mobile", "Name")
        assert rows_of(contacts) == [(2, {"mobile": "600111222", "name": "Íñigo"}, None)]


def test_a_bom_in_a_file_read_as_latin1_is_skipped_with_a_warning(write: Write) -> None:
    path = write(codecs.BOM_UTF8 + "mobile;name\n600111222;Muñoz\n".encode())
    contacts = read_contacts(path, encoding="latin-1")
    assert contacts.had_bom
    assert contacts.header == ("mobile", "name")
    assert "read as iso8859-1" in contacts.warnings[0]
    assert list(contacts) == [{"mobile": "600111222", "name": "MuÃ±oz"}]  # the user was told


def test_an_unknown_encoding_is_a_contact_file_error(write: Write) -> None:
    with pytest.raises(ContactFileError, match="unknown encoding 'klingon'"):
        read_contacts(write("mobile\n"), encoding="klingon")


# Opening, iterating, closing -------------------------------------------------------------------


def test_a_missing_file_is_a_contact_file_error_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(ContactFileError) as caught:
        read_contacts(str(path))
    assert str(caught.value) == f"{path}: cannot open it: No such file or directory"
    assert caught.value.path == path
    assert caught.value.line is None
    assert isinstance(caught.value, ValidationError)
    assert caught.value.__cause__ is None


def test_a_folder_is_a_contact_file_error(tmp_path: Path) -> None:
    with pytest.raises(ContactFileError, match="cannot open it: Is a directory"):
        read_contacts(tmp_path)


def test_main_field_must_be_mobile_or_email(write: Write) -> None:
    with pytest.raises(ContactFileError, match="main_field must be 'mobile' or 'email'"):
        read_contacts(write("mobile\n"), main_field="phone")  # type: ignore[arg-type]


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux /proc")
def test_the_file_is_closed_when_read_to_the_end_or_on_an_error(write: Write) -> None:
    before = _open_descriptors()
    good = write("mobile\n600111222\n")
    assert len(list(read_contacts(good))) == 1
    with pytest.raises(ContactFileError):
        read_contacts(write(b"mobile\n\xff\n", name="bad.csv"))
    with pytest.raises(ContactFileError):
        read_contacts(write("phone\n600111222\n", name="no-main.csv"))
    assert _open_descriptors() == before


def test_iterating_twice_continues_like_a_file(write: Write) -> None:
    contacts = read_contacts(write("mobile\n600111221\n600111222\n600111223\n"))
    for row in contacts:
        assert row == {"mobile": "600111221"}
        break
    assert [row["mobile"] for row in contacts] == ["600111222", "600111223"]
    assert list(contacts) == []


def test_iterating_after_close_is_an_error_unless_it_was_read_to_the_end(write: Write) -> None:
    path = write("mobile\n600111221\n600111222\n")
    with read_contacts(path) as contacts:
        next(iter(contacts))
    with pytest.raises(ValueError, match="closed before it was read to the end"):
        iter(contacts)
    with read_contacts(path) as contacts:
        assert len(list(contacts)) == 2
    assert list(contacts) == []
    contacts.close()  # again: nothing happens


def _peak_bytes_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        assert sum(1 for _ in read_contacts(path)) > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_rows_are_produced_lazily_in_flat_memory(write: Write) -> None:
    def contacts(rows: int) -> str:
        lines = "".join(f"+34 6{n:08d};Nombre {n};Madrid\r\n" for n in range(rows))
        return "Mobile;Nombre;Ciudad\r\n" + lines

    small = write(contacts(10_000), name="small.csv")  # 340 KB
    big = write(contacts(60_000), name="big.csv")  # 2 MB
    peak_small, peak_big = _peak_bytes_reading(small), _peak_bytes_reading(big)
    assert peak_big < 500_000  # the 64 KiB sample and a few rows: not the file
    assert abs(peak_big - peak_small) < 20_000  # six times the rows, the same memory


def test_contact_row_reads_like_a_dict() -> None:
    row = ContactRow(mobile="34600111222")
    assert row == {"mobile": "34600111222"}
    assert (row.line, row.problem) == (0, None)
    row.line, row.problem = 7, "line 7 has 4 values, the header has 3"
    assert repr(row) == (
        "ContactRow({'mobile': '34600111222'}, line=7, "
        "problem='line 7 has 4 values, the header has 3')"
    )
    assert repr(ContactRow()) == "ContactRow({}, line=0)"


def test_contact_file_error_survives_pickling(tmp_path: Path) -> None:
    error = ContactFileError("x.csv, line 3: bad", path=tmp_path / "x.csv", line=3)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (type(copy), str(copy), copy.path, copy.line) == (
        ContactFileError,
        "x.csv, line 3: bad",
        tmp_path / "x.csv",
        3,
    )


def test_repr_says_what_it_is(write: Write) -> None:
    contacts = read_contacts(write("mobile;name\n"))
    assert repr(contacts) == f"<ContactFile {str(contacts.path)!r} open, delimiter ';', 2 columns>"
    contacts.close()
    assert " closed," in repr(contacts)


# Properties ------------------------------------------------------------------------------------

_cell = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)


def _one_line(cell: str) -> str:
    return cell.replace("\r", " ").replace("\n", " ")


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(_cell, _cell, _cell), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    terminator=st.sampled_from(["\r\n", "\n", "\r"]),
    bom=st.booleans(),
)
def test_what_csv_writes_is_read_back(
    rows: list[tuple[str, str, str]], delimiter: str, terminator: str, bom: bool
) -> None:
    if terminator != "\r\n":  # csv.writer quotes only the characters of its terminator
        rows = [(_one_line(a), _one_line(b), _one_line(c)) for a, b, c in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "written.csv"
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=terminator)
            writer.writerow(["Mobile", "name", "notes"])
            writer.writerows(rows)
        with read_contacts(path) as contacts:
            assert contacts.delimiter == delimiter
            got = [dict(row) for row in contacts]
    expected = []
    for row in rows:
        values = {
            key: value.strip()
            for key, value in zip(("mobile", "name", "notes"), row, strict=True)
            if value.strip()
        }
        if values:
            expected.append(values)
    assert got == expected


@settings(max_examples=200)
@given(st.binary(max_size=200), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_any_bytes_give_rows_or_a_contact_file_error(content: bytes, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(b"mobile,name\n" + content)
        try:
            with read_contacts(path, encoding=encoding) as contacts:
                for row in contacts:
                    assert row.line >= 2
                    assert all(value and value == value.strip() for value in row.values())
        except ContactFileError as error:
            failed_on = error.path
            assert failed_on == path
