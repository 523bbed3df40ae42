"""``afilnet demo``: the README's first command, on the in-process emulator."""

from __future__ import annotations

import re
import time

import pytest

from afilnet_async.cli.options import DIALECT_NAMES
from afilnet_async.emulator import DIALECTS

from .helpers import clean_environment, run


def summary_value(output: str, label: str) -> str:
    found = re.search(rf"^\W*{re.escape(label)}\W+(.+?)\W*$", output, re.MULTILINE)
    assert found, f"{label!r} is in the summary"
    return found.group(1)


def test_the_demo_imports_reads_back_and_sends_the_group_an_sms() -> None:
    started = time.monotonic()
    result = run(["demo", "--table"], clean_environment())  # no account, no base URL, no network
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "Logged in to the built-in emulator as demo; balance: 6,000",
        "Created group 1000 (type mobile, fields mobile,name)",
        "Sent the group one SMS: 5,000 messages",
    ]
    generated = summary_value(result.stdout, "contacts generated")
    assert generated == "5,000"
    assert summary_value(result.stdout, "contacts imported") == generated
    assert summary_value(result.stdout, "contacts read back from the group") == generated
    assert summary_value(result.stdout, "contacts failed") == "0"
    assert summary_value(result.stdout, "concurrency asked / peak at server").startswith("8 / ")
    assert summary_value(result.stdout, "SMS sent to the group (one per contact)") == generated
    assert summary_value(result.stdout, "credits spent") == "5,000"  # 1 credit per SMS part
    assert summary_value(result.stdout, "balance before / after") == "6,000 / 1,000"
    assert elapsed < 20, f"the demo took {elapsed:.1f} s"


def test_the_cli_offers_every_emulator_dialect() -> None:
    assert tuple(DIALECTS) == DIALECT_NAMES


@pytest.mark.parametrize("dialect", DIALECT_NAMES)
def test_the_demo_takes_its_size_and_concurrency_and_prints_json_when_piped(dialect: str) -> None:
    result = run(
        ["demo", "--contacts", "450", "--concurrency", "3", "--dialect", dialect],
        clean_environment(),
    )

    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["import"]["imported"] == summary["read_back"] == 450
    assert summary["import"]["requests"] == 3
    assert summary["concurrency"] == 3
    assert 1 <= summary["server_peak_in_flight"] <= 3  # never more than asked
    assert (summary["sms_sent"], summary["credits_spent"]) == (450, 450)
    assert (summary["balance_before"], summary["balance_after"]) == (1450, 1000)
