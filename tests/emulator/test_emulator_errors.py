"""Every documented error code, through the real client over loopback, with every strategy,
in the ``vendor`` dialect and the ``php`` one (the only one whose error envelopes differ:
``status`` in lower case).

Typed coroutines where the client's own validation lets the bad value through; otherwise
``client.call(...)``, which sends any string as given. One emulator serves the module from a
thread; each test works in accounts of its own. The messaging methods' codes, method by
method, are in test_emulator_messaging.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

import attrs
import httpx
import pytest

from afilnet_async import (
    AfilnetAPIError,
    AfilnetClient,
    AuthenticationError,
    BalanceError,
    BearerAuth,
    ConflictError,
    DestinationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    TokenError,
)
from afilnet_async.emulator import Emulator, RunningServer

from .helpers import make_auth, unique_name

PASSWORD = "secret-password"
ADDRESS: dict[str, Any] = {
    "namelastname": "name lastname", "iscompany": 1, "companyname": "mycompany",
    "documentid": "123456789A", "countrycode": "us", "cityid": 1, "cityname": "town",
    "zipcode": "123456", "address": "address",
}  # fmt: skip
SUBACCOUNT: dict[str, Any] = {
    **ADDRESS, "accountemail": "sub@example.com", "accountpassword": "password", "language": "en"
}  # fmt: skip


@attrs.define
class World:
    """A reseller's client, a plain (non-reseller) account's client, and another's group."""

    client: AfilnetClient
    plain: AfilnetClient
    foreign_group: int
    emu: Emulator

    async def group(self, main: Literal["mobile", "email"] = "mobile") -> int:
        created = await self.client.group.create_group(name="g", type=main, fields=[main, "name"])
        assert created.idgroup is not None
        return created.idgroup

    async def subaccount(self) -> str:
        email = f"{unique_name('sub')}@example.com"
        await self.client.subaccount.add_subaccount(**{**SUBACCOUNT, "accountemail": email})
        return email


ENVELOPE_DIALECTS = ("vendor", "php")


@pytest.fixture(params=ENVELOPE_DIALECTS)
def envelope_dialect(request: pytest.FixtureRequest, shared_emu: Emulator) -> str:
    """The shared emulator switched to ``vendor`` or ``php`` for this test."""
    name: str = request.param
    shared_emu.dialect = name
    return name


@pytest.fixture
async def world(
    shared_emu: Emulator, shared_server: RunningServer, strategy: str, envelope_dialect: str
) -> AsyncIterator[World]:
    reseller, plain, other = unique_name(), unique_name(), unique_name()
    shared_emu.add_account(reseller, PASSWORD, reseller=True, balance=100)
    shared_emu.add_account(plain, PASSWORD)
    shared_emu.add_account(other, PASSWORD)

    async with httpx.AsyncClient() as http:  # one pool (and one TLS context load) per test

        def client(user: str) -> AfilnetClient:
            auth = make_auth(strategy, user, PASSWORD)
            return AfilnetClient(
                auth, base_url=shared_server.base_url, http_client=http, max_retries=0
            )

        stranger = client(other)
        foreign = await stranger.group.create_group(name="theirs", type="mobile", fields="mobile")
        assert foreign.idgroup is not None
        yield World(client(reseller), client(plain), foreign.idgroup, shared_emu)


Case = Callable[[World], Awaitable[object]]


async def _contact_twice(w: World) -> None:
    idgroup = await w.group()
    contact = {"mobile": "34600000000", "name": "a"}
    await w.client.group.add_contact(idgroup=idgroup, contact=contact)
    await w.client.group.add_contact(idgroup=idgroup, contact={**contact, "name": "b"})


async def _unknown_contact(w: World) -> None:
    await w.client.group.get_contact(idgroup=await w.group(), idcontact=999_999_999)


async def _modify_unknown_contact(w: World) -> None:
    idgroup = await w.group()
    await w.client.group.modify_contact(idgroup=idgroup, idcontact=999_999, contact={"name": "x"})


