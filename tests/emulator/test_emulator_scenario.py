"""Every method with each of the four auth strategies, in each of the four answer dialects,
over loopback (uvicorn on 127.0.0.1), through the client's public API.

A realistic day of a reseller: addresses and channels, a sub-account with a balance transfer
(which then logs in itself), a contact group from creation to deletion, then every kind of
message (SMS, e-mail, voice, WhatsApp; to a number, from a template, to a group) and their
delivery statuses. Reads assert the client's models, never the raw JSON, so no code path
depends on one dialect's spelling.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from support import EXAMPLE_ARGUMENTS, coroutine

from afilnet_async import AfilnetClient, NotFoundError, PermissionDeniedError
from afilnet_async.emulator import Emulator
from afilnet_async.spec import METHODS

from .helpers import DIALECTS, reading, text_of

ADDRESS: dict[str, Any] = {
    "namelastname": "name lastname",
    "iscompany": True,
    "companyname": "mycompany",
    "documentid": "123456789A",
    "countrycode": "us",
    "cityid": 1,
    "cityname": "town",
    "zipcode": "123456",
    "address": "address",
}
SUBACCOUNT: dict[str, Any] = {**ADDRESS, "accountemail": "email@email.com", "language": "en"}


async def _balance(client: AfilnetClient) -> Decimal:
    return (await client.user.get_balance()).balance


async def _user_methods(client: AfilnetClient) -> None:
    assert await _balance(client) == Decimal(1000)

    assert await client.user.add_address(**ADDRESS) is None
    [address] = await client.user.get_addresses()
    assert (address.namelastname, address.iscompany, address.companyname) == (
        "name lastname", True, "mycompany",
    )  # fmt: skip
    assert (address.countrycode, address.cityid, address.cityname) == ("us", 1, "town")
    assert (address.verified, address.addressverified) == (False, False)
    await client.user.delete_address(idaddress=address.id)
    assert await client.user.get_addresses() == []

    channels = {channel.channelname: channel for channel in await client.user.get_channels()}
    assert set(channels) == {"sms", "email", "voice"}
    assert all(channel.active for channel in channels.values())
    await client.user.modify_channel(channelname="sms", active=False)
    channels = {channel.channelname: channel for channel in await client.user.get_channels()}
    assert channels["sms"].active is False
    assert channels["sms"].channeltype == "sms"
    await client.user.modify_channel(channelname="sms", active=True)


async def _subaccount_methods(
    client: AfilnetClient, login: Callable[[str, str], AfilnetClient], emu: Emulator
) -> None:
    await client.subaccount.add_subaccount(**SUBACCOUNT, accountpassword="password")
    listed = text_of(await client.subaccount.get_subaccounts())
    assert "email@email.com" in listed
    assert "name lastname" in listed

    await client.subaccount.modify_subaccount(
        **{**SUBACCOUNT, "language": "es", "companyname": None},
        modifypassword=True, accountpassword="new-password",
    )  # fmt: skip
    [sub] = emu.state.find("demo").subaccounts.values()  # type: ignore[union-attr]
    assert (sub.language, sub.profile.companyname) == ("es", "")  # type: ignore[union-attr]

    await client.subaccount.transfer_balance(accountemail="email@email.com", balancetotransfer=10)
    await client.subaccount.transfer_balance(accountemail="email@email.com", balancetotransfer=-2.5)
    assert await _balance(client) == Decimal("992.5")

    async with login("email@email.com", "new-password") as sub_client:
        assert await _balance(sub_client) == Decimal("7.5")

    await client.subaccount.delete_subaccount(accountemail="email@email.com")
    assert "email@email.com" not in text_of(await client.subaccount.get_subaccounts())
    with pytest.raises(NotFoundError) as raised:
        await client.subaccount.delete_subaccount(accountemail="email@email.com")
    assert raised.value.code == "ACCOUNT_NOT_FOUND"


async def _group_methods(client: AfilnetClient, emu: Emulator) -> None:
    created = await client.group.create_group(
        name="test name", type="mobile", fields=["mobile", "name", "address"]
    )
    assert isinstance(created.idgroup, int)
    idgroup = created.idgroup
    columns = await client.group.get_group_columns(idgroup=idgroup)
    assert list(columns) == ["mobile", "name", "address"]
    await client.group.add_column_to_group(idgroup=idgroup, field="city")
    await client.group.delete_column_from_group(idgroup=idgroup, field="address")
    assert list(await client.group.get_group_columns(idgroup=idgroup)) == ["mobile", "name", "city"]
    await client.group.assign_country_to_group(idgroup=idgroup, countryiso3="esp")
    assert emu.state.groups[idgroup].country == "esp"

    await client.group.add_contact(
        idgroup=idgroup, contact={"mobile": "34123456789", "name": "testname"}
    )
    idcontact = max(emu.state.groups[idgroup].contacts)
    await client.group.add_contact_list(
        idgroup=idgroup,
        contacts=[
            {"name": "Test", "mobile": "34600000000"},
            {"name": "Test", "mobile": 34600000001},
        ],
    )
    contacts = await client.group.get_contacts(idgroup=idgroup)
    assert [c.fields["mobile"] for c in contacts] == ["34123456789", "34600000000", "34600000001"]
    assert all(isinstance(c.idcontact, int) for c in contacts)
    contact = await client.group.get_contact(idgroup=idgroup, idcontact=idcontact)
    assert (contact.idcontact, dict(contact.fields)) == (
        idcontact, {"mobile": "34123456789", "name": "testname", "city": ""},
    )  # fmt: skip

    await client.group.modify_contact(
        idgroup=idgroup, idcontact=idcontact, contact={"name": "renamed", "city": "Madrid"}
    )
    contact = await client.group.get_contact(idgroup=idgroup, idcontact=idcontact)
    assert (contact.fields["name"], contact.fields["city"]) == ("renamed", "Madrid")
    await client.group.delete_contact(idgroup=idgroup, idcontact=idcontact)
    assert len(await client.group.get_contacts(idgroup=idgroup)) == 2

    await client.group.delete_group(idgroup=idgroup)
    with pytest.raises(PermissionDeniedError) as raised:
        await client.group.get_contacts(idgroup=idgroup)
    assert raised.value.code == "NOT_ACCESS_TO_GROUP"
    assert emu.state.groups == {}


async def _sent(emu: Emulator, send: Awaitable[Any]) -> list[tuple[str, str, str]]:
    """Await ``send``; its new messages as (class, destination, text), each id in the result."""
    before = set(emu.state.messages)
    result = await send
    new = [m for number, m in emu.state.messages.items() if number not in before]
    assert new, "the send sent nothing"
    assert all(str(message.id) in text_of(result) for message in new), result
    return [(m.api_class, m.destination, m.text) for m in new]


async def _messaging_methods(client: AfilnetClient, emu: Emulator) -> None:
    mobiles = await client.group.create_group(name="m", type="mobile", fields=["mobile", "name"])
    emails = await client.group.create_group(name="e", type="email", fields=["email", "name"])
    assert mobiles.idgroup is not None and emails.idgroup is not None
    await client.group.add_contact_list(idgroup=mobiles.idgroup, contacts=[
        {"mobile": "34600000001", "name": "Ann"}, {"mobile": "447700900002", "name": "Bob"},
    ])  # fmt: skip
    await client.group.add_contact_list(idgroup=emails.idgroup, contacts=[
        {"email": "ann@example.com", "name": "Ann"},
    ])  # fmt: skip
    sms, voice, email, whatsapp = client.sms, client.voice, client.email, client.whatsapp
    expected = [
        (sms.send_sms(from_="Shop", to="+34 600 000 000", sms="Hi"),
         [("sms", "34600000000", "Hi")]),
        (sms.send_sms_from_template(to="34600000000", idtemplate=1, params={"name": "Cy"}),
         [("sms", "34600000000", "Hello Cy, welcome!")]),
        (sms.send_sms_to_group(from_="Shop", countrycode="es", idgroup=mobiles.idgroup,
                               sms="Sale"),
         [("sms", "34600000001", "Sale"), ("sms", "447700900002", "Sale")]),
        (sms.send_sms_to_group_from_template(countrycode=34, idgroup=mobiles.idgroup,
                                             idtemplate=1),
         [("sms", "34600000001", "Hello Ann, welcome!"),
          ("sms", "447700900002", "Hello Bob, welcome!")]),
        (email.send_email(subject="S", to="ann@example.com", email="<p>Body</p>"),
         [("email", "ann@example.com", "S\n\n<p>Body</p>")]),
        (email.send_email_from_template(to="bob@example.com", idtemplate=2,
                                        params={"code": "42"}),
         [("email", "bob@example.com", "Your code\n\nYour code is 42")]),
        (email.send_email_to_group(subject="News", idgroup=emails.idgroup, email="Hello"),
         [("email", "ann@example.com", "News\n\nHello")]),
        (email.send_email_to_group_from_template(idgroup=emails.idgroup, idtemplate=1),
         [("email", "ann@example.com", "Welcome\n\nHello Ann, welcome!")]),
        (voice.send_voice(to="34600000000", message="Your code is 1", language="EN"),
         [("voice", "34600000000", "Your code is 1")]),
        (voice.send_voice_from_template(to="34600000000", idtemplate=2, params={"code": "7"}),
         [("voice", "34600000000", "Your code is 7")]),
        (voice.send_voice_to_group(countrycode="34", idgroup=mobiles.idgroup, message="Call"),
         [("voice", "34600000001", "Call"), ("voice", "447700900002", "Call")]),
        (voice.send_voice_to_group_from_template(countrycode="es", idgroup=mobiles.idgroup,
                                                 idtemplate=3),
         [("voice", "34600000001", "Dear Ann, see you on ."),
          ("voice", "447700900002", "Dear Bob, see you on .")]),
        (whatsapp.send_message(platformid="p1", destination="34600000000", message="Yo"),
         [("whatsapp", "34600000000", "Yo")]),
        (whatsapp.send_file(platformid="p1", destination="34600000000", type="image",
                            fileurl="https://example.com/a.png", message="Look"),
         [("whatsapp", "34600000000", "[image] https://example.com/a.png\nLook")]),
        (whatsapp.send_message_from_template(platformid="p1", destination="34600000000",
                                             idtemplate=1, params={"name": "Di"}),
         [("whatsapp", "34600000000", "Hello Di, welcome!")]),
    ]  # fmt: skip
    for send, messages in expected:
        assert await _sent(emu, send) == messages
    # 6 SMS parts at 1, 4 e-mails at 0.1, 6 calls at 2, 3 WhatsApp messages at 0.5
    assert await _balance(client) == Decimal("992.5") - Decimal("19.9")

    classes = ((sms, "sms"), (email, "email"), (voice, "voice"))
    ids = {c: [n for n, m in emu.state.messages.items() if m.api_class == c] for _, c in classes}
    for namespace, api_class in classes:
        pending = text_of(await namespace.get_delivery_status(messages=ids[api_class]))
        assert all(str(n) in pending for n in ids[api_class])
        assert "PENDING" in pending and "DELIVERED" not in pending
    emu.clock.advance(emu.settings.delivery_delay)
    for namespace, api_class in classes:
        delivered = text_of(await namespace.get_delivery_status(messages=[ids[api_class][0], 1]))
        assert "DELIVERED" in delivered and "UNKNOWN" in delivered and "PENDING" not in delivered


async def _methods_added_since(client: AfilnetClient, emu: Emulator) -> None:
    """A spec method this day does not use yet (a new one): called with its spec examples and
    the ids of a group of its own, so that it is served in every strategy and dialect too."""
    todo = [spec for spec in METHODS if spec.qualname not in emu.counters.by_method]
    if not todo:
        return
    group = await client.group.create_group(name="new", type="mobile", fields=["mobile"])
    await client.group.add_contact(idgroup=group.idgroup, contact={"mobile": "34600000099"})
    assert group.idgroup is not None
    known = {"idgroup": group.idgroup, "idcontact": min(emu.state.groups[group.idgroup].contacts)}
    for spec in todo:
        arguments = EXAMPLE_ARGUMENTS[spec.qualname]
        await coroutine(client, spec.qualname)(
            **arguments | {name: value for name, value in known.items() if name in arguments}
        )


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_every_method_with_every_strategy(
    emu: Emulator, connect: Callable[..., AfilnetClient], strategy: str, dialect: str
) -> None:
    def login(user: str, password: str) -> AfilnetClient:
        return connect(strategy, user, password)

    async with login("demo", "demo") as client:
        with reading(dialect):
            await _user_methods(client)
            await _subaccount_methods(client, login, emu)
            await _group_methods(client, emu)
            await _messaging_methods(client, emu)
            stored, sent = emu.counters.contacts_stored, emu.counters.messages_sent
            await _methods_added_since(client, emu)

    assert set(emu.counters.by_method) == {spec.qualname for spec in METHODS}
    assert emu.counters.by_status.keys() == {200}
    assert (stored, sent) == (6, 19)
    assert emu.counters.duplicates() == {}
    if strategy == "oauth2":
        assert emu.counters.tokens_issued == 2  # the reseller, then the sub-account
