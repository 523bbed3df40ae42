"""Every way a call can fail ends in an AfilnetError subclass, with a useful message."""

from __future__ import annotations

import email.utils
import pickle
import time

import httpx
import pytest
from support import failure
from vendor_docs import documented_methods

from afilnet_async import (
    AfilnetAPIError,
    AfilnetConnectionError,
    AfilnetError,
    AfilnetHTTPStatusError,
    AfilnetTimeoutError,
    AfilnetTransportError,
    AuthenticationError,
    BalanceError,
    ConflictError,
    DestinationError,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TokenError,
)

#: The family of every code, and its meaning as the API digest words it.
FAMILIES: dict[str, tuple[type[AfilnetAPIError], str]] = {
    "MISSING_USER": (AuthenticationError, "user or e-mail not included"),
    "MISSING_PASSWORD": (AuthenticationError, "password not included"),
    "INCORRECT_USER_PASSWORD": (AuthenticationError, "wrong user or password"),
    "MISSING_CLASS": (InvalidRequestError, "class not included"),
    "MISSING_METHOD": (InvalidRequestError, "method not included"),
    "MISSING_COMPULSORY_PARAM": (InvalidRequestError, "a compulsory parameter is missing"),
    "INCORRECT_CLASS": (InvalidRequestError, "unknown class"),
    "INCORRECT_METHOD": (InvalidRequestError, "unknown method"),
    "EMPTY_COUNTRYCODE": (InvalidRequestError, "the country code is empty"),
    "EMPTY_FIELDS": (InvalidRequestError, "some compulsory fields are empty"),
    "EMPTY_CITY": (InvalidRequestError, "no city given"),
    "INCORRECT_EMAIL": (InvalidRequestError, "the e-mail is not valid"),
    "INCORRECT_PASSWORD": (InvalidRequestError, "the password is not valid"),
    "INCORRECT_TYPE": (InvalidRequestError, "group type must be"),
    "MISSING_MAIN_FIELD": (InvalidRequestError, "main field is missing"),
    "COUNTRY_NOT_FOUND": (NotFoundError, "no country with the given code"),
    "CITY_NOT_FOUND": (NotFoundError, "the given city does not exist"),
    "ACCOUNT_NOT_FOUND": (NotFoundError, "sub-account not found"),
    "RESELLER_ACCOUNT_REQUIRED": (PermissionDeniedError, "does not have the reseller plan"),
    "NOT_ACCESS_TO_GROUP": (PermissionDeniedError, "no permission on that group"),
    "NOT_ACCESS_TO_CONTACT": (PermissionDeniedError, "no permission on that contact"),
    "CONTACT_EXISTS": (ConflictError, "the contact already exists in the group"),
    "NOT_ENOUGH_BALANCE": (BalanceError, "not enough balance for the transfer"),
    "INCORRECT_MIN_BALANCE": (BalanceError, "transfer under the minimum balance"),
    # Listed by the vendor's own Node and PHP clients for the sends (not on its pages).
    "NO_CREDITS": (BalanceError, "the balance is too low for this send"),
    "NO_ROUTE_AVAILABLE": (DestinationError, "no route is available to that destination"),
}
FROM_VENDOR_CLIENTS = {"NO_CREDITS", "NO_ROUTE_AVAILABLE"}


def test_the_table_covers_every_code_the_vendor_documents() -> None:
    documented_codes = {code for m in documented_methods() for code in m.errors}
    assert documented_codes | FROM_VENDOR_CLIENTS == set(FAMILIES)


@pytest.fixture
def client(make_client, api):
    """A QueryAuth client that sends each call once."""
    return make_client("query", max_retries=0)


async def fails_with(client, api, answer) -> AfilnetError:
    """The error a get_balance call ends in when Afilnet gives ``answer``."""
    api["api"].mock(return_value=answer, side_effect=None)
    with pytest.raises(AfilnetError) as caught:
        await client.user.get_balance()
    request_id = caught.value.request_id  # every error names the call it ended
    assert request_id is not None and len(request_id) == 8
    return caught.value


