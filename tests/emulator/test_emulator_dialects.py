"""The answer dialects: the emulator's exact JSON in each, custom dialects, per-method choices.

These tests read the emulator's own JSON (raw HTTP, in process). How the client reads every
dialect is the scenario's job (test_emulator_scenario.py, every method in every dialect).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from afilnet_async import FormAuth
from afilnet_async.emulator import DIALECTS, Dialect, Emulator

from .helpers import reading

ADDRESS = {
    "namelastname": "Ann", "iscompany": "1", "companyname": "Co", "documentid": "D1",
    "countrycode": "es", "cityid": "2", "cityname": "Barcelona", "zipcode": "08001",
    "address": "A 1",
}  # fmt: skip

Call = Callable[..., Any]


@pytest.fixture
async def call(emu: Emulator) -> AsyncIterator[Call]:
    """``await call("class", "method", **params)``: the decoded answer of the demo account."""
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:

        async def post(api_class: str, api_method: str, **params: str) -> Any:
            form = {"user": "demo", "password": "demo", "class": api_class, "method": api_method}
            return (await http.post("/api/http/", data={**form, **params})).json()

        yield post


async def _results(call: Call) -> dict[str, Any]:
    """Arrange a small world (ids from 1000), then every shaped result, by method."""
    await call("user", "addaddress", **ADDRESS)
    await call("subaccount", "addsubaccount", **ADDRESS, accountemail="sub@example.com",
               accountpassword="secret1", language="es")  # fmt: skip
    asked = {
        "group.creategroup": ("creategroup", {
            "name": "g", "type": "mobile", "fields": "mobile,name",
        }),
        "group.addcontact": ("addcontact", {
            "idgroup": "1001", "contact": "mobile:34600000001,name:Ann",
        }),
        "group.addcontactlist": ("addcontactlist", {
            "idgroup": "1001", "contacts": json.dumps([{"mobile": "34600000002", "name": "Bob"}]),
        }),
        "sms.sendsms": ("sendsms", {"from": "Shop", "to": "34600000000", "sms": "Hi"}),
        "sms.sendsmstogroup": ("sendsmstogroup", {
            "from": "Shop", "countrycode": "es", "idgroup": "1001", "sms": "Hi",
        }),
        "user.getbalance": ("getbalance", {}),
        "user.getaddresses": ("getaddresses", {}),
        "user.getchannels": ("getchannels", {}),
        "subaccount.getsubaccounts": ("getsubaccounts", {}),
        "group.getgroupcolumns": ("getgroupcolumns", {"idgroup": "1001"}),
        "group.getcontacts": ("getcontacts", {"idgroup": "1001"}),
        "group.getcontact": ("getcontact", {"idgroup": "1001", "idcontact": "1002"}),
        "sms.getdeliverystatus": ("getdeliverystatus", {"messages": "1004,x"}),
    }  # fmt: skip
    results = {}
    for qualname, (api_method, params) in asked.items():
        answer = await call(qualname.split(".")[0], api_method, **params)
        results[qualname] = answer["result"]
    return results


def _address(n: Callable[[int], Any], flag: Callable[[bool], Any]) -> dict[str, Any]:
    return {
        "id": n(1000), "namelastname": "Ann", "iscompany": flag(True), "companyname": "Co",
        "documentid": "D1", "countrycode": "es", "cityid": n(2), "cityname": "Barcelona",
        "zipcode": "08001", "address": "A 1", "verified": flag(False),
        "addressverified": flag(False),
    }  # fmt: skip


def _channels(flag: Callable[[bool], Any]) -> list[dict[str, Any]]:
    return [{"channeltype": name, "channelname": name, "active": flag(True)}
            for name in ("sms", "email", "voice")]  # fmt: skip


def _subaccount(n: Callable[[float], Any], flag: Callable[[bool], Any]) -> dict[str, Any]:
    return {
        "accountemail": "sub@example.com", "namelastname": "Ann", "iscompany": flag(True),
        "companyname": "Co", "documentid": "D1", "language": "es", "countrycode": "es",
        "cityid": n(2), "cityname": "Barcelona", "zipcode": "08001", "address": "A 1",
        "balance": n(0.0),
    }  # fmt: skip


def _contacts(n: Callable[[int], Any]) -> list[dict[str, Any]]:
    return [{"idcontact": n(1002), "mobile": "34600000001", "name": "Ann"},
            {"idcontact": n(1003), "mobile": "34600000002", "name": "Bob"}]  # fmt: skip


def _text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _as_int(flag: bool) -> int:
    return int(flag)


def _as_text(flag: bool) -> str:
    return str(int(flag))


def _same(value: Any) -> Any:
    return value


VENDOR = {
    "group.creategroup": {"idgroup": 1001},
    "group.addcontact": {"idcontact": 1002},
    "group.addcontactlist": {"added": 1, "invalid": 0},
    "sms.sendsms": {"messageid": "1004", "credits": "1"},
    "sms.sendsmstogroup": {"messageid": "1005,1006", "credits": "2"},
    "user.getbalance": 997.0,
    "user.getaddresses": [_address(_same, _as_int)],
    "user.getchannels": _channels(_as_int),
    "subaccount.getsubaccounts": [_subaccount(_same, _as_int)],
    "group.getgroupcolumns": ["mobile", "name"],
    "group.getcontacts": _contacts(_same),
    "group.getcontact": _contacts(_same)[0],
    "sms.getdeliverystatus": [
        {"messageid": 1004, "status": "PENDING"}, {"messageid": "x", "status": "UNKNOWN"},
    ],
}  # fmt: skip
WRAPPED = {
    "group.creategroup": {"idgroup": "1001"},
    "group.addcontact": {"idcontact": "1002"},
    "group.addcontactlist": {"added": "1", "invalid": "0"},
    "sms.sendsms": {"messages": {"list": [
        {"messageid": "1004", "destination": "34600000000"},
    ]}, "credits": "1"},
    "sms.sendsmstogroup": {"messages": {"list": [
        {"messageid": "1005", "destination": "34600000001"},
        {"messageid": "1006", "destination": "34600000002"},
    ]}, "credits": "2"},
    "user.getbalance": {"balance": "997"},
    "user.getaddresses": {"list": [_address(_text, _same)]},
    "user.getchannels": {"list": _channels(_same)},
    "subaccount.getsubaccounts": {"list": [_subaccount(_text, _same)]},
    "group.getgroupcolumns": {"columns": ["mobile", "name"]},
    "group.getcontacts": {"list": _contacts(_text)},
    "group.getcontact": _contacts(_text)[0],
    "sms.getdeliverystatus": {"list": [
        {"messageid": "1004", "status": "PENDING"}, {"messageid": "x", "status": "UNKNOWN"},
    ]},
}  # fmt: skip
PHP = {
    "group.creategroup": {"idgroup": "1001"},
    "group.addcontact": {"idcontact": "1002"},
    "group.addcontactlist": {"added": "1", "invalid": "0"},
    "sms.sendsms": {"messages": {
        "1004": {"messageid": "1004", "destination": "34600000000"},
    }, "credits": "1"},
    "sms.sendsmstogroup": {"messages": {
        "1005": {"messageid": "1005", "destination": "34600000001"},
        "1006": {"messageid": "1006", "destination": "34600000002"},
    }, "credits": "2"},
    "user.getbalance": "997",
    "user.getaddresses": {"1000": _address(_text, _as_text)},
    "user.getchannels": dict(enumerate(_channels(_as_text))),
    "subaccount.getsubaccounts": {"sub@example.com": _subaccount(_text, _as_text)},
    "group.getgroupcolumns": {"0": "mobile", "1": "name"},
    "group.getcontacts": {"1002": _contacts(_text)[0], "1003": _contacts(_text)[1]},
    "group.getcontact": _contacts(_text)[0],
    "sms.getdeliverystatus": {
        "1004": {"messageid": "1004", "status": "PENDING"},
        "x": {"messageid": "x", "status": "UNKNOWN"},
    },
}  # fmt: skip
PHP["user.getchannels"] = {str(k): v for k, v in PHP["user.getchannels"].items()}
TERSE = {
    **VENDOR,
    "sms.sendsms": 1004,
    "sms.sendsmstogroup": [1005, 1006],
    "user.getbalance": {"credits": 997.0},
    "group.getgroupcolumns": "mobile,name",
    "sms.getdeliverystatus": {"1004": "PENDING", "x": "UNKNOWN"},
}
EXPECTED = {"vendor": VENDOR, "wrapped": WRAPPED, "php": PHP, "terse": TERSE}
STATUS = {"vendor": "SUCCESS", "wrapped": "SUCCESS", "php": "success", "terse": "SUCCESS"}


@pytest.mark.parametrize("dialect", list(DIALECTS))
async def test_each_dialect_answers_its_shapes(call: Call, dialect: str) -> None:
    assert await _results(call) == EXPECTED[dialect]
    ok = await call("user", "modifychannel", channelname="sms", active="1")
    error = await call("group", "getcontacts", idgroup="1")
    assert ok == {"status": STATUS[dialect]}  # "no additional values": no result key
    assert error == {"status": STATUS[dialect].replace("success", "error").replace(
        "SUCCESS", "ERROR"), "error": "NOT_ACCESS_TO_GROUP"}  # fmt: skip


@pytest.mark.parametrize("dialect", ["php"])
async def test_php_writes_an_empty_list_as_an_empty_array(call: Call, dialect: str) -> None:
    assert (await call("user", "getaddresses"))["result"] == []
    assert (await call("sms", "getdeliverystatus", messages="1"))["result"] == {
        "1": {"messageid": "1", "status": "UNKNOWN"}
    }


async def test_a_custom_dialect_with_fixed_and_computed_results() -> None:
    """A dialect is data: tests build their own, down to a single method's answer."""
    dialect = Dialect(
        name="odd",
        numbers="string",
        methods={"user.getbalance": {"balance": "object", "balance_key": "saldo"}},
        results={"group.getgroupcolumns": {}, "group.getcontacts": lambda rows: len(rows)},
    )
    emu = Emulator.demo(dialect=dialect)
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:
        form = {"user": "demo", "password": "demo"}

        async def result(**params: str) -> Any:
            return (await http.post("/api/http/", data={**form, **params})).json()["result"]

        assert await result(**{"class": "user", "method": "getbalance"}) == {"saldo": "1000"}
        group = await result(**{"class": "group", "method": "creategroup", "name": "g",
                                "type": "mobile", "fields": "mobile"})  # fmt: skip
        assert group == {"idgroup": "1000"}
        columns = {"class": "group", "method": "getgroupcolumns", "idgroup": "1000"}
        assert await result(**columns) == {}
        contacts = {"class": "group", "method": "getcontacts", "idgroup": "1000"}
        assert await result(**contacts) == 0
        assert await result(**{"class": "user", "method": "getchannels"}) == [
            {"channeltype": name, "channelname": name, "active": 1}
            for name in ("sms", "email", "voice")
        ]  # booleans as the dialect's (vendor) default


