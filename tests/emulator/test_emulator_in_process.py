"""The emulator in process (httpx.ASGITransport, no sockets): protocol details and semantics."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, MutableMapping
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest
import trio

from afilnet_async import (
    AuthenticationError,
    FormAuth,
    NotFoundError,
    PermissionDeniedError,
    QueryAuth,
)
from afilnet_async.emulator import DEMO_BALANCE, Emulator, Faults

from .helpers import STRATEGIES, make_auth

DEMO = {"user": "demo", "password": "demo"}


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to ``emu`` in process."""
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as client:
        yield client


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def _token(http: httpx.AsyncClient, user: str = "demo", password: str = "demo") -> str:
    grant = await http.post(
        "/api/oauth/token", data={"grant_type": "password", "username": user, "password": password}
    )
    token: str = grant.json()["access_token"]
    return token


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_client_in_process_with_every_strategy(emu: Emulator, strategy: str) -> None:
    async with emu.client(make_auth(strategy, "demo", "demo")) as client:
        assert (await client.user.get_balance()).balance == Decimal(DEMO_BALANCE)
        created = await client.group.create_group(name="g", type="email", fields="email,name")
        assert created.idgroup in emu.state.groups
    assert emu.counters.by_status[200] == 2 + (strategy == "oauth2")


async def test_the_client_closes_its_in_process_pool_of_connections(emu: Emulator) -> None:
    client = emu.client(FormAuth("demo", "demo"))
    await client.aclose()
    assert client.is_closed


async def test_answers_are_json_envelopes(http: httpx.AsyncClient) -> None:
    ok = await http.get("/api/http/", params={"class": "user", "method": "getbalance", **DEMO})
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "application/json"
    assert ok.json() == {"status": "SUCCESS", "result": 1000.0}  # the vendor dialect: bare
    nothing = await http.get("/api/http/", params={
        "class": "user", "method": "modifychannel", "channelname": "sms", "active": "0", **DEMO,
    })  # fmt: skip
    assert nothing.json() == {"status": "SUCCESS"}  # "no additional values": no result key
    error = await http.get("/api/http/", params={"class": "user", "method": "nope", **DEMO})
    assert (error.status_code, error.json()) == (
        200,
        {"status": "ERROR", "error": "INCORRECT_METHOD"},
    )


async def test_vendor_sample_requests_succeed(http: httpx.AsyncClient) -> None:
    """The vendor's sample URLs, verbatim but for host and credentials (``+`` is a space)."""
    samples = [
        "class=user&method=getbalance",
        "class=user&method=modifychannel&channelname=sms&active=1",
        "class=subaccount&method=addsubaccount&accountemail=email@email.com"
        "&accountpassword=password&namelastname=name+lastname&iscompany=1"
        "&companyname=mycompany&documentid=123456789A&language=en&countrycode=us&cityid=1"
        "&cityname=town&zipcode=123456&address=address",
        "class=subaccount&method=transferbalance&accountemail=email@email.com&balancetotransfer=10",
        "class=group&method=creategroup&name=test name&type=mobile&fields=mobile,name,address",
        "class=group&method=assigncountrytogroup&idgroup=1000&countryiso3=esp",
        "class=group&method=addcontact&idgroup=1000&contact=mobile:123456789,name:testname",
        'class=group&method=addcontactlist&idgroup=1000&contacts=[{"name":"Test","mobile":'
        '"34600000000"},{"name":"Test","mobile":"34600000001"}]',
        "class=group&method=getcontact&idgroup=1000&idcontact=1001",
    ]
    for sample in samples:
        answer = await http.get(f"/api/http/?{sample}&user=demo&password=demo")
        assert answer.json()["status"] == "SUCCESS", (sample, answer.json())
    [sub] = (await http.get("/api/http/", params={
        "class": "subaccount", "method": "getsubaccounts", **DEMO,
    })).json()["result"]  # fmt: skip
    assert (sub["namelastname"], sub["balance"]) == ("name lastname", 10.0)
    sends = [
        "class=sms&method=sendsms&from=Darth Vader&to=34600000000&sms=hello",
        "class=email&method=sendemail&subject=s&to=luke_skywalker@newjediorder.com&email=hi",
    ]
    for sample in sends:
        answer = await http.get(f"/api/http/?{sample}&user=demo&password=demo")
        assert answer.json()["status"] == "SUCCESS", (sample, answer.json())


