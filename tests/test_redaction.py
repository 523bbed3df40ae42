"""The password, the sub-account password and tokens never show up in logs, reprs, exception
messages or tracebacks, whatever the strategy and however the call fails."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import httpx
import pytest
from support import (
    ACCOUNT_PASSWORD,
    PASSWORD,
    STRATEGIES,
    TOKEN,
    USER,
    call_with,
    failure,
    success,
    token_answer,
    wire_pairs,
)

from afilnet_async import (
    AfilnetClient,
    AfilnetError,
    BasicAuth,
    BearerAuth,
    FormAuth,
    OAuth2Auth,
    QueryAuth,
    RetryPolicy,
)
from afilnet_async.redaction import REDACTED, install_log_redaction, redact_text

SECRETS = (PASSWORD, ACCOUNT_PASSWORD, TOKEN)


def secret_forms() -> list[str]:
    """Every spelling of a secret worth looking for: raw, URL-encoded, inside Basic, marker."""
    forms = {"S3cr3t", "tok-XYZ"}
    for secret in SECRETS:
        forms |= {secret, quote(secret, safe=""), quote_plus(secret)}
    forms.add(base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
    return sorted(forms)


def assert_clean(text: str, where: str) -> None:
    for form in secret_forms():
        assert form not in text, f"{form!r} leaked into {where}: {text[:300]!r}"


def assert_error_clean(error: BaseException) -> None:
    assert_clean(str(error), "str(exception)")
    assert_clean(repr(error), "repr(exception)")
    assert_clean("".join(traceback.format_exception(error)), "the formatted traceback")


@pytest.fixture
def debug_everything(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG on for every logger (httpx and httpcore included)."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "afilnet_async"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name in ("httpx", "httpcore", "afilnet_async"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def assert_logs_clean(caplog: pytest.LogCaptureFixture) -> None:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert caplog.records, "the scenario should have logged something"
    for record in caplog.records:
        assert_clean(formatter.format(record), f"log record of {record.name}")
    assert_clean(caplog.text, "the captured log")


async def no_sleep(delay: float) -> None:
    return None


def leaky_connect_error(request: httpx.Request) -> httpx.Response:
    """A transport failure whose message carries the full URL and headers."""
    raise httpx.ConnectError(
        f"cannot reach {request.url} with {dict(request.headers)}", request=request
    )


async def run_scenarios(client: AfilnetClient, api) -> list[AfilnetError]:
    """Success, a retried failure, an API error, transport errors, a leaky server; the errors."""
    errors: list[AfilnetError] = []
    api["api"].side_effect = [httpx.Response(503), success(1)]
    await client.user.get_balance()  # retried: a read is safe to repeat
    api["api"].side_effect = None
    await call_with(client, "subaccount.addsubaccount", accountpassword=ACCOUNT_PASSWORD)
    await call_with(client, "subaccount.modifysubaccount", accountpassword=ACCOUNT_PASSWORD)
    for side_effect in (
        [failure("INCORRECT_USER_PASSWORD")] * 3,
        [httpx.Response(429, headers={"Retry-After": "0"})] * 3,
        leaky_connect_error,
        httpx.ReadTimeout("read timed out"),
        [httpx.Response(500, text=f"debug: password={PASSWORD}")] * 3,
        [httpx.Response(200, text=f"<html>{PASSWORD}</html>")],
    ):
        api["api"].side_effect = side_effect
        try:
            await call_with(client, "subaccount.addsubaccount", accountpassword=ACCOUNT_PASSWORD)
        except AfilnetError as error:
            errors.append(error)
    api["api"].side_effect = None
    try:
        await call_with(client, "subaccount.addsubaccount", accountpassword="")
    except AfilnetError as error:
        errors.append(error)
    return errors


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_nothing_secret_in_logs_reprs_or_errors(
    make_client, api, debug_everything, strategy: str
) -> None:
    client = make_client(strategy, retry=RetryPolicy(max_retries=2, sleep=no_sleep))
    errors = await run_scenarios(client, api)
    assert len(errors) == 7
    for error in errors:
        assert_error_clean(error)
    assert_logs_clean(debug_everything)
    httpx_records = [r for r in debug_everything.records if r.name == "httpx"]
    assert httpx_records, "httpx logged its requests"
    assert_clean(repr(client), "repr(client)")
    assert_clean(repr(client.auth), "repr(auth)")
    assert_clean(str(client.auth), "str(auth)")
    for namespace in (client.user, client.subaccount, client.group):
        assert_clean(repr(namespace), "repr(namespace)")


async def test_query_auth_urls_are_redacted_in_httpx_logs(
    make_client, api, debug_everything, secrets
) -> None:
    client = make_client("query")
    await call_with(client, "subaccount.addsubaccount", accountpassword=secrets["account_password"])
    sent = dict(wire_pairs(api["api"].calls.last.request))
    assert (sent["password"], sent["accountpassword"]) == (
        secrets["password"],
        secrets["account_password"],
    ), "the secrets do travel in the URL, so the log really had something to hide"
    (record,) = [r for r in debug_everything.records if r.name == "httpx"]
    message = record.getMessage()
    assert f"password={REDACTED}" in message
    assert f"accountpassword={REDACTED}" in message
    assert "namelastname=name+lastname" in message, "only secrets are redacted"
    assert_clean(message, "the httpx request log")


async def test_oauth2_token_failures_are_clean(make_client, api, debug_everything) -> None:
    client = make_client("oauth2", max_retries=0)
    errors: list[AfilnetError] = []
    for answer in (
        httpx.Response(400, json={"error": "invalid_grant", "password": PASSWORD}),
        httpx.Response(200, text=f"<html>{PASSWORD}</html>"),
        httpx.Response(200, json={"access_token": TOKEN, "token_type": "mac"}),
        httpx.Response(503, text=TOKEN),
    ):
        api["token"].side_effect = [answer]
        with pytest.raises(AfilnetError) as caught:
            await client.user.get_balance()
        errors.append(caught.value)
    api["token"].side_effect = leaky_connect_error
    with pytest.raises(AfilnetError) as caught:
        await client.user.get_balance()
    errors.append(caught.value)
    for error in errors:
        assert_error_clean(error)
    assert_logs_clean(debug_everything)


async def test_oauth2_401_refresh_is_clean(make_client, api, debug_everything) -> None:
    client = make_client("oauth2", max_retries=0)
    api["token"].side_effect = [token_answer(TOKEN + "-1"), token_answer(TOKEN + "-2")]
    api["api"].return_value = httpx.Response(401)
    with pytest.raises(AfilnetError) as caught:
        await client.user.get_balance()
    assert_error_clean(caught.value)
    assert_logs_clean(debug_everything)
    assert_clean(repr(client), "repr(client)")


@pytest.mark.parametrize(
    "auth",
    [
        QueryAuth(USER, PASSWORD),
        FormAuth(USER, PASSWORD),
        BasicAuth(USER, PASSWORD),
        OAuth2Auth(USER, PASSWORD),
        OAuth2Auth(USER, PASSWORD, token_url="https://auth.example.com/t"),
        BearerAuth(TOKEN),
    ],
    ids=lambda auth: type(auth).__name__,
)
def test_strategy_reprs_hide_secrets_but_name_the_user(auth) -> None:
    text = repr(auth)
    assert_clean(text, "repr(auth)")
    assert "***" in text
    if not isinstance(auth, BearerAuth):
        assert USER in text


def test_redact_text_covers_query_form_json_and_headers() -> None:
    samples = [
        f"https://x/api/http/?user=ann&password={quote_plus(PASSWORD)}&idgroup=1",
        f"password={quote_plus(PASSWORD)}&accountpassword={quote_plus(ACCOUNT_PASSWORD)}",
        f'{{"password": "{PASSWORD}", "access_token":"{TOKEN}"}}',
        f"{{'password': '{PASSWORD}'}}",
        f"Authorization: Bearer {TOKEN}",
        "Authorization: Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
        f"PASSWORD={PASSWORD}",
    ]
    for sample in samples:
        redacted = redact_text(sample)
        assert REDACTED in redacted
        assert_clean(redacted, "redacted text")
    assert redact_text("idgroup=1000&name=test") == "idgroup=1000&name=test"


def test_the_log_filter_is_installed_once() -> None:
    install_log_redaction()
    install_log_redaction()
    for name in ("httpx", "httpcore", "afilnet_async"):
        filters = logging.getLogger(name).filters
        assert len([f for f in filters if type(f).__name__ == "_RedactingFilter"]) == 1


def test_the_filter_redacts_records_logged_with_arguments(caplog) -> None:
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: %s %s", "GET", f"/?password={PASSWORD}")
    logging.getLogger("httpx").info("nothing to hide in %s", "this")
    assert_clean(caplog.text, "log")
    assert "nothing to hide in this" in caplog.text


@pytest.mark.parametrize(
    "auth",
    [BasicAuth(USER, PASSWORD), OAuth2Auth(USER, PASSWORD), BearerAuth(TOKEN)],
    ids=lambda auth: type(auth).__name__,
)
def test_signing_flow_reprs_hide_secrets(auth) -> None:
    flow = auth.httpx_auth(httpx.URL("https://www.afilnet.com/api/"))
    assert_clean(repr(flow), "repr(httpx auth flow)")