async def _contact_without_main_field(w: World) -> None:
    await w.client.group.add_contact(idgroup=await w.group(), contact={"name": "no mobile"})


async def _delete_main_column(w: World) -> None:
    await w.client.group.delete_column_from_group(idgroup=await w.group("email"), field="email")


async def _malformed_contact(w: World) -> None:
    await w.client.call("group", "addcontact", idgroup=str(await w.group()), contact="mobile=346")


async def _malformed_contacts(w: World) -> None:
    await w.client.call("group", "addcontactlist", idgroup=str(await w.group()), contacts="{}")


async def _assign_unknown_country(w: World) -> None:
    await w.client.group.assign_country_to_group(idgroup=await w.group(), countryiso3="zzz")


async def _transfer(w: World, amount: object) -> None:
    email = await w.subaccount()
    await w.client.call("subaccount", "transferbalance", accountemail=email,
                        balancetotransfer=amount)  # fmt: skip


async def _withdraw_too_much(w: World) -> None:
    email = await w.subaccount()
    await w.client.subaccount.transfer_balance(accountemail=email, balancetotransfer=-1)


async def _modify_missing(w: World) -> None:
    fields = {k: v for k, v in SUBACCOUNT.items() if k != "accountpassword"}
    await w.client.subaccount.modify_subaccount(
        **{**fields, "accountemail": "nobody@example.com"}, modifypassword=False
    )


async def _modify_short_password(w: World) -> None:
    email = await w.subaccount()
    fields = {k: v for k, v in SUBACCOUNT.items() if k != "accountpassword"}
    await w.client.subaccount.modify_subaccount(
        **{**fields, "accountemail": email}, modifypassword=True, accountpassword="12345"
    )


async def _email_taken(w: World) -> None:
    email = await w.subaccount()
    await w.client.subaccount.add_subaccount(**{**SUBACCOUNT, "accountemail": email})