async def test_post_may_carry_everything_in_the_query(http: httpx.AsyncClient) -> None:
    """The vendor's POST samples put the parameters in the URL; a form body wins over it."""
    answer = await http.post("/api/http/?class=user&method=getbalance&user=demo&password=x",
                             data={"password": "demo"})  # fmt: skip
    assert answer.json()["status"] == "SUCCESS"


async def test_trailing_slash_is_optional(http: httpx.AsyncClient) -> None:
    answer = await http.post("/api/http", data={"class": "user", "method": "getbalance", **DEMO})
    assert answer.json()["status"] == "SUCCESS"


async def test_basic_endpoint(http: httpx.AsyncClient) -> None:
    query = {"class": "user", "method": "getbalance"}
    by_get = await http.get("/api/basic/", params=query, headers=_basic("demo", "demo"))
    assert by_get.json()["status"] == "SUCCESS"
    ignored = await http.post("/api/basic/", data={**query, **DEMO})  # body credentials ignored
    assert ignored.status_code == 401
    assert ignored.headers["www-authenticate"].startswith("Basic ")
    assert ignored.json() == {"status": "ERROR", "error": "MISSING_USER"}
    no_password = await http.get("/api/basic/", params=query, headers={
        "Authorization": "Basic " + base64.b64encode(b"demo").decode()
    })  # fmt: skip
    assert no_password.json()["error"] == "MISSING_PASSWORD"
    wrong = await http.get("/api/basic/", params=query, headers=_basic("demo", "nope"))
    assert (wrong.status_code, wrong.json()["error"]) == (401, "INCORRECT_USER_PASSWORD")


async def test_json_endpoint_converts_natural_values(http: httpx.AsyncClient) -> None:
    headers = {"Authorization": f"Bearer {await _token(http)}"}

    async def call(body: dict[str, Any]) -> Any:
        return (await http.post("/api/json/", json=body, headers=headers)).json()

    created = await call({"class": "group", "method": "creategroup", "name": "g",
                          "type": "mobile", "fields": ["mobile", "name"]})  # fmt: skip
    idgroup = created["result"]["idgroup"]
    await call({"class": "group", "method": "addcontact", "idgroup": idgroup,
                "contact": {"mobile": 346, "name": "Ann"}})  # fmt: skip
    rows = [{"mobile": 347}, {"name": "no mobile"}]
    listed = await call({"class": "group", "method": "addcontactlist", "idgroup": idgroup,
                         "contacts": rows, "user": None})  # fmt: skip
    assert listed["result"] == {"added": 1, "invalid": 1}
    await call({"class": "user", "method": "modifychannel", "channelname": "sms", "active": False})
    contacts = await call({"class": "group", "method": "getcontacts", "idgroup": idgroup})
    assert [c["mobile"] for c in contacts["result"]] == ["346", "347"]
    channels = await call({"class": "user", "method": "getchannels"})
    assert channels["result"][0] == {"channeltype": "sms", "channelname": "sms", "active": 0}
    for not_an_object in (b"[1, 2]", b"{not json", b""):
        answer = await http.post("/api/json/", content=not_an_object, headers=headers)
        assert answer.json() == {"status": "ERROR", "error": "MISSING_CLASS"}


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic ZGVtbzpkZW1v", "Bearer "])
async def test_json_endpoint_without_a_valid_token(
    http: httpx.AsyncClient, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    answer = await http.post("/api/json/", json={"class": "user", "method": "getbalance"},
                             headers=headers)  # fmt: skip
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert answer.json() == {"status": "ERROR", "error": "INCORRECT_USER_PASSWORD"}


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password", "username": "demo", "password": "bad"}, "invalid_grant"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "demo"}, "invalid_request"),
        ({"username": "demo", "password": "demo"}, "invalid_request"),
    ],
)
async def test_token_endpoint_refusals(
    http: httpx.AsyncClient, form: dict[str, str], error: str
) -> None:
    answer = await http.post("/api/oauth/token", data=form)
    assert (answer.status_code, answer.json()) == (400, {"error": error})


