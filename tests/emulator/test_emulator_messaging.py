"""The messaging methods (sms, email, voice, whatsapp): every error code of every method, money,
routes, delivery statuses over time, group fan-out, templates, faults and the counters.

Error codes are read from the emulator's JSON (raw HTTP, in process: the client's own checks
would refuse most bad values before sending); the rest goes through the client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest

from afilnet_async import AfilnetError, BalanceError, FormAuth, OutcomeUnknownError
from afilnet_async.emulator import Emulator, Faults, ServerSettings, fingerprint
from afilnet_async.emulator.pricing import sms_parts
from afilnet_async.spec import METHODS

from .helpers import add_group, text_of

MESSAGING = [s for s in METHODS if s.api_class in ("sms", "email", "voice", "whatsapp")]
SENDS = [s for s in MESSAGING if s.api_method != "getdeliverystatus"]
GROUP_SENDS = [s for s in SENDS if any(p.name == "idgroup" for p in s.params)]
PHONE = "34600000000"

#: A valid call of each method ({MOBILES} and {EMAILS}: the caller's groups).
VALID: dict[str, dict[str, str]] = {
    "sms.sendsms": {"from": "Shop", "to": PHONE, "sms": "Hi"},
    "sms.sendsmsfromtemplate": {"to": PHONE, "idtemplate": "1", "params": "name:Ann"},
    "sms.sendsmstogroup": {"from": "Shop", "countrycode": "es", "idgroup": "{MOBILES}",
                           "sms": "Hi"},
    "sms.sendsmstogroupfromtemplate": {"countrycode": "34", "idgroup": "{MOBILES}",
                                       "idtemplate": "1"},
    "sms.getdeliverystatus": {"messages": "1"},
    "email.sendemail": {"subject": "S", "to": "ann@example.com", "email": "Body"},
    "email.sendemailfromtemplate": {"to": "ann@example.com", "idtemplate": "1"},
    "email.sendemailtogroup": {"subject": "S", "idgroup": "{EMAILS}", "email": "Body"},
    "email.sendemailtogroupfromtemplate": {"idgroup": "{EMAILS}", "idtemplate": "1"},
    "email.getdeliverystatus": {"messages": "1"},
    "voice.sendvoice": {"to": PHONE, "message": "Hi"},
    "voice.sendvoicefromtemplate": {"to": PHONE, "idtemplate": "2", "params": "code:1"},
    "voice.sendvoicetogroup": {"countrycode": "+34", "idgroup": "{MOBILES}", "message": "Hi"},
    "voice.sendvoicetogroupfromtemplate": {"countrycode": "ES", "idgroup": "{MOBILES}",
                                           "idtemplate": "1"},
    "voice.getdeliverystatus": {"messages": "1"},
    "whatsapp.sendmessage": {"platformid": "p", "destination": PHONE, "message": "Hi"},
    "whatsapp.sendfile": {"platformid": "p", "destination": PHONE, "type": "video",
                          "fileurl": "https://cdn.example.com/a.mp4"},
    "whatsapp.sendmessagefromtemplate": {"platformid": "p", "destination": PHONE,
                                         "idtemplate": "1", "params": "name:Ann"},
}  # fmt: skip

#: Unusable values by parameter kind: each is MISSING_COMPULSORY_PARAM.
BAD: dict[str, list[str]] = {
    "phone": ["12345", "+34600000000", "3460000000000000", "34 600 000 000", "phone"],
    "sender": ["A long sender", "1234567890123456"],
    "email": ["ann@example", "ann.example.com", "ann@exa mple.com"],
    "file_type": ["audio", "Image"],
    "https_url": ["http://cdn.example.com/a.png", "https://", "ftp://x.example/a"],
    "template_params": ["name=Ann", "name:A:nn", "name:Ann,name:Bob"],
    "message_ids": [" , ,", ","],
    "country_prefix": ["esp", "+12345", "e1"],
    "datetime": ["tomorrow", "2030-13-01 10:00:00", "2030-01-01T10:00:00"],
}
BAD_TEMPLATES = ["99", "abc", "0"]


def _malformed_cases() -> list[tuple[str, str, str]]:
    cases = []
    for spec in MESSAGING:
        for param in spec.params:
            values = BAD_TEMPLATES if param.name == "idtemplate" else BAD.get(param.kind, [])
            cases += [(spec.qualname, param.name, value) for value in values]
    return cases


@attrs.define
class World:
    """An emulator with the demo account's groups, another account's, and a poor account."""

    emu: Emulator
    http: httpx.AsyncClient
    mobiles: int
    emails: int
    foreign: int

    async def answer(self, qualname: str, params: dict[str, str], user: str = "demo") -> Any:
        api_class, api_method = qualname.split(".")
        values = {k: v.format(MOBILES=self.mobiles, EMAILS=self.emails) for k, v in params.items()}
        form = {"user": user, "password": "pw" if user != "demo" else "demo"}
        sent = {**form, "class": api_class, "method": api_method, **values}
        return (await self.http.post("/api/http/", data=sent)).json()

    async def error(self, qualname: str, params: dict[str, str], user: str = "demo") -> str:
        answer = await self.answer(qualname, params, user)
        assert answer["status"] == "ERROR", answer
        code: str = answer["error"]
        return code


@pytest.fixture
async def world(emu: Emulator) -> AsyncIterator[World]:
    emu.add_account("other", "pw", balance=100)
    emu.add_account("poor", "pw", balance=0)
    contacts = ({"mobile": "34600000001", "name": "Ann"}, {"mobile": "447700900002", "name": "Bob"})
    mobiles = add_group(emu, "demo", "mobile", *contacts)
    emails = add_group(emu, "demo", "email", {"email": "ann@example.com", "name": "Ann"})
    foreign = add_group(emu, "other", "mobile", *contacts)
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:
        yield World(emu, http, mobiles, emails, foreign)


# -- every error code, method by method -------------------------------------------------------


@pytest.mark.parametrize("qualname", list(VALID))
async def test_a_valid_call_succeeds(world: World, qualname: str) -> None:
    answer = await world.answer(qualname, VALID[qualname])
    assert answer["status"] == "SUCCESS", answer
    assert {spec.qualname for spec in MESSAGING} == set(VALID)


@pytest.mark.parametrize(
    ("qualname", "param"),
    [(s.qualname, p.name) for s in MESSAGING for p in s.params if not p.optional],
)
@pytest.mark.parametrize("how", ["absent", "blank"])
async def test_missing_compulsory_param(world: World, qualname: str, param: str, how: str) -> None:
    params = dict(VALID[qualname])
    if how == "absent":
        params.pop(param, None)
    else:
        params[param] = "  "
    assert await world.error(qualname, params) == "MISSING_COMPULSORY_PARAM"


@pytest.mark.parametrize(("qualname", "param", "value"), _malformed_cases())
async def test_malformed_values(world: World, qualname: str, param: str, value: str) -> None:
    params = {**VALID[qualname], param: value}
    assert await world.error(qualname, params) == "MISSING_COMPULSORY_PARAM"


@pytest.mark.parametrize("qualname", [s.qualname for s in GROUP_SENDS])
@pytest.mark.parametrize("group", ["unknown", "another account's", "not a number"])
async def test_not_access_to_group(world: World, qualname: str, group: str) -> None:
    idgroup = {"unknown": "999999", "another account's": str(world.foreign),
               "not a number": "abc"}[group]  # fmt: skip
    params = {**VALID[qualname], "idgroup": idgroup}
    assert await world.error(qualname, params) == "NOT_ACCESS_TO_GROUP"


@pytest.mark.parametrize("qualname", [s.qualname for s in SENDS])
async def test_no_credits_sends_nothing_and_charges_nothing(world: World, qualname: str) -> None:
    poor = world.emu.state.find("poor")
    assert poor is not None
    add_group(world.emu, "poor", "mobile", {"mobile": PHONE})
    add_group(world.emu, "poor", "email", {"email": "ann@example.com"})
    params = dict(VALID[qualname])
    if "idgroup" in params:
        main = "email" if qualname.startswith("email.") else "mobile"
        params["idgroup"] = str(max(g.id for g in world.emu.state.groups.values()
                                    if g.owner is poor and g.type == main))  # fmt: skip
    assert await world.error(qualname, params, user="poor") == "NO_CREDITS"
    assert world.emu.state.messages == {}
    assert world.emu.counters.messages_sent == 0
    assert poor.balance == 0


def _no_route_cases() -> list[tuple[str, dict[str, str]]]:
    cases = []
    for spec in SENDS:
        params = VALID[spec.qualname]
        for phone in ("to", "destination"):
            if phone in params and spec.api_class != "email":
                cases += [
                    (spec.qualname, {phone: "99600000000"}),
                    (spec.qualname, {phone: "7912345678"}),
                ]
        if spec.api_class == "email" and "to" in params:
            cases.append((spec.qualname, {"to": "ann@example.invalid"}))
        if "countrycode" in params:
            cases += [
                (spec.qualname, {"countrycode": "zz"}),
                (spec.qualname, {"countrycode": "99"}),
            ]
    return cases


@pytest.mark.parametrize(("qualname", "change"), _no_route_cases())
async def test_no_route_available(world: World, qualname: str, change: dict[str, str]) -> None:
    params = {**VALID[qualname], **change}
    assert await world.error(qualname, params) == "NO_ROUTE_AVAILABLE"
    assert world.emu.state.messages == {}


@pytest.mark.parametrize("qualname", [s.qualname for s in GROUP_SENDS])
async def test_a_group_nobody_in_which_can_be_reached_has_no_route(
    world: World, qualname: str
) -> None:
    unreachable = add_group(world.emu, "demo", "email" if "email" in qualname else "mobile",
                            {"mobile": "99600000000", "email": "a@b.invalid"},
                            {"mobile": "", "email": "not an address"},
                            fields=("mobile", "email"))  # fmt: skip
    params = {**VALID[qualname], "idgroup": str(unreachable)}
    assert await world.error(qualname, params) == "NO_ROUTE_AVAILABLE"
    empty = add_group(world.emu, "demo", "mobile")
    answer = await world.answer(qualname, {**params, "idgroup": str(empty)})
    assert answer == {"status": "SUCCESS", "result": {"messageid": "", "credits": "0"}}


@pytest.mark.parametrize("channel", ["sms", "email", "voice"])
async def test_a_disabled_channel_has_no_route(world: World, channel: str) -> None:
    await world.answer("user.modifychannel", {"channelname": channel, "active": "0"})
    for spec in SENDS:
        if spec.api_class == channel:
            assert await world.error(spec.qualname, VALID[spec.qualname]) == "NO_ROUTE_AVAILABLE"
    await world.answer("user.modifychannel", {"channelname": channel, "active": "1"})
    for spec in SENDS:
        if spec.api_class == channel:
            assert (await world.answer(spec.qualname, VALID[spec.qualname]))["status"] == "SUCCESS"


async def test_error_precedence(world: World) -> None:
    """Malformed values first, then the group, then the route, then the money."""
    group_send = {"from": "Shop", "countrycode": "zz", "idgroup": "999", "sms": "Hi"}
    assert await world.error("sms.sendsmstogroup", {**group_send, "from": "x" * 12}) == (
        "MISSING_COMPULSORY_PARAM"
    )
    assert await world.error("sms.sendsmstogroup", group_send) == "NOT_ACCESS_TO_GROUP"
    poor = {"to": "99600000000", "from": "Shop", "sms": "Hi"}
    assert await world.error("sms.sendsms", poor, user="poor") == "NO_ROUTE_AVAILABLE"


# -- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [("", 1), ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
     ("€" * 80, 1), ("€" * 81, 2), ("ñ" * 160, 1), ("ç" * 70, 1), ("ç" * 71, 2),
     ("😀" * 35, 1), ("😀" * 36, 2), ("Hola, ¿qué tal?", 1)],
)  # fmt: skip
def test_sms_parts(text: str, parts: int) -> None:
    assert sms_parts(text) == parts


async def test_prices_come_off_the_balance(emu: Emulator) -> None:
    emu.settings = ServerSettings(price_sms=0.05, price_email=0.01, price_voice=0.3,
                                  price_whatsapp=0.02)  # fmt: skip
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.sms.send_sms(from_="Shop", to=PHONE, sms="x" * 200)  # 2 parts
        await client.sms.send_sms(from_="Shop", to=PHONE, sms="ç")  # UCS-2, 1 part
        await client.email.send_email(subject="s", to="a@example.com", email="b")
        await client.voice.send_voice(to=PHONE, message="m")
        await client.whatsapp.send_message(platformid="p", destination=PHONE, message="m")
        balance = (await client.user.get_balance()).balance
    assert balance == Decimal(1000) - Decimal("0.15") - Decimal("0.01") - Decimal("0.3") - Decimal(
        "0.02"
    )
    assert emu.counters.credits_charged == pytest.approx(0.48)
    assert [m.credits for m in emu.state.messages.values()] == pytest.approx(
        [0.1, 0.05, 0.01, 0.3, 0.02]
    )


async def test_a_group_send_is_charged_per_contact_all_or_nothing(emu: Emulator) -> None:
    account = emu.add_account("shop", "pw", balance=2.5)
    rows = [{"mobile": f"3460000000{n}", "name": f"N{n}"} for n in range(3)]
    idgroup = add_group(emu, "shop", "mobile", *rows)
    async with emu.client(FormAuth("shop", "pw"), max_retries=0) as client:
        with pytest.raises(BalanceError) as raised:  # 3 contacts x 1 credit > 2.5
            await client.sms.send_sms_to_group(from_="Shop", countrycode="es", idgroup=idgroup,
                                               sms="Hi")  # fmt: skip
        assert raised.value.code == "NO_CREDITS"
        assert (emu.state.messages, account.balance) == ({}, 2.5)
        account.balance = 3
        await client.sms.send_sms_to_group(from_="Shop", countrycode="es", idgroup=idgroup,
                                           sms="Hi")  # fmt: skip
    assert account.balance == 0
    assert sorted(m.destination for m in emu.state.messages.values()) == [r["mobile"] for r in rows]


# -- group fan-out, templates, statuses -------------------------------------------------------


async def test_group_fan_out_uses_each_contacts_number_as_stored(emu: Emulator) -> None:
    idgroup = add_group(
        emu, "demo", "mobile",
        {"mobile": "34600000001", "name": "Ann"},      # Spain
        {"mobile": " 447700900002 ", "name": "Bob"},   # the UK, trimmed
        {"mobile": "600000003", "name": "Cy"},          # no calling code: 6... has no route
        {"mobile": "+34600000004", "name": "Di"},       # not digits as stored: skipped
        {"mobile": "", "name": "Ed"},                   # blank: skipped
        {"mobile": "34600000001", "name": "Ann again"}, # a second contact, same number
    )  # fmt: skip
    async with emu.client(FormAuth("demo", "demo")) as client:
        result = await client.sms.send_sms_to_group_from_template(
            countrycode="gb", idgroup=idgroup, idtemplate=1
        )
    sent = [(m.destination, m.text) for m in emu.state.messages.values()]
    assert sent == [
        ("34600000001", "Hello Ann, welcome!"),
        ("447700900002", "Hello Bob, welcome!"),
        ("34600000001", "Hello Ann again, welcome!"),
    ]
    assert all(str(m) in text_of(result) for m in emu.state.messages)
    assert emu.counters.duplicates() == {}  # same number, different text


async def test_templates_fill_placeholders(emu: Emulator) -> None:
    template = emu.add_template("demo", "Hi {name}, {missing}order {order} is {state}.",
                                subject="Order {order}")  # fmt: skip
    assert template.id == 4  # after the three every account has
    idgroup = add_group(emu, "demo", "email", {"email": "a@example.com", "name": "Ann",
                                               "order": "7", "state": "ready"},
                        fields=("name", "order", "state"))  # fmt: skip
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.sms.send_sms_from_template(
            to=PHONE, idtemplate=4, params={"name": "Bob", "order": "42", "state": "late"}
        )
        await client.email.send_email_from_template(
            to="b@example.com", idtemplate=4, params={"name": "Bob"}, subject="Yours"
        )
        await client.email.send_email_to_group_from_template(idgroup=idgroup, idtemplate=4)
    texts = [m.text for m in emu.state.messages.values()]
    assert texts == [
        "Hi Bob, order 42 is late.",
        "Yours\n\nHi Bob, order  is .",
        "Order {order}\n\nHi Ann, order 7 is ready.",  # a subject is not a template
    ]
    with pytest.raises(KeyError):
        emu.add_template("nobody", "x")


async def test_delivery_statuses_move_with_the_clock(emu: Emulator) -> None:
    emu.settings = ServerSettings(delivery_delay=30)
    emu.add_account("other", "pw", balance=10)
    async with emu.client(FormAuth("demo", "demo")) as client:
        await client.sms.send_sms(from_="Shop", to=PHONE, sms="first")
        await client.email.send_email(subject="s", to="a@example.com", email="b")
        emu.clock.advance(20)
        await client.sms.send_sms(from_="Shop", to=PHONE, sms="second")
    first, email, second = emu.state.messages
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:

        async def statuses(api_class: str, *ids: object, user: str = "demo") -> dict[str, str]:
            form = {"user": user, "password": "demo" if user == "demo" else "pw",
                    "class": api_class, "method": "getdeliverystatus",
                    "messages": ",".join(map(str, ids))}  # fmt: skip
            answer = (await http.post("/api/http/", data=form)).json()["result"]
            return {str(entry["messageid"]): entry["status"] for entry in answer}

        assert await statuses("sms", first, second, email, 1, "zz") == {
            str(first): "PENDING", str(second): "PENDING", str(email): "UNKNOWN",
            "1": "UNKNOWN", "zz": "UNKNOWN",
        }  # fmt: skip
        emu.clock.advance(10)
        assert await statuses("sms", first, second) == {
            str(first): "DELIVERED", str(second): "PENDING",
        }  # fmt: skip
        assert await statuses("email", email) == {str(email): "DELIVERED"}
        assert await statuses("sms", first, user="other") == {str(first): "UNKNOWN"}
        emu.clock.advance(20)  # 30 s after the second send
        assert await statuses("sms", second) == {str(second): "DELIVERED"}
    with pytest.raises(ValueError, match="forward"):
        emu.clock.advance(-1)


# -- the JSON style ---------------------------------------------------------------------------


async def test_json_bodies_carry_natural_values(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:
        grant = await http.post("/api/oauth/token", data={
            "grant_type": "password", "username": "demo", "password": "demo"})  # fmt: skip
        headers = {"Authorization": f"Bearer {grant.json()['access_token']}"}

        async def call(body: dict[str, Any]) -> Any:
            return (await http.post("/api/json/", json=body, headers=headers)).json()

        sent = await call({"class": "sms", "method": "sendsmsfromtemplate", "to": 34600000000,
                           "idtemplate": 1, "params": {"name": "Ann"}})  # fmt: skip
        ids = [int(sent["result"]["messageid"]), 424242]
        statuses = await call({"class": "sms", "method": "getdeliverystatus", "messages": ids})
    assert statuses["result"] == [
        {"messageid": ids[0], "status": "PENDING"}, {"messageid": 424242, "status": "UNKNOWN"},
    ]  # fmt: skip
    [message] = emu.state.messages.values()
    assert (message.destination, message.text) == (PHONE, "Hello Ann, welcome!")


# -- faults and the counters that prove "never twice" -----------------------------------------


async def test_a_lost_answer_means_sent_and_charged(emu: Emulator) -> None:
    emu.faults = Faults(rate_applied_then_500=1.0)
    async with emu.client(FormAuth("demo", "demo"), max_retries=3) as client:
        with pytest.raises(OutcomeUnknownError) as raised:
            await client.sms.send_sms(from_="Shop", to=PHONE, sms="once")
    assert raised.value.qualname == "sms.sendsms"
    assert emu.counters.by_method["sms.sendsms"] == 1  # not retried
    assert emu.counters.messages_sent == 1
    assert emu.state.find("demo").balance == 999  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "faults", [Faults(rate_drop=1.0), Faults(rate_503=1.0), Faults(rate_429=1.0, retry_after=0)]
)
async def test_refused_or_dropped_sends_send_nothing(emu: Emulator, faults: Faults) -> None:
    emu.faults = faults
    async with emu.client(FormAuth("demo", "demo"), max_retries=0) as client:
        with pytest.raises(AfilnetError):  # which one is the client's business
            await client.sms.send_sms(from_="Shop", to=PHONE, sms="never")
    assert (emu.counters.messages_sent, emu.state.messages) == (0, {})
    assert emu.state.find("demo").balance == 1000  # type: ignore[union-attr]


async def test_counters_find_duplicates(emu: Emulator) -> None:
    async with emu.client(FormAuth("demo", "demo")) as client:
        for text in ("a", "b", "a"):
            await client.sms.send_sms(from_="Shop", to=PHONE, sms=text)
        await client.voice.send_voice(to="34600000009", message="a")
    counters = emu.counters
    assert counters.messages_sent == 4
    assert counters.messages_by_class == {"sms": 3, "voice": 1}
    assert counters.duplicates() == {(PHONE, fingerprint("a")): 2}
    assert [(r.api_class, r.destination) for r in counters.sent] == [
        ("sms", PHONE), ("sms", PHONE), ("sms", PHONE), ("voice", "34600000009"),
    ]  # fmt: skip
    assert counters.snapshot()["duplicate_sends"] == 1
    counters.reset()
    assert (counters.messages_sent, counters.sent, counters.duplicates()) == (0, [], {})


async def test_many_personalised_sends_under_faults_are_counted_once_each(emu: Emulator) -> None:
    """A small version of the bulk sender's check: every message the server applied is in the
    counters once; only a lost answer leaves the client unsure."""
    emu.faults = Faults(rate_applied_then_500=0.1, rate_503=0.1, rate_drop=0.05)
    unknown: list[int] = []
    async with emu.client(FormAuth("demo", "demo"), max_retries=0) as client:
        for n in range(200):
            try:
                await client.sms.send_sms(from_="Shop", to=PHONE, sms=f"Hello #{n}")
            except OutcomeUnknownError:
                unknown.append(n)
    assert emu.counters.duplicates() == {}
    sent = {m.text for m in emu.state.messages.values()}
    assert len(sent) == emu.counters.messages_sent
    lost = emu.counters.faults["applied_then_500"]
    assert lost > 0 and len(unknown) >= lost
    assert 200 - len(unknown) + lost == emu.counters.messages_sent
