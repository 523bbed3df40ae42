"""``afilnet demo``: the README's first command, on the in-process emulator."""

from __future__ import annotations

import re
import time

from .helpers import clean_environment, run


def summary_value(output: str, label: str) -> str:
    found = re.search(rf"^\W*{re.escape(label)}\W+(.+?)\W*$", output, re.MULTILINE)
    assert found, f"{label!r} is in the summary"
    return found.group(1)


def test_the_demo_imports_and_reads_back_every_contact() -> None:
    started = time.monotonic()
    result = run(["demo"], clean_environment())  # no account, no base URL, no network
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Logged in to the built-in emulator as demo; balance: 1000.0" in result.stdout
    generated = summary_value(result.stdout, "contacts generated")
    assert generated == "5,000"
    assert summary_value(result.stdout, "contacts imported") == generated
    assert summary_value(result.stdout, "contacts read back from the group") == generated
    assert summary_value(result.stdout, "contacts failed") == "0"
    assert summary_value(result.stdout, "concurrency asked / peak at server").startswith("8 / ")
    assert elapsed < 20, f"the demo took {elapsed:.1f} s"


def test_the_demo_takes_its_size_and_concurrency() -> None:
    result = run(["demo", "--contacts", "450", "--concurrency", "3"], clean_environment())

    assert result.returncode == 0, result.stderr
    assert summary_value(result.stdout, "contacts imported") == "450"
    assert summary_value(result.stdout, "contacts read back from the group") == "450"
    assert summary_value(result.stdout, "addcontactlist requests") == "3"
    asked, peak = summary_value(result.stdout, "concurrency asked / peak at server").split(" / ")
    assert asked == "3"
    assert 1 <= int(peak) <= 3  # never more than asked (how many overlap depends on timing)
