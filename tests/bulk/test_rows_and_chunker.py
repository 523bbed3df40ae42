"""Row validation and chunking: what goes out, in which chunks, and what is reported."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import pytest

from afilnet_async.bulk.chunking import Chunker, contacts_json
from afilnet_async.bulk.journal import JournalError, JournalRange
from afilnet_async.bulk.rows import RowChecker, RowError

from .fake_afilnet import contacts


def test_a_good_row_is_encoded_once_as_compact_json() -> None:
    row = RowChecker("mobile").check(
        3, {"mobile": "34600000001", "name": "Ann, Jr.", "age": 41, "x": None}
    )
    assert row.position == 3
    assert row.main == "34600000001"
    assert row.values == {"mobile": "34600000001", "name": "Ann, Jr.", "age": "41"}
    assert json.loads(contacts_json((row,))) == [row.values]


@pytest.mark.parametrize(
    ("row", "main_field", "reason"),
    [
        ({"name": "no mobile"}, "mobile", "missing"),
        ({"mobile": ""}, "mobile", "missing"),
        ({"mobile": "12"}, "mobile", "has 2 digits"),
        ({"mobile": "34 600"}, "mobile", "has 5 digits"),
        ({"mobile": "34600x000000"}, "mobile", "mobile"),
        ({"email": "not-an-email"}, "email", "not shaped like an e-mail"),
        ({"mobile": "34600000000", None: ["extra"]}, "mobile", "more values than the header"),
        ({"mobile": "34600000000", "vip": True}, "mobile", "bool"),
        ({"mobile": "34600000000", "tags": ["a"]}, "mobile", "list"),
        ({"mobile": "34600000000", "": "x"}, "mobile", "field name"),
        (["34600000000"], "mobile", "not a mapping"),
        ("mobile:34600000000", "mobile", "not a mapping"),
    ],
)
def test_a_bad_row_says_what_is_wrong(row: object, main_field: str, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        RowChecker(main_field).check(0, row)  # type: ignore[arg-type]


def test_rows_are_cut_into_chunks_of_the_asked_size() -> None:
    chunker = Chunker(RowChecker("mobile"), chunk_size=3)
    for row in contacts(8):
        chunker.add(row)
    chunker.finish()
    assert [len(c.rows) for c in chunker.ready] == [3, 3, 2]
    assert [(c.start, c.end) for c in chunker.ready] == [(0, 3), (3, 6), (6, 8)]


def test_invalid_rows_are_reported_and_the_rest_go_on() -> None:
    chunker = Chunker(RowChecker("mobile"), chunk_size=10)
    for row in [*contacts(2), {"name": "x"}, *contacts(2, start=2)]:
        chunker.add(row)
    chunker.finish()
    assert [invalid.position for invalid in chunker.invalid] == [2]
    assert chunker.invalid[0].why == "row 3: the main field 'mobile' is missing or empty"
    assert [r.position for r in chunker.ready[0].rows] == [0, 1, 3, 4]
    assert chunker.total == 5


def test_a_payload_budget_cuts_chunks_so_their_quoted_json_fits() -> None:
    rows = contacts(50)
    budget = 600
    chunker = Chunker(RowChecker("mobile"), chunk_size=1000, payload_budget=budget)
    for row in rows:
        chunker.add(row)
    chunker.finish()
    assert len(chunker.ready) > 1
    for chunk in chunker.ready:
        assert len(quote_plus(chunk.contacts)) <= budget  # as httpx encodes a query
        assert json.loads(chunk.contacts) == [r.values for r in chunk.rows]
    assert sum(len(c.rows) for c in chunker.ready) == 50


def test_a_row_larger_than_the_budget_alone_is_set_aside() -> None:
    chunker = Chunker(RowChecker("mobile"), chunk_size=10, payload_budget=200)
    chunker.add({"mobile": "34699999999", "note": "x" * 500})
    chunker.add(contacts(1)[0])
    chunker.finish()
    assert [r.position for r in chunker.too_large] == [0]
    assert [r.position for c in chunker.ready for r in c.rows] == [1]


def _ranges_of(rows: list[dict[str, str]], size: int) -> list[JournalRange]:
    first = Chunker(RowChecker("mobile"), chunk_size=size)
    for row in rows:
        first.add(row)
    first.finish()
    return [JournalRange(c.start, c.end, c.fingerprint, "confirmed") for c in first.ready]


def test_confirmed_journal_ranges_are_skipped_and_sent_ones_come_back_ambiguous() -> None:
    rows = contacts(10)
    confirmed, sent, *_ = _ranges_of(rows, 4)
    sent = JournalRange(sent.start, sent.end, sent.fingerprint, "sent")
    chunker = Chunker(RowChecker("mobile"), chunk_size=4, journal_ranges=[confirmed, sent])
    for row in rows:
        chunker.add(row)
    chunker.finish()
    assert chunker.resumed == 4
    assert [(c.start, c.end, c.ambiguous) for c in chunker.ready] == [(4, 8, True), (8, 10, False)]


def test_a_journal_of_another_input_is_refused() -> None:
    ranges = _ranges_of(contacts(4), 4)
    chunker = Chunker(RowChecker("mobile"), chunk_size=4, journal_ranges=ranges)
    with pytest.raises(JournalError, match="another input"):
        for row in contacts(4, start=100):
            chunker.add(row)
        chunker.finish()


def test_a_journal_longer_than_the_input_is_refused() -> None:
    ranges = _ranges_of(contacts(8), 4)
    chunker = Chunker(RowChecker("mobile"), chunk_size=4, journal_ranges=ranges)
    for row in contacts(4):
        chunker.add(row)
    with pytest.raises(JournalError, match="only 4"):
        chunker.finish()


def test_a_repeated_main_value_is_a_duplicate_of_the_first_row() -> None:
    chunker = Chunker(RowChecker("mobile", "ES"), chunk_size=10)
    for row in [
        {"mobile": "+34 600-111-222"},
        {"mobile": "600111223"},
        {"mobile": "0034600111222"},  # the first row, spelled differently
        {"mobile": "34600111222"},
    ]:
        chunker.add(row)
    chunker.finish()
    assert [(i.position, i.why) for i in chunker.invalid] == [
        (2, "row 3: duplicate of row 1"),
        (3, "row 4: duplicate of row 1"),
    ]
    assert [r.main for r in chunker.ready[0].rows] == ["34600111222", "34600111223"]


def test_rows_the_group_has_are_skipped_not_sent() -> None:
    from afilnet_async.bulk.seen import SeenValues

    existing = SeenValues()
    existing.add("34600000001", 1)
    chunker = Chunker(RowChecker("mobile"), chunk_size=10, existing=existing)
    for row in contacts(3):
        chunker.add(row)
    chunker.finish()
    assert chunker.skipped == 1
    assert [r.main for r in chunker.ready[0].rows] == ["34600000000", "34600000002"]


def test_the_header_is_read_without_a_mark_spaces_or_case_and_says_so() -> None:
    checker = RowChecker("mobile")
    chunker = Chunker(checker, chunk_size=10)
    for number in range(3):  # what csv.DictReader gives for a file with a BOM and " Name "
        chunker.add({"\ufeffMobile": f"3460000000{number}", " Name ": f"n{number}"})
    chunker.finish()
    assert chunker.invalid == []
    assert chunker.ready[0].rows[0].values == {"mobile": "34600000000", "Name": "n0"}
    (warning,) = checker.warnings
    assert "'\\ufeffMobile' as 'mobile'" in warning and "' Name ' as 'Name'" in warning
