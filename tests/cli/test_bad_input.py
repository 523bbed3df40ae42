"""Bad input: exactly one line on stderr, a non-zero exit, no traceback, no password.

Every case is a real ``afilnet`` run against the shared emulator; the runs happen once per
module, several at a time, and each test below checks one of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

from .helpers import (
    Account,
    Result,
    Served,
    check_output_hygiene,
    clean_environment,
    closed_port,
    new_group,
    run,
)

WRONG_PASSWORD = "wrong-S3cr3t-pw!"
ZONED = "2030-01-02T09:30+02:00"
INCORRECT = "afilnet: error: INCORRECT_USER_PASSWORD: wrong user or password"


@attrs.frozen
class Case:
    """``afilnet ARGS`` with the account's environment changed by ``env`` (None: unset)."""

    args: tuple[str, ...]
    message: str  # the start of the one line on stderr
    code: int = 1
    env: Mapping[str, str | None] = attrs.field(factory=dict)
    stdout_empty: bool = True


#: {GROUP} is a group of the account (mobile, name); {PORT} a closed loopback port; {ROOT} the
#: emulator's root URL (its API is at {ROOT}api/).
CASES: dict[str, Case] = {
    # usage errors: exit 2
    "unknown-class": Case(
        ("call", "nosuch", "getbalance"),
        "afilnet: error: unknown method nosuch.getbalance: `afilnet methods` lists them",
        2,
    ),
    "unknown-method": Case(
        ("call", "user", "getBalance"),
        "afilnet: error: unknown method user.getBalance: `afilnet methods` lists them "
        "(--unchecked sends it anyway) (see 'afilnet call --help')",
        2,
    ),
    "call-missing-parameter": Case(
        ("call", "group", "getcontacts"),
        "afilnet: error: group.getcontacts needs idgroup (--unchecked sends it anyway)",
        2,
    ),
    "call-unknown-parameter": Case(
        ("call", "group", "getcontacts", "idgroup=1", "nosuch=2"),
        "afilnet: error: group.getcontacts has no parameter 'nosuch': it takes idgroup",
        2,
    ),
    "pair-without-equals": Case(
        ("call", "group", "getcontacts", "idgroup"),
        "afilnet: error: expected key=value, got 'idgroup'",
        2,
    ),
    "pair-without-key": Case(
        ("contacts", "add", "{GROUP}", "=34600000000"),
        "afilnet: error: expected key=value, got '=34600000000'",
        2,
    ),
    "pair-given-twice": Case(
        ("call", "group", "getcontacts", "idgroup=1", "idgroup=2"),
        "afilnet: error: 'idgroup' given twice",
        2,
    ),
    "unknown-auth-style-flag": Case(
        ("--auth", "ldap", "balance"), "afilnet: error: Invalid value for '--auth': 'ldap'", 2
    ),
    "bad-country": Case(
        ("contacts", "add", "{GROUP}", "mobile=600111222", "--country", "Spain"),
        "afilnet: error: Invalid value for '--country': 'Spain' is not a two-letter country",
        2,
    ),
    "send-at-with-a-zone": Case(
        ("sms", "send", "--to", "34600000000", "--from", "Shop", "--at", ZONED, "Hello"),
        "afilnet: error: Invalid value for '--at': '2030-01-02T09:30+02:00' has a time zone",
        2,
    ),
    "send-at-not-a-date": Case(
        ("sms", "send", "--to", "34600000000", "--from", "Shop", "--at", "tomorrow", "Hello"),
        "afilnet: error: Invalid value for '--at': 'tomorrow' is not an ISO date and time",
        2,
    ),
    "email-without-a-body": Case(
        ("email", "send", "--to", "ana@example.com", "--subject", "Hi"),
        "afilnet: error: give the body as BODY or --body-file, one of them",
        2,
    ),
    "unknown-encoding": Case(
        ("import", "ok.csv", "--group", "{GROUP}", "--encoding", "klingon"),
        "afilnet: error: Invalid value for '--encoding': unknown encoding 'klingon'",
        2,
    ),
    "missing-csv": Case(
        ("import", "missing.csv", "--group", "{GROUP}"),
        "afilnet: error: Invalid value for 'FILE': File 'missing.csv' does not exist.",
        2,
    ),
    "no-such-command": Case(
        ("frobnicate",), "afilnet: error: No such command 'frobnicate'. (see 'afilnet --help')", 2
    ),
    "missing-argument": Case(
        ("contacts", "add", "{GROUP}"),
        "afilnet: error: Missing argument 'FIELDS...'. (see 'afilnet contacts add --help')",
        2,
    ),
    # configuration, API and data errors: exit 1
    "no-user": Case(
        ("balance",),
        "afilnet: error: set AFILNET_USER (the Afilnet user name or e-mail)",
        env={"AFILNET_USER": None},
    ),
    "bearer-without-a-token": Case(
        ("--auth", "bearer", "balance"), "afilnet: error: set AFILNET_TOKEN (a bearer token)"
    ),
    "unknown-auth-style-in-environment": Case(
        ("balance",),
        "afilnet: error: unknown auth style 'ldap' (AFILNET_AUTH or --auth); choose one of "
        "form, query, basic, oauth2, bearer",
        env={"AFILNET_AUTH": "ldap"},
    ),
    "wrong-password-form": Case(("balance",), INCORRECT, env={"AFILNET_PASSWORD": WRONG_PASSWORD}),
    "wrong-password-query": Case(
        ("--auth", "query", "balance"), INCORRECT, env={"AFILNET_PASSWORD": WRONG_PASSWORD}
    ),
    "wrong-password-basic": Case(
        ("--auth", "basic", "balance"), INCORRECT, env={"AFILNET_PASSWORD": WRONG_PASSWORD}
    ),
    "wrong-password-oauth2": Case(
        ("--auth", "oauth2", "balance"),
        "afilnet: error: token endpoint refused the grant (HTTP 400: invalid_grant)",
        env={"AFILNET_PASSWORD": WRONG_PASSWORD},
    ),
    "wrong-password-import": Case(
        ("import", "ok.csv", "--group", "{GROUP}"),
        INCORRECT,
        env={"AFILNET_PASSWORD": WRONG_PASSWORD},
    ),
    "unreachable-base-url": Case(
        ("--base-url", "http://127.0.0.1:{PORT}/api/", "balance"),
        "afilnet: error: connection failed (ConnectError)",
    ),
    "base-url-not-found": Case(
        ("--base-url", "{ROOT}wrong/", "balance"),
        "afilnet: error: unexpected HTTP status 404 for {ROOT}wrong/http/; check the base URL "
        "(it should end in /api/)",
    ),
    "plain-http-to-a-remote-host": Case(
        ("balance",),
        "afilnet: error: refusing to send credentials over plain http to 'afilnet.example'; "
        "use https, or pass allow_insecure_http=True (CLI: --allow-insecure-http)",
        env={"AFILNET_BASE_URL": "http://afilnet.example/api/"},
    ),
    "mobile-not-a-number": Case(
        ("contacts", "add", "{GROUP}", "mobile=abc", "name=Ann"),
        "afilnet: error: contact: mobile: mobile 'abc' holds 'a', which is not a digit",
    ),
    "empty-csv": Case(
        ("import", "empty.csv", "--group", "{GROUP}"), "afilnet: error: empty.csv has no data rows"
    ),
    "csv-not-utf8": Case(
        ("import", "latin1.csv", "--group", "{GROUP}"),
        "afilnet: error: latin1.csv, line 2: byte 0xE9 after '34600000001,Jos' is not UTF-8; "
        "save it as UTF-8 (in Excel: CSV UTF-8), or pass encoding='latin-1' / --encoding latin-1",
    ),
    "csv-without-a-main-field": Case(
        ("import", "people.csv", "--group", "{GROUP}"),
        "afilnet: error: people.csv, line 1: the header has neither a 'mobile' nor an 'email' "
        "column (columns: 'telefono', 'name')",
    ),
    "import-into-an-unknown-group": Case(
        ("import", "ok.csv", "--group", "99999999"), "afilnet: error: NOT_ACCESS_TO_GROUP: "
    ),
    "journal-in-a-missing-directory": Case(
        ("import", "ok.csv", "--group", "{GROUP}", "--journal", "nodir/ok.journal"),
        "afilnet: error: nodir/ok.journal: No such file or directory",
    ),
    "failed-rows-to-a-missing-directory": Case(
        ("import", "bad.csv", "--group", "{GROUP}", "--failed-out", "nodir/bad.csv"),
        "afilnet: error: No such file or directory: nodir/bad.csv",
        stdout_empty=False,  # the report was printed before
    ),
    "error-code-from-afilnet": Case(
        ("contacts", "get", "{GROUP}", "99999999"), "afilnet: error: NOT_ACCESS_TO_CONTACT: "
    ),
}