async def test_token_endpoint_grant(http: httpx.AsyncClient, emu: Emulator) -> None:
    emu.faults = Faults(token_lifetime=120)
    answer = await http.post("/api/oauth/token", data={
        "grant_type": "password", "username": "DEMO", "password": "demo",
    })  # fmt: skip
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 120
    assert len(body["access_token"]) >= 32
    assert answer.headers["cache-control"] == "no-store"
    assert (await http.get("/api/oauth/token")).status_code == 405


async def test_get_targets_over_the_limit_are_refused(http: httpx.AsyncClient) -> None:
    answer = await http.get("/api/http/", params={"class": "user", "method": "getbalance",
                                                  "padding": "x" * 5000, **DEMO})  # fmt: skip
    assert answer.status_code == 414


async def test_absolute_form_targets_are_served_as_their_path(emu: Emulator) -> None:
    """What a client sends through an HTTP proxy: ``GET http://host/api/http/?...``."""
    query = b"class=user&method=getbalance&user=demo&password=demo"
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "http://www.afilnet.com/api/http/",
        "raw_path": b"http://www.afilnet.com/api/http/", "query_string": query,
        "root_path": "", "headers": [(b"host", b"www.afilnet.com")],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await emu.app(scope, receive, send)
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"])["status"] == "SUCCESS"


async def test_class_and_method_names_are_exact(http: httpx.AsyncClient) -> None:
    answers = [
        await http.get("/api/http/", params={"class": cls, "method": method, **DEMO})
        for cls, method in (("USER", "getbalance"), ("user", "getBalance"))
    ]
    assert [a.json()["error"] for a in answers] == ["INCORRECT_CLASS", "INCORRECT_METHOD"]


# -- semantics the vendor leaves open (see the ASSUMPTIONS section) ---------------------------


async def test_contact_lists_are_not_deduplicated(emu: Emulator) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        group = await client.group.create_group(name="g", type="mobile", fields=["mobile", "name"])
        assert group.idgroup is not None
        rows = [{"mobile": "1", "name": "a", "unknown": "dropped"}, {"mobile": "1"},
                {"name": "no mobile"}, {"mobile": " "}]  # fmt: skip
        answer = await client.call(
            "group", "addcontactlist", idgroup=group.idgroup, contacts=rows
        )  # the escape hatch: the client's own checks would refuse the bad rows
        assert answer == {"added": 2, "invalid": 2}
        contacts = await client.group.get_contacts(idgroup=group.idgroup)
    assert [dict(c.fields) for c in contacts] == [
        {"mobile": "1", "name": "a"}, {"mobile": "1", "name": ""},
    ]  # fmt: skip
    assert emu.counters.contacts_stored == 2
    assert sum(len(group.contacts) for group in emu.state.groups.values()) == 2


async def test_column_changes_reach_the_contacts(emu: Emulator) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        group = await client.group.create_group(name="g", type="mobile", fields="mobile,name,name")
        idgroup = group.idgroup
        assert idgroup is not None
        assert list(await client.group.get_group_columns(idgroup=idgroup)) == ["mobile", "name"]
        await client.group.add_contact(
            idgroup=idgroup, contact={"mobile": "34600000001", "name": "a"}
        )
        idcontact = max(emu.state.groups[idgroup].contacts)
        await client.group.delete_column_from_group(idgroup=idgroup, field="name")
        await client.group.add_column_to_group(idgroup=idgroup, field="name")
        await client.group.add_column_to_group(idgroup=idgroup, field="name")  # a no-op
        contact = await client.group.get_contact(idgroup=idgroup, idcontact=idcontact)
    assert (contact.idcontact, dict(contact.fields)) == (
        idcontact, {"mobile": "34600000001", "name": ""},
    )  # fmt: skip