def test_dialects_are_validated_and_switchable() -> None:
    with pytest.raises(ValueError, match="lists"):
        Dialect(lists="yaml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not dialect aspects"):
        Dialect(methods={"user.getbalance": {"colour": "red"}})
    with pytest.raises(ValueError, match="balance"):
        Dialect(methods={"user.getbalance": {"balance": "nested"}})
    with pytest.raises(ValueError, match="unknown dialect 'soap'"):
        Emulator(dialect="soap")
    emu = Emulator.demo()
    assert emu.dialect is DIALECTS["vendor"]
    emu.dialect = "terse"
    assert emu.dialect.name == "terse"
    assert "dialect='terse'" in repr(emu)
    overridden = DIALECTS["vendor"].with_overrides("user.getbalance", numbers="string")
    assert overridden.for_method("user.getbalance").numbers == "string"
    assert overridden.for_method("user.getchannels").numbers == "number"


@pytest.mark.parametrize("dialect", list(DIALECTS))
async def test_the_client_reads_every_dialect_in_process(emu: Emulator, dialect: str) -> None:
    """Every read method through the public API, on a world with something in every list."""
    async with emu.client(FormAuth("demo", "demo")) as client:
        with reading(dialect):
            await client.user.add_address(**{**ADDRESS, "iscompany": True, "cityid": 2})
            group = await client.group.create_group(name="g", type="mobile",
                                                    fields=["mobile", "name"])  # fmt: skip
            assert group.idgroup == 1001
            await client.group.add_contact(idgroup=1001, contact={"mobile": "34600000001"})
            await client.sms.send_sms(from_="Shop", to="34600000000", sms="Hi")
            assert (await client.user.get_balance()).balance == Decimal(999)
            [address] = await client.user.get_addresses()
            assert (address.id, address.cityid, address.iscompany) == (1000, 2, True)
            assert [c.active for c in await client.user.get_channels()] == [True] * 3
            assert "sub" not in repr(await client.subaccount.get_subaccounts())
            assert list(await client.group.get_group_columns(idgroup=1001)) == ["mobile", "name"]
            [contact] = await client.group.get_contacts(idgroup=1001)
            assert (contact.idcontact, contact.fields["mobile"]) == (1002, "34600000001")
            single = await client.group.get_contact(idgroup=1001, idcontact=1002)
            assert single.idcontact == 1002
            statuses = repr(await client.sms.get_delivery_status(messages=[1003]))
            assert "1003" in statuses and "PENDING" in statuses
