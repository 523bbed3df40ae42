"""``afilnet sms send-bulk`` and ``afilnet email send-bulk``: a contact file, one message per
row, never one twice; what was not sent, and what may have been, each in its own file."""

from __future__ import annotations

import csv
from pathlib import Path

from afilnet_async.emulator import Faults

from .helpers import Account, Served, run

SPANISH_EXCEL = (
    "\ufeffMobile;Name\r\n600111222;Ana\r\n600111223;Bob;extra\r\n"
    "600 111 224;Eva\r\n+34 600-111-225;Luis\r\n"
)


def destinations(account: Account) -> list[str]:
    return sorted(
        m.destination
        for m in account.emulator.state.messages.values()
        if m.owner.user == account.user
    )


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sms_from_a_spanish_excel_file_then_a_resume_that_sends_nothing_twice(
    account: Account, workdir: Path
) -> None:
    (workdir / "customers.csv").write_bytes(SPANISH_EXCEL.encode())
    args = ["sms", "send-bulk", "customers.csv", "--from", "Shop", "--text", "Hola {name}",
            "--country", "ES", "--journal", "sends.journal"]  # fmt: skip

    first = run(args, account.env, cwd=workdir)
    again = run(args, account.env, cwd=workdir)

    assert first.returncode == again.returncode == 1  # one row could not be sent
    report = first.json()
    assert (report["total"], report["sent"], report["failed"], report["unknown"]) == (4, 3, 1, 0)
    assert report["credits"] == 3
    assert destinations(account) == ["34600111222", "34600111224", "34600111225"]
    texts = sorted(m.text for m in account.emulator.state.messages.values()
                   if m.owner.user == account.user)  # fmt: skip
    assert texts == ["Hola Ana", "Hola Eva", "Hola Luis"]
    assert rows_of(workdir / "customers.failed.csv") == [
        {"mobile": "600111223", "name": "Bob", "line": "3",
         "error": "message 2: line 3 has 3 values, the header has 2"},
    ]  # fmt: skip
    assert not (workdir / "customers.unknown.csv").exists()
    resumed = again.json()
    assert (resumed["resumed"], resumed["requests"]) == (3, 0)
    assert len(destinations(account)) == 3  # nothing sent twice
    assert "removed the UTF-8 byte-order mark" in first.stderr


def test_messages_whose_answer_was_lost_go_to_the_unknown_file_and_are_never_resent(
    emulator: Served, account: Account, workdir: Path
) -> None:
    (workdir / "list.csv").write_text(
        "mobile,text\n34600000001,uno\n34600000002,dos\n", encoding="utf-8"
    )
    emulator.emulator.faults = Faults(rate_applied_then_500=1.0)
    args = ["sms", "send-bulk", "list.csv", "--from", "Shop", "--journal", "j"]

    first = run(args, account.env, cwd=workdir)
    emulator.emulator.faults = Faults()
    again = run(args, account.env, cwd=workdir)

    assert first.returncode == again.returncode == 1
    assert first.json()["unknown"] == again.json()["unknown"] == 2
    assert len(destinations(account)) == 2  # each went out once (applied, then a 500)
    assert [r["mobile"] for r in rows_of(workdir / "list.unknown.csv")] == [
        "34600000001",
        "34600000002",
    ]
    assert "check their delivery before sending them again" in first.stderr


def test_email_send_bulk_reads_the_address_from_the_email_column(
    account: Account, workdir: Path
) -> None:
    (workdir / "mail.csv").write_text(
        "email;name\nana@example.com;Ana\nbob@example.com;Bob\n", encoding="utf-8"
    )
    result = run(
        ["email", "send-bulk", "mail.csv", "--subject", "News", "--text", "<p>Hola {name}</p>",
         "--table"],
        account.env,
        cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "2 + 0 + 0 + 0 = 2 ✓" in result.stdout
    assert destinations(account) == ["ana@example.com", "bob@example.com"]


def test_a_dry_run_checks_every_row_and_sends_nothing(account: Account, workdir: Path) -> None:
    (workdir / "customers.csv").write_bytes(SPANISH_EXCEL.encode())
    result = run(
        ["sms", "send-bulk", "customers.csv", "--from", "Shop", "--text", "Hi", "--country",
         "ES", "--dry-run"],
        account.env,
        cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 1
    assert (result.json()["sent"], result.json()["failed"], result.json()["dry_run"]) == (
        3, 1, True,
    )  # fmt: skip
    assert destinations(account) == []


def test_a_file_without_a_mobile_column_is_one_line(account: Account, workdir: Path) -> None:
    (workdir / "mail.csv").write_text("email\nana@example.com\n", encoding="utf-8")
    result = run(["sms", "send-bulk", "mail.csv", "--from", "Shop", "--text", "Hi"],
                 account.env, cwd=workdir)  # fmt: skip

    assert result.returncode == 1
    assert result.error_line.startswith("afilnet: error: ")
    assert "'mobile'" in result.error_line