# --- status=ERROR answers ------------------------------------------------------------------


@pytest.mark.parametrize("code", list(FAMILIES))
async def test_documented_code_maps_to_its_family(client, api, code: str) -> None:
    family, meaning = FAMILIES[code]
    error = await fails_with(client, api, failure(code))
    assert type(error) is family
    assert isinstance(error, AfilnetAPIError)
    assert error.code == code
    assert code in str(error)
    assert meaning in str(error)


async def test_unknown_code_is_the_base_api_error(client, api) -> None:
    error = await fails_with(client, api, failure("SOMETHING_NEW"))
    assert type(error) is AfilnetAPIError
    assert error.code == "SOMETHING_NEW"
    assert "SOMETHING_NEW" in str(error)
    assert "undocumented" in str(error)


@pytest.mark.parametrize("status", ["ERROR", "error", "Error", "eRrOr", " ERROR "])
async def test_error_status_in_any_letter_case(client, api, status: str) -> None:
    answer = httpx.Response(200, json={"status": status, "error": "CONTACT_EXISTS"})
    error = await fails_with(client, api, answer)
    assert isinstance(error, ConflictError)


@pytest.mark.parametrize("status", ["SUCCESS", "success", "Success", "sUcCeSs"])
async def test_success_status_in_any_letter_case(client, api, status: str) -> None:
    api["api"].return_value = httpx.Response(200, json={"status": status, "result": 12.5})
    assert await client.call("user", "getbalance") == 12.5


async def test_success_without_result_is_none(client, api) -> None:
    api["api"].return_value = httpx.Response(200, json={"status": "SUCCESS"})
    assert await client.call("user", "getbalance") is None


# --- malformed answers ---------------------------------------------------------------------

