"""``afilnet sms send``, ``sms send-group``, ``email send``, ``voice send`` and ``status``."""

from __future__ import annotations

from pathlib import Path

from afilnet_async.emulator import Faults

from .helpers import Account, Served, new_group, run, run_many


def sent_fields(emulator: Served, qualname: str) -> list[dict[str, str]]:
    """The parameters of every ``qualname`` call the emulator received."""
    return [seen.fields for seen in emulator.recorder.seen if seen.call == qualname]


def test_sms_send_prints_the_message_id_and_the_credits(emulator: Served, account: Account) -> None:
    at = "2030-01-02T09:30"
    result = run(
        ["sms", "send", "--to", "34600000000", "--from", "Shop", "--at", at, "Hello Ann"],
        account.env,
    )

    assert result.returncode == 0, result.stderr
    sent = result.json()
    assert sent == {"messageid": sent["messageid"], "messageids": [sent["messageid"]],
                    "credits": 1}  # fmt: skip
    message = emulator.emulator.state.messages[int(sent["messageid"])]
    assert (message.destination, message.text, message.sender) == (
        "34600000000", "Hello Ann", "Shop",
    )  # fmt: skip
    [fields] = sent_fields(emulator, "sms.sendsms")
    assert fields["scheduledatetime"] == "2030-01-02 09:30:00"  # a naive datetime, as sent


def test_national_numbers_take_the_country_from_the_flag_or_the_environment(
    emulator: Served, account: Account
) -> None:
    by_flag, by_environment = run_many(
        [
            ["sms", "send", "--to", "600111222", "--from", "Shop", "--country", "es", "Hi"],
            ["voice", "send", "--to", "600111223", "--language", "ES", "Hola"],
        ],
        {**account.env, "AFILNET_COUNTRY": "ES"},
    )

    assert by_flag.returncode == by_environment.returncode == 0, by_flag.stderr
    [sms] = sent_fields(emulator, "sms.sendsms")
    [voice] = sent_fields(emulator, "voice.sendvoice")
    assert sms["to"] == "34600111222"
    assert (voice["to"], voice["language"], voice["message"]) == ("34600111223", "ES", "Hola")
    assert by_environment.json()["credits"] == 2  # the emulator's price of a voice call


def test_sms_to_a_group_prints_its_ids_and_credits(emulator: Served, account: Account) -> None:
    idgroup = new_group(
        account, "mobile", contacts=[{"mobile": f"3460000000{n}"} for n in range(3)]
    )
    args = ["sms", "send-group", "--group", str(idgroup), "--from", "Shop", "--country-code",
            "es", "Sale today"]  # fmt: skip
    before = emulator.emulator.counters.messages_by_class["sms"]

    as_json, as_table = run_many([args, [*args, "--table"]], account.env)

    assert as_json.returncode == as_table.returncode == 0, as_json.stderr
    assert as_json.json()["credits"] == 3  # one credit per SMS part and contact
    assert "│ credits    │ 3 " in as_table.stdout
    assert "messageids" in as_table.stdout
    assert emulator.emulator.counters.messages_by_class["sms"] - before == 6


def test_email_from_the_argument_or_a_file(
    emulator: Served, account: Account, workdir: Path
) -> None:
    (workdir / "body.html").write_text("<p>Hola, Iñigo</p>", "utf-8")

    inline, from_file = run_many(
        [
            ["email", "send", "--to", "ana@example.com", "--subject", "Hi", "Hello Ana"],
            ["email", "send", "--to", "inigo@example.com", "--subject", "Hola",
             "--body-file", str(workdir / "body.html")],
        ],
        account.env,
    )  # fmt: skip

    assert inline.returncode == from_file.returncode == 0, inline.stderr + from_file.stderr
    bodies = {f["to"]: f["email"] for f in sent_fields(emulator, "email.sendemail")}
    assert bodies == {"ana@example.com": "Hello Ana", "inigo@example.com": "<p>Hola, Iñigo</p>"}
    assert inline.json()["messageid"] is not None


def test_status_of_sent_messages(account: Account) -> None:
    sms = run(["sms", "send", "--to", "34600000000", "--from", "Shop", "Hi"], account.env).json()
    mail = run(
        ["email", "send", "--to", "ana@example.com", "--subject", "S", "Body"], account.env
    ).json()

    sms_status, mail_status, table = run_many(
        [
            ["status", sms["messageid"]],
            ["status", mail["messageid"], "--channel", "email"],
            ["status", sms["messageid"], "--table"],
        ],
        account.env,
    )

    assert sms_status.returncode == mail_status.returncode == 0, sms_status.stderr
    [one] = sms_status.json()
    assert one["messageid"] == sms["messageid"]
    assert one["status"]
    assert mail_status.json()[0]["messageid"] == mail["messageid"]
    assert "┃ messageid ┃ status" in table.stdout


def test_a_send_whose_answer_was_lost_says_not_to_resend_blindly(
    emulator: Served, account: Account
) -> None:
    emulator.emulator.faults = Faults(rate_applied_then_500=1.0)
    before = emulator.emulator.counters.messages_sent

    result = run(["sms", "send", "--to", "34600000000", "--from", "Shop", "Hi"], account.env)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.error_line == (
        "afilnet: error: sms.sendsms: the message may have been sent, but its answer was lost "
        "(ServerError: server error (HTTP 500)); do not resend blindly: check the account's "
        "sent messages first"
    )
    assert emulator.emulator.counters.messages_sent == before + 1  # sent once, not retried
    assert len(sent_fields(emulator, "sms.sendsms")) == 1
