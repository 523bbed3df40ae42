"""Item 5: no password, sub-account password or token anywhere, whatever goes wrong.

Every auth strategy goes through success and every failure kind against the emulator on a
loopback port (and a mocked server for answers the emulator never gives), with DEBUG logging
on for every logger (root, httpx, httpcore, uvicorn, the library). Then every log record
(with its traceback), the reprs of the client, the strategy, its signing flow, the requests it
builds and the calls, and every exception's str, repr, formatted traceback and chained
exceptions (suppressed ones too) are searched for every spelling of every secret, the tokens
the emulator issued included. Also: plain http to a host that is not loopback is refused
without the opt-in, redirects are not followed, and TLS verification is on by default.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import socket
import ssl
import subprocess
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import anyio
import httpx
import pytest
import respx

from afilnet_async import (
    AfilnetClient,
    AfilnetConnectionError,
    AfilnetError,
    BasicAuth,
    BearerAuth,
    ConfigurationError,
    FormAuth,
    OAuth2Auth,
    QueryAuth,
    RetryPolicy,
    ValidationError,
)
from afilnet_async.auth import AuthStrategy
from afilnet_async.call import Call
from afilnet_async.emulator import Emulator, Faults, RunningServer

from .helpers import record

ITEM = "5 secrets"
USER = "ann@example.com"
PASSWORD = "pw-S3cr3t!&=+%é"
WRONG_PASSWORD = "wrong-S3cr3t?#"
ACCOUNT_PASSWORD = "sub-S3cr3t/ü:2"
STATIC_TOKEN = "tok-S3cr3t.Bearer~9"
STRATEGIES = ("query", "form", "basic", "oauth2", "bearer")


def spellings(secret: str) -> set[str]:
    """Every form a secret could take in a log line or a message."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(repr(secret)[1:-1])
    forms.add(base64.b64encode(f"{USER}:{secret}".encode()).decode())
    return {form for form in forms if len(form) >= 6}


class Haystack:
    """Every string a user could see; searched for every secret at the end."""

    def __init__(self) -> None:
        self.strings: list[tuple[str, str]] = []
        self.secrets: set[str] = {"S3cr3t"}
        for secret in (PASSWORD, WRONG_PASSWORD, ACCOUNT_PASSWORD, STATIC_TOKEN):
            self.secrets |= spellings(secret)

    def add(self, where: str, text: str) -> None:
        self.strings.append((where, text))

    def add_error(self, where: str, error: BaseException) -> None:
        self.add(f"{where}: str", str(error))
        self.add(f"{where}: repr", repr(error))
        self.add(f"{where}: traceback", "".join(traceback.format_exception(error)))
        link: BaseException | None = error
        seen = 0
        while link is not None and seen < 10:  # the chain, even where it is suppressed
            self.add(f"{where}: chained {type(link).__name__}", f"{link!s} {link!r} {vars(link)!r}")
            link = link.__cause__ or link.__context__
            seen += 1

    def hits(self) -> list[str]:
        return [
            f"{secret!r} in {where}: {text[max(0, text.find(secret) - 80) :][:200]!r}"
            for where, text in self.strings
            for secret in self.secrets
            if secret in text
        ]


