"""``afilnet doctor``: read-only calls in every style, a table of what was read, a masked
transcript that ``Emulator.from_transcript`` (and ``afilnet emulator --transcript``) reads."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from afilnet_async import FormAuth
from afilnet_async.cli.doctor import KeyMasker, describe_shape, mask
from afilnet_async.emulator import DIALECTS, Emulator
from afilnet_async.emulator.state import Address, Profile

from .helpers import Account, Background, Served, clean_environment, new_group, run

READS = {
    "user.getbalance", "user.getaddresses", "user.getchannels", "subaccount.getsubaccounts",
    "group.getgroupcolumns", "group.getcontacts",
}  # fmt: skip
#: Values of the account's contacts and address: none may reach a transcript.
PRIVATE = [
    "Ana Secreta", "Secreta SL", "X1234567Z", "Villarriba", "28999", "Calle Falsa 123",
    "34611122233", "34611122244", "Zoe Privada", "Leo Privado",
]  # fmt: skip

#: The shape doctor reports for each method in each dialect (one address, one sub-account,
#: three channels, two columns, two contacts).
SHAPES = {
    "vendor": {
        "user.getbalance": "number",
        "user.getaddresses": "array of 1 object",
        "user.getchannels": "array of 3 objects",
        "subaccount.getsubaccounts": "array of 1 object",
        "group.getgroupcolumns": "array of 2 strings",
        "group.getcontacts": "array of 2 objects",
    },
    "wrapped": {
        "user.getbalance": 'object {"balance": numeric string}',
        "user.getaddresses": '{"list": ...} wrapper of array of 1 object',
        "user.getchannels": '{"list": ...} wrapper of array of 3 objects',
        "subaccount.getsubaccounts": '{"list": ...} wrapper of array of 1 object',
        "group.getgroupcolumns": '{"columns": ...} wrapper of array of 2 strings',
        "group.getcontacts": '{"list": ...} wrapper of array of 2 objects',
    },
    "php": {
        "user.getbalance": "numeric string",
        "user.getaddresses": "object of 1 object keyed by id",
        "user.getchannels": "object of 3 objects keyed by position (a PHP array)",
        "subaccount.getsubaccounts": "object of 1 object keyed by e-mail",
        "group.getgroupcolumns": "object of 2 strings keyed by position (a PHP array)",
        "group.getcontacts": "object of 2 objects keyed by id",
    },
    "terse": {
        "user.getbalance": 'object {"credits": number}',
        "user.getaddresses": "array of 1 object",
        "user.getchannels": "array of 3 objects",
        "subaccount.getsubaccounts": "array of 1 object",
        "group.getgroupcolumns": "comma-separated text",
        "group.getcontacts": "array of 2 objects",
    },
}
READ = {
    "user.getbalance": "Balance 250.5",
    "user.getaddresses": "1 address",
    "user.getchannels": "3 channels (3 active)",
    "subaccount.getsubaccounts": "1 sub-account",
    "group.getgroupcolumns": "2 columns: mobile, name",
    "group.getcontacts": "2 contacts",
}


def arrange(emulator: Emulator, user: str) -> int:
    """Give ``user`` an address, a sub-account and a group of two contacts; the group's id."""
    state = emulator.state
    owner = state.find(user)
    assert owner is not None
    profile = Profile(
        "Ana Secreta", True, "Secreta SL", "X1234567Z", "es", 28079, "Villarriba", "28999",
        "Calle Falsa 123",
    )  # fmt: skip
    address = state.next_id()
    owner.addresses[address] = Address(address, profile, verified=True)
    state.add_account(f"sub-{user}@example.com", "pw-sub-S3cr3t", parent=owner).profile = profile
    account = Account(user, "", {}, emulator)
    return new_group(
        account, "mobile", "name",
        contacts=[{"mobile": "34611122233", "name": "Zoe Privada"},
                  {"mobile": "34611122244", "name": "Leo Privado"}],
    )  # fmt: skip


