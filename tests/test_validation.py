"""Bad arguments fail with ValidationError before anything is sent; unsafe set-ups refuse."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from support import EXAMPLE_ARGUMENTS, call_with, make_auth, wire_pairs

from afilnet_async import (
    AfilnetClient,
    BasicAuth,
    ConfigurationError,
    FormAuth,
    OAuth2Auth,
    QueryAuth,
    RequestTooLargeError,
    ValidationError,
)
from afilnet_async.spec import METHODS

COMPULSORY = [
    pytest.param(spec.qualname, param.python_name, id=f"{spec.qualname}-{param.name}")
    for spec in METHODS
    for param in spec.params
    if not param.optional
]


@pytest.fixture
def client(make_client, api):
    return make_client("form")


async def refused(client, api, qualname: str, **overrides: Any) -> ValidationError:
    """The ValidationError a call with these arguments raises; checks nothing was sent."""
    with pytest.raises(ValidationError) as caught:
        await call_with(client, qualname, **overrides)
    assert isinstance(caught.value, ValueError)
    assert not api.calls.called, "a refused call must send nothing"
    return caught.value


@pytest.mark.parametrize(("qualname", "name"), COMPULSORY)
async def test_missing_compulsory_parameter(client, api, qualname: str, name: str) -> None:
    error = await refused(client, api, qualname, **{name: None})
    assert name in str(error)
    assert "compulsory" in str(error)


BAD = [
    # ids: positive ints only
    ("group.getcontacts", "idgroup", 0),
    ("group.getcontacts", "idgroup", -1000),
    ("group.getcontacts", "idgroup", True),
    ("group.getcontacts", "idgroup", "1000"),
    ("group.getcontacts", "idgroup", 1000.0),
    ("group.getcontact", "idcontact", False),
    ("user.deleteaddress", "idaddress", "abc"),
    ("user.addaddress", "cityid", 0),
    # group type and its main field
    ("group.creategroup", "type", "sms"),
    ("group.creategroup", "type", "Mobile"),
    ("group.creategroup", "type", ["mobile"]),
    ("group.creategroup", "type", 1),
    ("group.creategroup", "fields", ["name", "address"]),
    ("group.creategroup", "fields", "name,address"),
    ("group.creategroup", "fields", []),
    ("group.creategroup", "fields", ["mobile", ""]),
    ("group.creategroup", "fields", ["mobile", "na,me"]),
    ("group.creategroup", "fields", ["mobile", 5]),
    ("group.creategroup", "fields", {"mobile": 1}),
    ("group.creategroup", "fields", 5),
    # country codes
    ("user.addaddress", "countrycode", "usa"),
    ("user.addaddress", "countrycode", "u"),
    ("user.addaddress", "countrycode", "12"),
    ("user.addaddress", "countrycode", "üs"),
    ("user.addaddress", "countrycode", 1),
    ("subaccount.addsubaccount", "countrycode", "esp"),
    ("group.assigncountrytogroup", "countryiso3", "es"),
    ("group.assigncountrytogroup", "countryiso3", "espa"),
    ("group.assigncountrytogroup", "countryiso3", "e5p"),
    ("group.assigncountrytogroup", "countryiso3", 724),
    # flags: bool or 0/1
    ("user.addaddress", "iscompany", 2),
    ("user.addaddress", "iscompany", -1),
    ("user.addaddress", "iscompany", "1"),
    ("user.addaddress", "iscompany", "yes"),
    ("user.addaddress", "iscompany", 1.0),
    ("user.modifychannel", "active", "true"),
    ("subaccount.modifysubaccount", "modifypassword", "0"),
    # e-mails
    ("subaccount.addsubaccount", "accountemail", "not-an-email"),
    ("subaccount.addsubaccount", "accountemail", "a@b"),
    ("subaccount.addsubaccount", "accountemail", "a b@example.com"),
    ("subaccount.deletesubaccount", "accountemail", ""),
    ("subaccount.deletesubaccount", "accountemail", "a@b.com,c@d.com"),
    ("subaccount.transferbalance", "accountemail", 42),
    # amounts
    ("subaccount.transferbalance", "balancetotransfer", "ten"),
    ("subaccount.transferbalance", "balancetotransfer", True),
    ("subaccount.transferbalance", "balancetotransfer", math.nan),
    ("subaccount.transferbalance", "balancetotransfer", math.inf),
    ("subaccount.transferbalance", "balancetotransfer", Decimal("NaN")),
    ("subaccount.transferbalance", "balancetotransfer", [10]),
    # contacts (a list of dicts)
    ("group.addcontactlist", "contacts", []),
    ("group.addcontactlist", "contacts", iter(())),
    ("group.addcontactlist", "contacts", [{}]),
    ("group.addcontactlist", "contacts", ["mobile:346"]),
    ("group.addcontactlist", "contacts", [{"mobile": "346"}, "mobile:347"]),
    ("group.addcontactlist", "contacts", [{"mobile": "346"}, None]),
    ("group.addcontactlist", "contacts", '[{"mobile": "346"}]'),
    ("group.addcontactlist", "contacts", {"mobile": "346"}),
    ("group.addcontactlist", "contacts", [{"mobile": ["346"]}]),
    ("group.addcontactlist", "contacts", [{"": "346"}]),
    ("group.addcontactlist", "contacts", [{1: "346"}]),
    ("group.addcontactlist", "contacts", 5),
    # contact (a dict, k:v,k:v on the wire)
    ("group.addcontact", "contact", {}),
    ("group.addcontact", "contact", {"name": "Doe, Ann"}),
    ("group.addcontact", "contact", {"name": "Ann:Doe"}),
    ("group.addcontact", "contact", {"na,me": "Ann"}),
    ("group.addcontact", "contact", {"na:me": "Ann"}),
    ("group.addcontact", "contact", {"mobile": True}),
    ("group.addcontact", "contact", {"mobile": None}),
    ("group.addcontact", "contact", "mobile:346"),
    ("group.addcontact", "contact", [("mobile", "346")]),
    ("group.modifycontact", "contact", {"name": "a,b"}),
    # text and secrets
    ("user.addaddress", "namelastname", ""),
    ("user.addaddress", "namelastname", "   "),
    ("user.addaddress", "zipcode", 123456),
    ("group.addcolumntogroup", "field", b"name"),
    ("subaccount.addsubaccount", "accountpassword", ""),
    ("subaccount.addsubaccount", "accountpassword", 12345678),
]


@pytest.mark.parametrize(
    ("qualname", "name", "value"),
    BAD,
    ids=[f"{q}-{n}={v!r:.24}" for q, n, v in BAD],
)
async def test_bad_argument_is_refused_before_sending(
    client, api, qualname: str, name: str, value: Any
) -> None:
    error = await refused(client, api, qualname, **{name: value})
    assert name in str(error)


async def test_fields_must_contain_the_main_field_of_an_email_group(client, api) -> None:
    error = await refused(client, api, "group.creategroup", type="email", fields=["mobile"])
    assert "'email'" in str(error)


async def test_a_secret_is_never_echoed_in_a_validation_error(client, api) -> None:
    error = await refused(
        client, api, "subaccount.addsubaccount", accountpassword=87654321, accountemail="x"
    )
    assert "87654321" not in str(error)


@pytest.mark.parametrize(
    ("natural", "wire"),
    [(10, "10"), (-5, "-5"), (2.5, "2.5"), (10.0, "10"), (1e-7, "0.0000001"),
     (Decimal("7.250"), "7.25"), (Decimal("100"), "100")],
    ids=["int", "negative", "float", "whole-float", "tiny-float", "decimal", "decimal-int"],
)  # fmt: skip
async def test_amounts_on_the_wire(client, api, natural, wire) -> None:
    await client.subaccount.transfer_balance(accountemail="a@b.co", balancetotransfer=natural)
    assert dict(wire_pairs(api["api"].calls.last.request))["balancetotransfer"] == wire


async def test_contacts_accept_numbers_and_any_iterable(client, api) -> None:
    rows = ({"mobile": 34600000000 + n, "score": 1.5} for n in range(2))
    await client.group.add_contact_list(idgroup=1, contacts=rows)
    sent = dict(wire_pairs(api["api"].calls.last.request))["contacts"]
    assert sent == (
        '[{"mobile":"34600000000","score":"1.5"},{"mobile":"34600000001","score":"1.5"}]'
    )


async def test_contacts_keep_non_ascii_text_readable(client, api) -> None:
    await client.group.add_contact_list(idgroup=1, contacts=[{"name": "José, Ñandú"}])
    sent = dict(wire_pairs(api["api"].calls.last.request))["contacts"]
    assert sent == '[{"name":"José, Ñandú"}]'


# --- Python-level mistakes -----------------------------------------------------------------


async def test_missing_keyword_is_a_type_error(client, api) -> None:
    with pytest.raises(TypeError):
        await client.group.get_contacts()  # type: ignore[call-arg]
    assert not api.calls.called


async def test_unknown_keyword_is_a_type_error(client, api) -> None:
    with pytest.raises(TypeError):
        await client.group.get_contacts(idgroup=1, idgrup=2)  # type: ignore[call-arg]
    assert not api.calls.called


async def test_positional_arguments_are_a_type_error(client, api) -> None:
    with pytest.raises(TypeError):
        await client.group.get_contacts(1000)  # type: ignore[misc]
    assert not api.calls.called


# --- the GET size limit --------------------------------------------------------------------


def many_contacts(count: int) -> list[dict[str, str]]:
    return [{"name": f"Contact {n}", "mobile": f"3460000{n:04d}"} for n in range(count)]


async def test_query_url_over_the_limit_is_refused_before_sending(make_client, api) -> None:
    client = make_client("query")
    with pytest.raises(RequestTooLargeError) as caught:
        await client.group.add_contact_list(idgroup=1, contacts=many_contacts(60))
    assert isinstance(caught.value, ValidationError)
    assert "4000" in str(caught.value)
    assert not api.calls.called


async def test_the_same_call_goes_through_form_auth(make_client, api) -> None:
    client = make_client("form")
    await client.group.add_contact_list(idgroup=1, contacts=many_contacts(60))
    assert api["api"].call_count == 1


async def test_the_limit_is_exactly_4000_characters_by_default(make_client, api) -> None:
    client = make_client("query")
    await client.group.add_column_to_group(idgroup=1, field="x")
    base_length = len(str(api["api"].calls.last.request.url))
    longest = "x" * (1 + 4000 - base_length)
    await client.group.add_column_to_group(idgroup=1, field=longest)
    assert len(str(api["api"].calls.last.request.url)) == 4000
    with pytest.raises(RequestTooLargeError):
        await client.group.add_column_to_group(idgroup=1, field=longest + "x")
    assert api["api"].call_count == 2


async def test_the_limit_is_a_setting(api) -> None:
    strict = QueryAuth("ann", "pw-S3cr3t!", max_url_length=120)
    async with AfilnetClient(strict) as client:
        with pytest.raises(RequestTooLargeError):
            await call_with(client, "user.addaddress")
    generous = QueryAuth("ann", "pw-S3cr3t!", max_url_length=20_000)
    async with AfilnetClient(generous) as client:
        await client.group.add_contact_list(idgroup=1, contacts=many_contacts(60))
    assert api["api"].call_count == 1


# --- unsafe or inconsistent configuration --------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    ["http://www.afilnet.com/api/", "http://10.0.0.8/api/", "http://example.localhost.com/"],
)
@pytest.mark.parametrize("strategy", ["query", "form", "basic", "oauth2", "bearer"])
def test_plain_http_to_a_remote_host_is_refused(base_url: str, strategy: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AfilnetClient(make_auth(strategy), base_url=base_url)
    assert "allow_insecure_http" in str(caught.value)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8080/api/", "http://localhost:9000/", "http://[::1]:8000/api",
     "http://127.3.2.1/", "http://api.localhost/"],
)  # fmt: skip
async def test_plain_http_to_loopback_is_allowed(base_url: str) -> None:
    async with AfilnetClient(make_auth("query"), base_url=base_url) as client:
        assert client.base_url.scheme == "http"
        assert str(client.base_url).endswith("/")


async def test_plain_http_can_be_allowed_explicitly() -> None:
    async with AfilnetClient(
        make_auth("form"), base_url="http://www.afilnet.com/api/", allow_insecure_http=True
    ) as client:
        assert client.base_url.host == "www.afilnet.com"


def test_other_schemes_are_refused() -> None:
    with pytest.raises(ConfigurationError):
        AfilnetClient(make_auth("form"), base_url="ftp://www.afilnet.com/api/")


def test_oauth2_token_url_is_checked_too() -> None:
    auth = OAuth2Auth("ann", "pw-S3cr3t!", token_url="http://auth.example.com/token")
    with pytest.raises(ConfigurationError) as caught:
        AfilnetClient(auth)
    assert "auth.example.com" in str(caught.value)


async def test_oauth2_token_url_on_loopback_is_allowed() -> None:
    auth = OAuth2Auth("ann", "pw-S3cr3t!", token_url="http://127.0.0.1:9999/token")
    async with AfilnetClient(auth) as client:
        assert client.auth is auth


def test_auth_must_be_a_strategy() -> None:
    with pytest.raises(ConfigurationError):
        AfilnetClient(("ann", "pw-S3cr3t!"))  # type: ignore[arg-type]


@pytest.mark.parametrize("auth_type", [QueryAuth, FormAuth, BasicAuth])
def test_strategies_are_positional_user_then_password(auth_type: type) -> None:
    auth = auth_type("ann", "pw-S3cr3t!")
    assert (auth.user, auth.password) == ("ann", "pw-S3cr3t!")


def test_every_example_call_is_valid() -> None:
    # The fixtures the refusals start from must themselves be acceptable.
    from afilnet_async.params import encode_arguments

    for spec in METHODS:
        example = EXAMPLE_ARGUMENTS[spec.qualname]
        given = {p.name: example[p.python_name] for p in spec.params if p.python_name in example}
        wire = encode_arguments(spec, given)
        assert list(wire) == [param.name for param in spec.params if param.python_name in example]
        assert all(p.optional for p in spec.params if p.python_name not in example)


def test_encode_value_is_the_per_kind_encoder() -> None:
    from afilnet_async.params import encode_value

    assert encode_value("flag", "active", True) == "1"
    assert encode_value("fields", "fields", ("mobile", "name")) == "mobile,name"
    assert encode_value("contact", "contact", {"mobile": 34600000000}) == "mobile:34600000000"
    assert encode_value("template_params", "params", {"n": 346}) == "n:346"
    with pytest.raises(ValidationError, match="idgroup"):
        encode_value("id", "idgroup", 0)