@pytest.fixture
def debug_everywhere(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    names = ("", "httpx", "httpcore", "uvicorn", "uvicorn.error", "afilnet_async", "asyncio")
    saved = {name: logging.getLogger(name).level for name in names}
    caplog.set_level(logging.DEBUG)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def add_logs(haystack: Haystack, caplog: pytest.LogCaptureFixture) -> int:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record_ in caplog.records:
        haystack.add(f"log record of {record_.name}", formatter.format(record_))
    return len(caplog.records)


def make(strategy: str, password: str = PASSWORD, token: str = STATIC_TOKEN) -> AuthStrategy:
    return {
        "query": lambda: QueryAuth(USER, password),
        "form": lambda: FormAuth(USER, password),
        "basic": lambda: BasicAuth(USER, password),
        "oauth2": lambda: OAuth2Auth(USER, password),
        "bearer": lambda: BearerAuth(token),
    }[strategy]()


SUB = {
    "namelastname": "Ann", "iscompany": False, "documentid": "d", "language": "en",
    "countrycode": "us", "cityid": 1, "cityname": "NYC", "zipcode": "1", "address": "a",
}  # fmt: skip


@pytest.fixture
async def served() -> AsyncIterator[tuple[Emulator, RunningServer, list[str]]]:
    """The emulator on loopback with our account; the tokens it issues are collected."""
    emu = Emulator.demo()
    emu.add_account(USER, PASSWORD, reseller=True, balance=100)
    issued: list[str] = []
    store = emu.state.tokens
    original = store.issue

    def issue(login: str, lifetime: float) -> str:
        issued.append(original(login, lifetime))
        return issued[-1]

    store.issue = issue  # type: ignore[method-assign]
    async with emu.serve(host="127.0.0.1", port=0) as server:
        yield emu, server, issued


async def scenarios(
    emu: Emulator, server: RunningServer, strategy: str, haystack: Haystack, issued: list[str]
) -> list[str]:
    """Success and every failure kind; returns the outcome of each."""
    outcomes: list[str] = []
    token = issued[-1] if issued else STATIC_TOKEN
    if strategy == "bearer":  # a token the emulator issued, as one obtained elsewhere would be
        token = emu.state.tokens.issue(USER.lower(), 3600)

    async def attempt(name: str, call: Callable[[AfilnetClient], Awaitable[Any]], **options: Any):
        options.setdefault("base_url", server.base_url)
        password = options.pop("password", PASSWORD)
        wrong = password == WRONG_PASSWORD and strategy == "bearer"
        quick = RetryPolicy(options.pop("max_retries", 2), initial_delay=0.01)
        client = AfilnetClient(
            make(strategy, password, STATIC_TOKEN if wrong else token), retry=quick, **options
        )
        haystack.add("repr(client)", repr(client))
        haystack.add("repr(auth)", repr(client.auth))
        haystack.add("repr(flow)", repr(client.auth.httpx_auth(client.base_url)))
        try:
            with anyio.fail_after(10):
                await call(client)
            outcomes.append(f"{name}: ok")
        except AfilnetError as error:
            haystack.add_error(name, error)
            outcomes.append(f"{name}: {type(error).__name__}")
        finally:
            await client.aclose()

    email = f"sub-{strategy}@example.com"

    def add_sub(c: AfilnetClient) -> Awaitable[Any]:
        return c.subaccount.add_subaccount(
            accountemail=email, accountpassword=ACCOUNT_PASSWORD, **SUB
        )

    await attempt("success", lambda c: c.user.get_balance())
    await attempt("success with a sub-account password", add_sub)
    await attempt(
        "success changing a sub-account password",
        lambda c: c.subaccount.modify_subaccount(
            accountemail=email, modifypassword=True, accountpassword=ACCOUNT_PASSWORD, **SUB
        ),
    )
    await attempt("API error code", add_sub)  # INCORRECT_EMAIL: already a login
    await attempt("wrong password (401 / refused grant)", add_sub, password=WRONG_PASSWORD)
    await attempt(
        "validation error",
        lambda c: c.subaccount.add_subaccount(
            accountemail="not an e-mail", accountpassword=ACCOUNT_PASSWORD, **SUB
        ),
    )
    for name, faults in (
        ("429", Faults(rate_429=1.0, retry_after=0)),
        ("503", Faults(rate_503=1.0)),
        ("502", Faults(rate_502=1.0)),
        ("applied, then 500", Faults(rate_applied_then_500=1.0)),
        ("dropped connection", Faults(rate_drop=1.0)),
        ("timeout", Faults(latency=0.5)),
    ):
        emu.faults = faults
        await attempt(name, add_sub, max_retries=1, timeout=0.2)  # not safe to repeat
        await attempt(f"{name}, a read", lambda c: c.user.get_balance(), max_retries=1, timeout=0.2)
        emu.faults = Faults()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    await attempt("connection refused", add_sub, base_url=closed, max_retries=0)
    return outcomes


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_no_secret_in_logs_reprs_or_errors_over_loopback(
    served: Any, debug_everywhere: pytest.LogCaptureFixture, strategy: str
) -> None:
    emu, server, issued = served
    haystack = Haystack()
    outcomes = await scenarios(emu, server, strategy, haystack, issued)
    for auth in (make(strategy), make(strategy, WRONG_PASSWORD)):  # the requests it builds
        call = Call("subaccount", "addsubaccount", {"accountpassword": ACCOUNT_PASSWORD})
        built = auth.build_request(call, httpx.URL(server.base_url))
        haystack.add("repr(built request)", repr(built))
        haystack.add("repr(call)", repr(call))
    records = add_logs(haystack, debug_everywhere)
    haystack.secrets |= set(issued)
    hits = haystack.hits()
    record(ITEM, **{f"{strategy}: outcomes": ", ".join(outcomes)})
    record(ITEM, **{"strings searched": len(haystack.strings), "log records searched": records,
                    "secret spellings searched for (per run)": len(haystack.secrets),
                    "hits": len(hits)})  # fmt: skip
    assert hits == []
    kinds = {outcome.split(": ")[1] for outcome in outcomes}
    expected = {"ok", "RateLimitError", "ServerError", "AfilnetConnectionError",
                "AfilnetTimeoutError", "ValidationError", "OutcomeUnknownError"}  # fmt: skip
    assert expected <= kinds, outcomes
    assert any(r.name.startswith("httpcore") for r in debug_everywhere.records)
    assert any(r.name == "httpx" for r in debug_everywhere.records)
    if strategy == "oauth2":
        assert issued, "tokens were issued and searched for"


LEAKY_ANSWERS = {
    "HTML echoing the password": httpx.Response(200, text=f"<html>{PASSWORD}</html>"),
    "JSON echoing the password": httpx.Response(200, json={"status": "?", "password": PASSWORD}),
    "500 echoing the token": httpx.Response(500, text=f"token={STATIC_TOKEN}"),
    "401 challenge echoing": httpx.Response(401, headers={"WWW-Authenticate": PASSWORD[:8]}),
    "redirect to plain http": httpx.Response(302, headers={"Location": "http://evil.example/"}),
}
TOKEN_ANSWERS = {
    "grant refused echoing": httpx.Response(400, json={"error": "x", "password": PASSWORD}),
    "grant HTML": httpx.Response(200, text=f"<html>{PASSWORD}</html>"),
    "token with a space": httpx.Response(200, json={"access_token": f"{STATIC_TOKEN} x"}),
    "token not bearer": httpx.Response(200, json={"access_token": STATIC_TOKEN, "token_type": "m"}),
}


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_no_secret_in_errors_from_malformed_and_token_answers(
    debug_everywhere: pytest.LogCaptureFixture, strategy: str
) -> None:
    haystack = Haystack()
    outcomes = []
    with respx.mock(base_url="https://www.afilnet.com/api/", assert_all_called=False) as api:
        token = api.post("oauth/token").mock(
            return_value=httpx.Response(200, json={"access_token": "tok-plain"})
        )
        route = api.route(host="www.afilnet.com")
        answers = dict(LEAKY_ANSWERS)
        if strategy == "oauth2":
            answers |= {f"token endpoint: {k}": v for k, v in TOKEN_ANSWERS.items()}
        for name, answer in answers.items():
            on_token = name.startswith("token endpoint")
            token.return_value = (
                answer if on_token else httpx.Response(200, json={"access_token": "tok-plain"})
            )
            route.return_value = answer
            async with AfilnetClient(make(strategy), max_retries=0) as client:
                with pytest.raises(AfilnetError) as caught:
                    await client.subaccount.add_subaccount(
                        accountemail="s@example.com", accountpassword=ACCOUNT_PASSWORD, **SUB
                    )
            haystack.add_error(name, caught.value)
            outcomes.append(type(caught.value).__name__)
    add_logs(haystack, debug_everywhere)
    hits = haystack.hits()
    record(ITEM, **{"strings searched": len(haystack.strings), "hits": len(hits)})
    record(ITEM, **{f"{strategy}: malformed/token answers": ", ".join(outcomes)})
    assert hits == []


async def test_a_bad_credential_is_refused_before_anything_without_echoing_it() -> None:
    haystack = Haystack()
    bad = {
        "password with a lone surrogate": lambda: FormAuth(USER, PASSWORD + "\ud800"),
        "basic user with a colon": lambda: BasicAuth(f"{USER}:{PASSWORD}", PASSWORD),
        "bearer token with a newline": lambda: BearerAuth(STATIC_TOKEN + "\r\nX-Evil: 1"),
        "oauth2 password not a str": lambda: OAuth2Auth(USER, PASSWORD.encode()),  # type: ignore[arg-type]
    }  # fmt: skip
    for name, make_auth in bad.items():
        with pytest.raises(ValidationError) as caught:
            make_auth()
        haystack.add_error(name, caught.value)
    assert haystack.hits() == []
    record(ITEM, **{"bad credentials refused at construction": len(bad)})


# --- transport security ---------------------------------------------------------------------

INSECURE = [
    "http://www.afilnet.com/api/",
    "http://10.0.0.1/api/",
    "http://192.168.1.10:8080/api/",
    "http://127.0.0.1.nip.io/api/",
    "http://localhost.evil.example/api/",
    "http://[::ffff:7f00:1]/api/",
    "http://[2001:db8::1]/api/",
]
LOOPBACK = ["http://127.0.0.1/api/", "http://127.1.2.3:8000/api/", "http://[::1]:9/api/",
            "http://localhost/api/", "http://emulator.localhost/api/"]  # fmt: skip


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_plain_http_is_refused_unless_loopback_or_opted_in(strategy: str) -> None:
    for url in INSECURE:
        with pytest.raises(ConfigurationError) as caught:
            AfilnetClient(make(strategy), base_url=url)
        assert PASSWORD not in str(caught.value) and "S3cr3t" not in str(caught.value)
        AfilnetClient(make(strategy), base_url=url, allow_insecure_http=True)
    for url in LOOPBACK:
        AfilnetClient(make(strategy), base_url=url)
    with pytest.raises(ConfigurationError):
        AfilnetClient(make(strategy), base_url="ftp://www.afilnet.com/api/")
    record(ITEM, **{"insecure base URLs refused (summed over the 5 strategies)": len(INSECURE) + 1})


def test_an_oauth2_token_url_over_plain_http_is_refused() -> None:
    auth = OAuth2Auth(USER, PASSWORD, token_url="http://auth.example.com/token")
    with pytest.raises(ConfigurationError):
        AfilnetClient(auth)
    AfilnetClient(auth, allow_insecure_http=True)
    AfilnetClient(OAuth2Auth(USER, PASSWORD, token_url="http://127.0.0.1:1/token"))


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server TLS context with a self-signed certificate for 127.0.0.1 (made by openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(  # noqa: S603 (a fixed command line)
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_tls_certificates_are_verified_by_default(
    strategy: str, self_signed: ssl.SSLContext
) -> None:
    """A server whose certificate no authority vouches for gets no request: the TLS handshake
    fails (CERT_REQUIRED, the system's authorities), whatever the client's options."""
    received: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            received.append(await asyncio.wait_for(reader.read(1024), 2))
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=self_signed)
    url = f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/api/"
    try:
        for options in ({}, {"timeout": 5.0}, {"max_connections": 3}):
            async with AfilnetClient(make(strategy), base_url=url, max_retries=0, **options) as c:
                with anyio.fail_after(10), pytest.raises(AfilnetConnectionError) as caught:
                    await c.user.get_balance()
            assert (
                "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
                or "certificate" in str(caught.value).lower()
            )
    finally:
        server.close()
        await server.wait_closed()
    assert not any(received), "no byte of a request reached a server with a bad certificate"
    record(ITEM, **{"TLS": "self-signed certificate refused (CERT_REQUIRED) for 5 strategies"})