@pytest.fixture
def dialect(emulator: Served) -> Iterator[None]:
    """Put the shared emulator's dialect back after the test."""
    yield
    emulator.emulator.dialect = "vendor"


def check_transcript_is_masked(path: Path, secrets: list[str]) -> str:
    """The transcript's text, after grepping it for every secret and private value."""
    marks = ['"password"', '"user"', '"access_token"', "Bearer", "pw-", "@example.com"]
    patterns = path.with_name("must-not-appear.txt")
    patterns.write_text("\n".join([*secrets, *PRIVATE, *marks]) + "\n", "utf-8")
    grep = subprocess.run(  # noqa: S603 - fixed arguments
        ["grep", "-F", "-n", "-f", str(patterns), str(path)],  # noqa: S607
        capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    assert grep.returncode == 1, f"found in the transcript:\n{grep.stdout}"  # 1: no line matched
    return path.read_text("utf-8")


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_doctor_reads_every_method_in_every_style_of_each_dialect(
    emulator: Served, account: Account, workdir: Path, dialect: None, name: str
) -> None:
    emu = emulator.emulator
    emu.dialect = name
    idgroup = arrange(emu, account.user)
    token = emu.state.tokens.issue(account.user, 3600)  # AFILNET_TOKEN: bearer is checked too
    applied = emu.counters.applied
    emulator.recorder.clear()

    result = run(
        ["doctor", "--auth", "all", "--group", str(idgroup), "--transcript", "doctor.json"],
        {**account.env, "AFILNET_TOKEN": token},
        cwd=workdir,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    report = result.json()
    assert report["ok"] is True
    assert report["styles"] == ["form", "query", "basic", "oauth2", "bearer"]
    details = {(c["method"], c["style"]): c["detail"] for c in report["checks"]}
    for (method, _), detail in details.items():
        assert detail == f"ok · {READ[method]} · {SHAPES[name][method]}"
    assert len(details) == 30
    # read-only: nothing applied, only the six reads (and the OAuth2 token) requested
    assert emu.counters.applied == applied
    assert set(emulator.recorder.calls()) == READS
    # the transcript: masked, and it loads into the emulator
    text = check_transcript_is_masked(workdir / "doctor.json", [account.password, token])
    transcript = json.loads(text)
    assert (transcript["format"], transcript["version"]) == ("afilnet-doctor transcript", 1)
    assert len(transcript["entries"]) == 30
    assert {e["http_status"] for e in transcript["entries"]} == {200}
    replay = Emulator.from_transcript(workdir / "doctor.json")
    arrange(replay, "demo")
    assert replayed_shapes(replay) == SHAPES[name]


def replayed_shapes(replay: Emulator) -> dict[str, str]:
    """What the emulator built from a transcript answers, described as doctor describes it."""

    async def shapes() -> dict[str, str]:
        async with replay.client(FormAuth("demo", "demo")) as client:
            idgroup = max(replay.state.groups)
            found = {}
            for method in sorted(READS):
                api_class, _, api_method = method.partition(".")
                params: dict[str, Any] = {"idgroup": idgroup} if api_class == "group" else {}
                found[method] = describe_shape(await client.call(api_class, api_method, **params))
            return found

    return anyio.run(shapes)


def test_a_refused_login_is_a_failure_with_the_error_in_each_cell(
    account: Account, workdir: Path
) -> None:
    env = {**account.env, "AFILNET_PASSWORD": "wrong-S3cr3t-doctor"}

    result = run(["doctor", "--auth", "all", "--transcript", "refused.json"], env, cwd=workdir)

    assert result.returncode == 1
    details = {(c["method"], c["style"]): c["detail"] for c in result.json()["checks"]}
    assert details[("user.getbalance", "form")] == (
        "error · INCORRECT_USER_PASSWORD: wrong user or password"
    )
    assert details[("user.getbalance", "oauth2")] == (
        "error · TokenError: token endpoint refused the grant (HTTP 400: invalid_grant)"
    )
    text = check_transcript_is_masked(workdir / "refused.json", ["wrong-S3cr3t-doctor"])
    entries = json.loads(text)["entries"]
    assert entries[0] == {
        "style": "form", "method": "user.getbalance", "http_status": 200,
        "answer": {"status": "ERROR", "error": "INCORRECT_USER_PASSWORD"},
    }  # fmt: skip
    assert entries[-1]["answer"] is None  # no answer of the API itself under oauth2
    Emulator.from_transcript(workdir / "refused.json")  # still a transcript it reads


def test_the_table_puts_styles_that_read_alike_in_one_column(account: Account) -> None:
    env = {**account.env, "AFILNET_TOKEN": "not-a-token-S3cr3t"}  # bearer is refused

    result = run(["doctor", "--table", "--auth", "all"], env)

    assert result.returncode == 1  # not every call was read
    assert re.search(r"┃ method\s+┃ form · query · basic · oauth2\s+┃ bearer\s+┃", result.stdout)
    assert re.search(
        r"│ user.getbalance\s+│ ok · Balance 250.5 · number\s+│ "
        r"error · INCORRECT_USER_PASSWORD: wrong user",
        result.stdout,
    ), result.stdout
    assert "│ subaccount.getsubaccounts │ ok · 0 sub-accounts · empty array" in result.stdout
    assert "not-a-token-S3cr3t" not in result.stdout + result.stderr


def test_the_transcript_of_a_php_server_replays_through_afilnet_emulator(
    workdir: Path,
) -> None:
    started: list[Background] = []
    try:
        php = Background(["emulator", "--port", "0", "--dialect", "php", "--json"],
                         clean_environment())  # fmt: skip
        started.append(php)
        env = clean_environment(
            AFILNET_USER="demo",
            AFILNET_PASSWORD="demo",
            AFILNET_BASE_URL=json.loads(php.first_line())["base_url"],
        )
        first = run(["doctor", "--transcript", "php.json"], env, cwd=workdir)
        replay = Background(["emulator", "--port", "0", "--transcript", "php.json", "--json"],
                            clean_environment(), cwd=workdir)  # fmt: skip
        started.append(replay)
        env["AFILNET_BASE_URL"] = json.loads(replay.first_line())["base_url"]
        second = run(["doctor"], env, cwd=workdir)
    finally:
        for process in started:
            process.stop()

    assert first.returncode == second.returncode == 0, first.stdout + second.stdout
    assert first.json()["checks"] == second.json()["checks"]
    details = [c["detail"] for c in first.json()["checks"]]
    assert details[0] == "ok · Balance 1000 · numeric string"
    assert (
        details[2] == "ok · 3 channels (3 active) · object of 3 objects keyed by position "
        "(a PHP array)"
    )


def test_masking_keeps_keys_and_shapes_and_hides_every_value() -> None:
    answer = {
        "34600111222": {"mobile": "34600111222", "name": "Ana", "vip": True, "note": None},
        "+34 600 111 223": {"mobile": "+34 600 111 223", "credits": 1.5, "visits": 3},
        "ana@example.com": {"email": "ana@example.com", "tags": ["a", "b"]},
        "luis@example.com": {"email": "luis@example.com", "balance": "0,055"},
        "1001": {"idcontact": 1001, "empty": ""},
    }

    masked = mask(answer, KeyMasker())

    assert masked == {
        "01": {"mobile": "0", "name": "***", "vip": True, "note": None},
        "02": {"mobile": "***", "credits": 0.0, "visits": 0},
        "***@***": {"email": "***", "tags": ["***", "***"]},
        "***2@***": {"email": "***", "balance": "0"},
        "1001": {"idcontact": 0, "empty": ""},
    }