MALFORMED = {
    "html": (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML"),
    "empty": (b"", "empty"),
    "whitespace": (b" \r\n ", "empty"),
    "truncated-json": (b'{"status": "SUCCESS", "result": [1, 2', "truncated"),
    "json-list": (b'[{"status": "SUCCESS"}]', "list"),
    "json-number": (b"42", "int"),
    "json-string": (b'"SUCCESS"', "str"),
    "json-null": (b"null", "NoneType"),
    "missing-status": (b'{"result": 1}', "status"),
    "status-not-text": (b'{"status": 1, "result": 1}', "status"),
    "unknown-status": (b'{"status": "PENDING"}', "unknown status"),
    "bad-utf8": (b'{"status": "SUCCESS", "result": "\xff\xfe"}', "UTF-8"),
    "error-without-code": (b'{"status": "ERROR"}', "no error code"),
    "error-with-empty-code": (b'{"status": "ERROR", "error": " "}', "no error code"),
    "error-with-numeric-code": (b'{"status": "ERROR", "error": 5}', "no error code"),
    "too-deep": (b"[" * 100_000 + b"]" * 100_000, "deep"),
    "huge-integer": (b'{"status": "SUCCESS", "result": ' + b"9" * 5000 + b"}", "not JSON"),
}


@pytest.mark.parametrize("body", list(MALFORMED))
async def test_malformed_answer_is_a_malformed_response_error(client, api, body: str) -> None:
    content, hint = MALFORMED[body]
    error = await fails_with(client, api, httpx.Response(200, content=content))
    assert type(error) is MalformedResponseError
    assert hint in str(error)
    assert api["api"].call_count == 1


async def test_bad_content_encoding_is_malformed(client, api) -> None:
    answer = httpx.Response(
        200, stream=httpx.ByteStream(b"not gzip"), headers={"Content-Encoding": "gzip"}
    )
    error = await fails_with(client, api, answer)
    assert type(error) is MalformedResponseError


# --- HTTP status errors --------------------------------------------------------------------


@pytest.mark.parametrize("status_code", [400, 404, 405, 418])
async def test_http_status_without_envelope(client, api, status_code: int) -> None:
    error = await fails_with(client, api, httpx.Response(status_code, text="Forbidden"))
    assert type(error) is AfilnetHTTPStatusError
    assert error.status_code == status_code
    assert str(status_code) in str(error)


async def test_a_404_names_the_url_without_its_query_and_suggests_the_base_url(client, api):
    error = await fails_with(client, api, httpx.Response(404, text="Not Found"))
    assert "https://www.afilnet.com/api/http/" in str(error)
    assert "password" not in str(error)
    assert "base URL" in str(error)


@pytest.mark.parametrize(
    ("status_code", "family"), [(401, AuthenticationError), (403, PermissionDeniedError)]
)
async def test_a_bare_401_or_403_is_an_authentication_or_permission_error(
    client, api, status_code: int, family: type[AfilnetAPIError]
) -> None:
    error = await fails_with(client, api, httpx.Response(status_code, text="Forbidden"))
    assert type(error) is family
    assert error.status_code == status_code
    assert error.code == f"HTTP_{status_code}"


@pytest.mark.parametrize("status_code", [301, 302, 303, 307, 308])
async def test_a_redirect_is_not_followed_and_names_its_target_host(
    client, api, status_code: int
) -> None:
    answer = httpx.Response(status_code, headers={"Location": "http://elsewhere.example/api/"})
    error = await fails_with(client, api, answer)
    assert type(error) is AfilnetHTTPStatusError
    assert error.status_code == status_code
    assert "elsewhere.example" in str(error)
    assert api["api"].call_count == 1


@pytest.mark.parametrize("status_code", [500, 502, 503, 504])
async def test_5xx_without_envelope_is_a_server_error(client, api, status_code: int) -> None:
    error = await fails_with(client, api, httpx.Response(status_code, text="<h1>oops</h1>"))
    assert type(error) is ServerError
    assert isinstance(error, AfilnetHTTPStatusError)
    assert error.status_code == status_code


async def test_429_is_a_rate_limit_error_with_retry_after_seconds(client, api) -> None:
    answer = httpx.Response(429, headers={"Retry-After": "7"})
    error = await fails_with(client, api, answer)
    assert type(error) is RateLimitError
    assert error.status_code == 429
    assert error.retry_after == 7.0


async def test_429_retry_after_as_an_http_date(client, api) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    error = await fails_with(client, api, httpx.Response(429, headers={"Retry-After": when}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None
    assert 25 <= error.retry_after <= 31


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("soon", None), ("-3", -3.0), ("0", 0.0), ("1.5", 1.5),
     ("nan", None), ("Wed, 21 Oct 2015 07:28:00 GMT", -1)],
    ids=["absent", "garbage", "negative", "zero", "fractional", "nan", "date-in-the-past"],
)  # fmt: skip
async def test_429_retry_after_edge_cases(client, api, header, expected) -> None:
    headers = {"Retry-After": header} if header is not None else {}
    error = await fails_with(client, api, httpx.Response(429, headers=headers))
    assert isinstance(error, RateLimitError)
    if expected == -1:  # a date in the past: as many seconds ago (the policy ignores it)
        assert error.retry_after is not None and error.retry_after < 0
    else:
        assert error.retry_after == expected


@pytest.mark.parametrize("status_code", [200, 400, 401, 403, 429, 500, 503])
async def test_error_envelope_wins_over_the_http_status(client, api, status_code: int) -> None:
    error = await fails_with(client, api, failure("NOT_ACCESS_TO_GROUP", status_code))
    assert type(error) is PermissionDeniedError
    assert error.code == "NOT_ACCESS_TO_GROUP"


async def test_non_2xx_error_envelope_without_code_falls_back_to_the_status(client, api) -> None:
    answer = httpx.Response(503, json={"status": "ERROR", "error": ""})
    error = await fails_with(client, api, answer)
    assert type(error) is ServerError


async def test_non_2xx_success_envelope_is_still_an_http_error(client, api) -> None:
    answer = httpx.Response(404, json={"status": "SUCCESS", "result": 1})
    error = await fails_with(client, api, answer)
    assert type(error) is AfilnetHTTPStatusError


async def test_2xx_other_than_200_with_an_envelope_is_decoded(client, api) -> None:
    api["api"].return_value = httpx.Response(201, json={"status": "SUCCESS", "result": 3})
    assert await client.call("user", "getbalance") == 3


# --- transport errors ----------------------------------------------------------------------

TRANSPORT = [
    (httpx.ConnectError("connection refused"), AfilnetConnectionError),
    (httpx.ConnectTimeout("connect timed out"), AfilnetTimeoutError),
    (httpx.ReadTimeout("read timed out"), AfilnetTimeoutError),
    (httpx.WriteTimeout("write timed out"), AfilnetTimeoutError),
    (httpx.PoolTimeout("pool timed out"), AfilnetTimeoutError),
    (httpx.RemoteProtocolError("peer closed connection"), AfilnetConnectionError),
    (httpx.ReadError("connection reset"), AfilnetConnectionError),
    (httpx.ProxyError("proxy said no"), AfilnetConnectionError),
]


@pytest.mark.parametrize(
    ("raised", "expected"), TRANSPORT, ids=[type(exc).__name__ for exc, _ in TRANSPORT]
)
async def test_transport_error_is_mapped_and_never_chained(
    make_client, api, strategy, raised, expected
) -> None:
    client = make_client(strategy, max_retries=0)
    api["api"].side_effect = raised
    with pytest.raises(AfilnetTransportError) as caught:
        await client.user.get_balance()
    error = caught.value
    assert type(error) is expected
    assert not isinstance(error, httpx.HTTPError)
    assert error.__cause__ is None
    assert error.__suppress_context__ is True
    assert type(raised).__name__ in str(error)


async def test_token_endpoint_transport_error_is_mapped(make_client, api) -> None:
    client = make_client("oauth2", max_retries=0)
    api["token"].side_effect = httpx.ConnectError("no route to host")
    with pytest.raises(AfilnetConnectionError) as caught:
        await client.user.get_balance()
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ is True
    assert not api["api"].called


async def test_invalid_url_is_a_configuration_error(make_client, api) -> None:
    from afilnet_async import ConfigurationError

    client = make_client("query", max_retries=0)
    api["api"].side_effect = httpx.UnsupportedProtocol("no such protocol")
    with pytest.raises(ConfigurationError):
        await client.user.get_balance()


# --- the tree ------------------------------------------------------------------------------


def test_every_family_is_an_api_error_and_every_error_an_afilnet_error() -> None:
    for family, _ in FAMILIES.values():
        assert issubclass(family, AfilnetAPIError)
    for error_type in (
        AfilnetTransportError, AfilnetHTTPStatusError, MalformedResponseError, TokenError,
        RateLimitError, ServerError, AfilnetTimeoutError, AfilnetConnectionError,
    ):  # fmt: skip
        assert issubclass(error_type, AfilnetError)
    assert issubclass(RateLimitError, AfilnetHTTPStatusError)
    assert issubclass(ServerError, AfilnetHTTPStatusError)


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("INCORRECT_USER_PASSWORD"),
        AfilnetAPIError("SOMETHING_NEW"),
        AfilnetHTTPStatusError("unexpected HTTP status 404", status_code=404),
        ServerError("server error (HTTP 503)", status_code=503),
        RateLimitError("rate limited (HTTP 429)", retry_after=2.0),
        AfilnetConnectionError("connection failed"),
        MalformedResponseError("answer is not JSON"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_survive_pickling(error: AfilnetError) -> None:
    # Errors cross process boundaries (task queues, process pools) by pickle.
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)