CASES: dict[str, tuple[str, type[AfilnetAPIError], Case]] = {
    "missing-class": (
        "MISSING_CLASS",
        InvalidRequestError,
        lambda w: w.client.call("", "getbalance"),
    ),
    "missing-method": ("MISSING_METHOD", InvalidRequestError, lambda w: w.client.call("user", " ")),
    "incorrect-class": (
        "INCORRECT_CLASS",
        InvalidRequestError,
        lambda w: w.client.call("fax", "sendfax"),
    ),
    "incorrect-method": (
        "INCORRECT_METHOD",
        InvalidRequestError,
        lambda w: w.client.call("user", "getBalance"),
    ),
    "missing-param": (
        "MISSING_COMPULSORY_PARAM",
        InvalidRequestError,
        lambda w: w.client.call("group", "getcontacts"),
    ),
    "blank-param": (
        "MISSING_COMPULSORY_PARAM",
        InvalidRequestError,
        lambda w: w.client.call("group", "creategroup", name="x", type="mobile", fields=""),
    ),
    "malformed-flag": (
        "MISSING_COMPULSORY_PARAM",
        InvalidRequestError,
        lambda w: w.client.call("user", "modifychannel", channelname="sms", active="yes"),
    ),
    "malformed-contact": ("MISSING_COMPULSORY_PARAM", InvalidRequestError, _malformed_contact),
    "malformed-contacts": ("MISSING_COMPULSORY_PARAM", InvalidRequestError, _malformed_contacts),
    "incorrect-type": (
        "INCORRECT_TYPE",
        InvalidRequestError,
        lambda w: w.client.call("group", "creategroup", name="x", type="sms", fields="mobile"),
    ),
    "missing-main-field": (
        "MISSING_MAIN_FIELD",
        InvalidRequestError,
        lambda w: w.client.call(
            "group", "creategroup", name="x", type="email", fields="mobile,name"
        ),
    ),
    "contact-without-main": (
        "MISSING_MAIN_FIELD",
        InvalidRequestError,
        _contact_without_main_field,
    ),
    "delete-main-column": ("MISSING_MAIN_FIELD", InvalidRequestError, _delete_main_column),
    "unknown-group": (
        "NOT_ACCESS_TO_GROUP",
        PermissionDeniedError,
        lambda w: w.client.group.get_contacts(idgroup=999_999_999),
    ),
    "foreign-group": (
        "NOT_ACCESS_TO_GROUP",
        PermissionDeniedError,
        lambda w: w.client.group.get_group_columns(idgroup=w.foreign_group),
    ),
    "foreign-group-write": (
        "NOT_ACCESS_TO_GROUP",
        PermissionDeniedError,
        lambda w: w.client.group.add_contact_list(
            idgroup=w.foreign_group, contacts=[{"mobile": "1"}]
        ),
    ),
    "unknown-contact": ("NOT_ACCESS_TO_CONTACT", PermissionDeniedError, _unknown_contact),
    "modify-unknown-contact": (
        "NOT_ACCESS_TO_CONTACT",
        PermissionDeniedError,
        _modify_unknown_contact,
    ),
    "contact-exists": ("CONTACT_EXISTS", ConflictError, _contact_twice),
    "empty-countrycode": (
        "EMPTY_COUNTRYCODE",
        InvalidRequestError,
        lambda w: w.client.call("user", "addaddress", **{**ADDRESS, "countrycode": ""}),
    ),
    "country-not-found": (
        "COUNTRY_NOT_FOUND",
        NotFoundError,
        lambda w: w.client.user.add_address(**{**ADDRESS, "countrycode": "zz"}),
    ),
    "country3-not-found": ("COUNTRY_NOT_FOUND", NotFoundError, _assign_unknown_country),
    "empty-city": (
        "EMPTY_CITY",
        InvalidRequestError,
        lambda w: w.client.call("user", "addaddress", **{**ADDRESS, "cityname": ""}),
    ),
    "city-not-found": (
        "CITY_NOT_FOUND",
        NotFoundError,
        lambda w: w.client.user.add_address(**{**ADDRESS, "cityid": 999}),
    ),
    "empty-fields": (
        "EMPTY_FIELDS",
        InvalidRequestError,
        lambda w: w.client.call("subaccount", "addsubaccount", **{**SUBACCOUNT, "documentid": ""}),
    ),
    "incorrect-email": (
        "INCORRECT_EMAIL",
        InvalidRequestError,
        lambda w: w.client.call(
            "subaccount", "addsubaccount", **{**SUBACCOUNT, "accountemail": "not-an-email"}
        ),
    ),
    "email-taken": ("INCORRECT_EMAIL", InvalidRequestError, _email_taken),
    "incorrect-password": (
        "INCORRECT_PASSWORD",
        InvalidRequestError,
        lambda w: w.client.subaccount.add_subaccount(**{**SUBACCOUNT, "accountpassword": "12345"}),
    ),
    "modify-short-password": ("INCORRECT_PASSWORD", InvalidRequestError, _modify_short_password),
    "account-not-found": (
        "ACCOUNT_NOT_FOUND",
        NotFoundError,
        lambda w: w.client.subaccount.delete_subaccount(accountemail="nobody@example.com"),
    ),
    "modify-account-not-found": ("ACCOUNT_NOT_FOUND", NotFoundError, _modify_missing),
    "transfer-account-not-found": (
        "ACCOUNT_NOT_FOUND",
        NotFoundError,
        lambda w: w.client.subaccount.transfer_balance(
            accountemail="nobody@example.com", balancetotransfer=5
        ),
    ),
    "reseller-required": (
        "RESELLER_ACCOUNT_REQUIRED",
        PermissionDeniedError,
        lambda w: w.plain.subaccount.add_subaccount(**SUBACCOUNT),
    ),
    "not-enough-balance": ("NOT_ENOUGH_BALANCE", BalanceError, lambda w: _transfer(w, 100.5)),
    "withdraw-too-much": ("NOT_ENOUGH_BALANCE", BalanceError, _withdraw_too_much),
    "min-balance": ("INCORRECT_MIN_BALANCE", BalanceError, lambda w: _transfer(w, 0.5)),
    "min-balance-negative": ("INCORRECT_MIN_BALANCE", BalanceError, lambda w: _transfer(w, -0.99)),
    "min-balance-not-a-number": (
        "INCORRECT_MIN_BALANCE",
        BalanceError,
        lambda w: _transfer(w, "ten"),
    ),
    "no-credits": (  # the plain account has no balance
        "NO_CREDITS",
        BalanceError,
        lambda w: w.plain.sms.send_sms(from_="Shop", to="34600000000", sms="hi"),
    ),
    "no-route": (
        "NO_ROUTE_AVAILABLE",
        DestinationError,
        lambda w: w.client.sms.send_sms(from_="Shop", to="99600000000", sms="hi"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_error_code(world: World, case: str) -> None:
    code, family, call = CASES[case]
    with pytest.raises(family) as raised:
        await call(world)
    assert raised.value.code == code


async def test_every_documented_code_is_covered() -> None:
    from afilnet_async.errors import ERROR_CODES

    auth_codes = {"MISSING_USER", "MISSING_PASSWORD", "INCORRECT_USER_PASSWORD"}
    assert {code for code, _, _ in CASES.values()} | auth_codes == set(ERROR_CODES)


# -- credentials: the codes come back as AuthenticationError, or TokenError for OAuth2 -------

CREDENTIALS = {
    "MISSING_USER": ("", PASSWORD),
    "MISSING_PASSWORD": ("demo", ""),
    "INCORRECT_USER_PASSWORD": ("demo", "wrong"),
}


@pytest.mark.parametrize("code", list(CREDENTIALS))
async def test_credential_errors(
    shared_server: RunningServer, strategy: str, code: str, envelope_dialect: str
) -> None:
    user, password = CREDENTIALS[code]
    auth = make_auth(strategy, user, password)
    async with AfilnetClient(auth, base_url=shared_server.base_url, max_retries=0) as client:
        if strategy == "oauth2":
            with pytest.raises(TokenError):
                await client.user.get_balance()
            return
        with pytest.raises(AuthenticationError) as raised:
            await client.user.get_balance()
    assert raised.value.code == code


async def test_unknown_bearer_token_is_incorrect_user_password(
    shared_server: RunningServer, envelope_dialect: str
) -> None:
    auth = BearerAuth("not-a-token")
    async with AfilnetClient(auth, base_url=shared_server.base_url, max_retries=0) as client:
        with pytest.raises(AuthenticationError) as raised:
            await client.user.get_balance()
    assert raised.value.code == "INCORRECT_USER_PASSWORD"


async def test_credentials_precede_everything(
    shared_server: RunningServer, envelope_dialect: str
) -> None:
    """No user at all, not even a class: MISSING_USER wins (raw HTTP, nothing but a query)."""
    async with httpx.AsyncClient(base_url=shared_server.base_url) as http:
        nothing = await http.get("http/")
        no_password = await http.get("http/", params={"user": "demo"})
        wrong = await http.get("http/", params={"user": "demo", "password": "x", "class": "nope"})
        no_class = await http.get("http/", params={"user": "demo", "password": "demo"})
    answers = [r.json() for r in (nothing, no_password, wrong, no_class)]
    assert [a["error"] for a in answers] == [
        "MISSING_USER", "MISSING_PASSWORD", "INCORRECT_USER_PASSWORD", "MISSING_CLASS",
    ]  # fmt: skip
    assert {a["status"] for a in answers} == {"ERROR" if envelope_dialect == "vendor" else "error"}
    assert {r.status_code for r in (nothing, no_password, wrong, no_class)} == {200}