@attrs.frozen
class Ran:
    result: Result
    env: dict[str, str]


@pytest.fixture(scope="module")
def ran(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Ran]]:
    """Every case, run once (four at a time) in a directory with the CSV files they name."""
    served.emulator.add_account("cli-bad-input", "pw-S3cr3t-bad-input!")
    env = clean_environment(
        AFILNET_USER="cli-bad-input",
        AFILNET_PASSWORD="pw-S3cr3t-bad-input!",
        AFILNET_BASE_URL=served.base_url,
    )
    account = Account("cli-bad-input", "pw-S3cr3t-bad-input!", env, served.emulator)
    idgroup = new_group(account, "mobile")
    here = tmp_path_factory.mktemp("bad-input")
    (here / "empty.csv").write_bytes(b"")
    (here / "latin1.csv").write_bytes("mobile,name\n34600000001,Jos\xe9\n".encode("latin-1"))
    (here / "ok.csv").write_text("mobile,name\n34600000001,Ann\n")
    (here / "bad.csv").write_text("mobile,name\n12,Ann\n")
    (here / "people.csv").write_text("Telefono,name\n600111222,Ann\n")
    port = str(closed_port())
    root = served.base_url.removesuffix("api/")

    def fill(text: str) -> str:
        return text.replace("{GROUP}", str(idgroup)).replace("{PORT}", port).replace("{ROOT}", root)

    def one(case: Case) -> Ran:
        args = [fill(a) for a in case.args]
        changed = {**env, **case.env}
        case_env = {key: value for key, value in changed.items() if value is not None}
        return Ran(run(args, case_env, cwd=here, hygiene=False), case_env)

    with ThreadPoolExecutor(max_workers=4) as pool:
        yield dict(zip(CASES, pool.map(one, CASES.values()), strict=True))


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_line_and_a_failure(ran: dict[str, Ran], name: str) -> None:
    case, (result, env) = CASES[name], attrs.astuple(ran[name], recurse=False)

    root = ran[name].env["AFILNET_BASE_URL"].removesuffix("api/")
    assert result.returncode == case.code, result.stderr
    assert result.error_line.startswith(case.message.replace("{ROOT}", root))
    if case.stdout_empty:
        assert result.stdout == ""
    check_output_hygiene(result, env)  # no traceback; the password is not echoed


def test_the_password_is_never_echoed(ran: dict[str, Ran]) -> None:
    secrets = {"pw-S3cr3t-bad-input!", WRONG_PASSWORD}
    for name, (result, _) in ((n, attrs.astuple(r, recurse=False)) for n, r in ran.items()):
        for secret in secrets:
            assert secret not in result.stdout + result.stderr, name
