"""Every method x every auth strategy puts the vendor's sample values on the wire.

The expected values are read from the vendor's pages (fixtures), not from the spec; the
calls use natural Python values (ints, True, lists, dicts) through the typed coroutines.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import respx
from support import (
    BASE_URL,
    DOCUMENTED_EXAMPLES,
    STRATEGY_PATHS,
    TOKEN,
    basic_header,
    call_with,
    plausible_answer,
    token_answer,
    wire_pairs,
)
from vendor_docs import documented, sample_request_urls, url_pairs

from afilnet_async import AfilnetClient, QueryAuth

VENDOR_USER, VENDOR_PASSWORD = "user", "password"
CASES = [
    pytest.param(qualname, strategy, id=f"{qualname}-{strategy}")
    for qualname in DOCUMENTED_EXAMPLES
    for strategy in STRATEGY_PATHS
]


async def send_example(make_client, api: respx.MockRouter, qualname: str, strategy: str):
    """Call ``qualname`` with its example arguments, the vendor's credentials; the request."""
    client = make_client(strategy, user=VENDOR_USER, password=VENDOR_PASSWORD, token=TOKEN)
    await call_with(client, qualname)
    assert api["api"].call_count == 1
    return api["api"].calls.last.request


@pytest.mark.parametrize(("qualname", "strategy"), CASES)
async def test_sample_values_on_the_wire(make_client, api, qualname: str, strategy: str) -> None:
    request = await send_example(make_client, api, qualname, strategy)
    sample = documented(qualname).sample  # class, method, user, password, then parameters
    method, path = STRATEGY_PATHS[strategy]
    assert request.method == method
    assert str(request.url).split("?")[0] == BASE_URL + path
    sent = wire_pairs(request)
    if strategy in ("query", "form"):
        assert sent == sample
        assert "authorization" not in request.headers
    else:
        assert sent == [(k, v) for k, v in sample if k not in ("user", "password")]


@pytest.mark.parametrize(("qualname", "strategy"), CASES)
async def test_credentials_go_where_the_strategy_says(
    make_client, api, qualname: str, strategy: str
) -> None:
    request = await send_example(make_client, api, qualname, strategy)
    sent = dict(wire_pairs(request))
    if strategy in ("query", "form"):
        assert (sent["user"], sent["password"]) == (VENDOR_USER, VENDOR_PASSWORD)
        assert "authorization" not in request.headers
        if strategy == "form":
            assert request.url.query == b""
    else:
        assert "user" not in sent
        assert "password" not in sent
        assert request.url.query == b""
    if strategy == "basic":
        assert request.headers["authorization"] == basic_header(VENDOR_USER, VENDOR_PASSWORD)
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    if strategy in ("oauth2", "bearer"):
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["content-type"] == "application/json"
    assert api["token"].call_count == (1 if strategy == "oauth2" else 0)


async def test_oauth2_password_grant_is_a_form_post_with_the_credentials(make_client, api) -> None:
    client = make_client("oauth2", user=VENDOR_USER, password=VENDOR_PASSWORD)
    api["token"].return_value = token_answer("tok-XYZ-grant")
    await client.user.get_balance()
    grant = api["token"].calls.last.request
    assert grant.method == "POST"
    assert grant.headers["content-type"] == "application/x-www-form-urlencoded"
    assert wire_pairs(grant) == [
        ("grant_type", "password"),
        ("username", VENDOR_USER),
        ("password", VENDOR_PASSWORD),
    ]
    assert api["api"].calls.last.request.headers["authorization"] == "Bearer tok-XYZ-grant"


@pytest.mark.parametrize("url", sample_request_urls(), ids=lambda url: url_pairs(url)[1][1])
async def test_query_auth_reproduces_the_vendor_sample_urls(url: str) -> None:
    pairs = url_pairs(url)
    qualname = f"{pairs[0][1]}.{pairs[1][1]}"
    with respx.mock(assert_all_called=False) as router:
        route = router.route(host="www.afilnet.com").mock(side_effect=plausible_answer)
        async with AfilnetClient(QueryAuth(VENDOR_USER, VENDOR_PASSWORD)) as client:
            await call_with(client, qualname)
    sent = route.calls.last.request.url
    vendor = urlsplit(url)
    assert (sent.scheme, sent.host, sent.path) == (vendor.scheme, vendor.hostname, vendor.path)
    assert url_pairs(str(sent)) == pairs


async def test_optional_parameters_are_not_sent_unless_given(make_client, api) -> None:
    client = make_client("form")
    await call_with(client, "subaccount.modifysubaccount", accountpassword=None, companyname=None)
    sent = dict(wire_pairs(api["api"].calls.last.request))
    assert "accountpassword" not in sent
    assert "companyname" not in sent
    assert sent["modifypassword"] == "1"


@pytest.mark.parametrize(
    ("natural", "wire"),
    [(True, "1"), (False, "0"), (1, "1"), (0, "0")],
    ids=["True", "False", "1", "0"],
)
async def test_flags_are_sent_as_one_or_zero(make_client, api, natural, wire) -> None:
    client = make_client("query")
    await client.user.modify_channel(channelname="sms", active=natural)
    assert dict(wire_pairs(api["api"].calls.last.request))["active"] == wire


async def test_fields_may_also_be_given_as_comma_separated_text(make_client, api) -> None:
    client = make_client("form")
    await client.group.create_group(name="test name", type="email", fields="email,name")
    assert dict(wire_pairs(api["api"].calls.last.request))["fields"] == "email,name"