async def test_sub_accounts_are_accounts(emu: Emulator) -> None:
    fields: dict[str, Any] = {
        "accountemail": "Sub@Example.com", "accountpassword": "password", "namelastname": "n",
        "iscompany": False, "documentid": "d", "language": "en", "countrycode": "ES",
        "cityid": 2, "cityname": "Barcelona", "zipcode": "08001", "address": "a",
    }  # fmt: skip
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.subaccount.add_subaccount(**fields)
        await client.subaccount.transfer_balance(
            accountemail="sub@example.com", balancetotransfer=5
        )
        changed = {**fields, "accountpassword": "ignored", "modifypassword": False}
        await client.subaccount.modify_subaccount(**changed)
    async with emu.client(QueryAuth("sub@example.com", "password")) as sub:
        assert (await sub.user.get_balance()).balance == Decimal(5)
        assert not await sub.subaccount.get_subaccounts()
        group = await sub.group.create_group(name="mine", type="mobile", fields=["mobile"])
    [account] = emu.state.find("demo").subaccounts.values()  # type: ignore[union-attr]
    assert (account.reseller, account.profile.countrycode) == (False, "es")  # type: ignore[union-attr]
    async with emu.client(FormAuth("demo", "demo")) as client:
        with pytest.raises(PermissionDeniedError):  # a reseller cannot reach its sub's groups
            await client.group.get_contacts(idgroup=group.idgroup or 0)
        await client.subaccount.delete_subaccount(accountemail="SUB@example.com")
        with pytest.raises(NotFoundError):
            await client.subaccount.transfer_balance(accountemail="sub@example.com",
                                                     balancetotransfer=1)  # fmt: skip
    assert group.idgroup not in emu.state.groups
    async with emu.client(QueryAuth("sub@example.com", "password"), max_retries=0) as gone:
        with pytest.raises(AuthenticationError):
            await gone.user.get_balance()


async def test_addresses_and_unknown_ids(emu: Emulator, http: httpx.AsyncClient) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.user.delete_address(idaddress=424242)  # names nothing: a no-op
        await client.user.modify_channel(channelname="fax", active=True)  # likewise
        channels = await client.user.get_channels()
    assert [c.channelname for c in channels] == ["sms", "email", "voice"]
    weird = await http.get("/api/http/", params={"class": "group", "method": "getcontacts",
                                                 "idgroup": "abc", **DEMO})  # fmt: skip
    assert weird.json()["error"] == "NOT_ACCESS_TO_GROUP"


def test_accounts_are_arranged_and_inspected_directly() -> None:
    emu = Emulator()
    account = emu.add_account("shop", "pw", balance=5)
    assert emu.state.find("SHOP") is account
    assert (account.reseller, account.balance) == (False, 5.0)
    with pytest.raises(ValueError, match="already exists"):
        emu.add_account("Shop", "other")
    with pytest.raises(TypeError):
        emu.faults = {"rate_429": 1}  # type: ignore[assignment]


async def test_counters_reset(emu: Emulator) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.group.create_group(name="g", type="mobile", fields=["mobile"])
    snapshot = emu.counters.snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["applied_by_method"] == {"group.creategroup": 1}
    emu.counters.reset()
    assert emu.counters.snapshot() == {
        "requests": 0, "by_method": {}, "by_status": {}, "applied": 0, "applied_by_method": {},
        "contacts_stored": 0, "tokens_issued": 0, "faults": {}, "in_flight": 0,
        "peak_in_flight": 0, "messages_sent": 0, "messages_by_class": {},
        "credits_charged": 0.0, "duplicate_sends": 0,
    }  # fmt: skip


def test_runs_on_trio_in_process() -> None:
    emu = Emulator.demo(faults=Faults(latency=0.01))

    async def main() -> Any:
        async with emu.client(FormAuth("demo", "demo")) as client:
            return await client.user.get_balance()

    assert trio.run(main).balance == Decimal(1000)


async def test_many_concurrent_in_process_calls_are_consistent(emu: Emulator) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        group = await client.group.create_group(name="g", type="mobile", fields=["mobile"])
        assert group.idgroup is not None
        idgroup = group.idgroup

        async def add(n: int) -> None:
            await client.group.add_contact_list(
                idgroup=idgroup, contacts=[{"mobile": f"34{n:04}{i:05}"} for i in range(50)]
            )

        async with anyio.create_task_group() as tasks:
            for n in range(40):
                tasks.start_soon(add, n)
        assert len(await client.group.get_contacts(idgroup=idgroup)) == 2000
    assert emu.counters.contacts_stored == 2000
