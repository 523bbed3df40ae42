"""All 23 methods, with each of the four auth strategies, over loopback (uvicorn on 127.0.0.1).

A realistic day of a reseller: addresses and channels, a sub-account with a balance transfer
(which then logs in itself), and a contact group from creation to deletion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from afilnet_async import AfilnetClient, NotFoundError, PermissionDeniedError
from afilnet_async.emulator import Emulator
from afilnet_async.spec import METHODS

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


async def _user_methods(client: AfilnetClient) -> None:
    assert await client.user.get_balance() == {"balance": 1000.0}

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


async def _subaccount_methods(
    client: AfilnetClient, login: Callable[[str, str], AfilnetClient]
) -> None:
    await client.subaccount.add_subaccount(**SUBACCOUNT, accountpassword="password")
    [sub] = await client.subaccount.get_subaccounts()
    assert sub == {
        "accountemail": "email@email.com", "namelastname": "name lastname", "iscompany": 1,
        "companyname": "mycompany", "documentid": "123456789A", "language": "en",
        "countrycode": "us", "cityid": 1, "cityname": "town", "zipcode": "123456",
        "address": "address", "balance": 0.0,
    }  # fmt: skip

    await client.subaccount.modify_subaccount(
        **{**SUBACCOUNT, "language": "es", "companyname": None},
        modifypassword=True, accountpassword="new-password",
    )  # fmt: skip
    [sub] = await client.subaccount.get_subaccounts()
    assert (sub["language"], sub["companyname"]) == ("es", "")

    await client.subaccount.transfer_balance(accountemail="email@email.com", balancetotransfer=10)
    await client.subaccount.transfer_balance(accountemail="email@email.com", balancetotransfer=-2.5)
    assert await client.user.get_balance() == {"balance": 992.5}

    async with login("email@email.com", "new-password") as sub_client:
        assert await sub_client.user.get_balance() == {"balance": 7.5}

    await client.subaccount.delete_subaccount(accountemail="email@email.com")
    assert await client.subaccount.get_subaccounts() == []
    with pytest.raises(NotFoundError) as raised:
        await client.subaccount.delete_subaccount(accountemail="email@email.com")
    assert raised.value.code == "ACCOUNT_NOT_FOUND"


async def _group_methods(client: AfilnetClient, emu: Emulator) -> None:
    created = await client.group.create_group(
        name="test name", type="mobile", fields=["mobile", "name", "address"]
    )
    assert isinstance(created.idgroup, int)
    idgroup = created.idgroup
    assert await client.group.get_group_columns(idgroup=idgroup) == ["mobile", "name", "address"]
    await client.group.add_column_to_group(idgroup=idgroup, field="city")
    await client.group.delete_column_from_group(idgroup=idgroup, field="address")
    assert await client.group.get_group_columns(idgroup=idgroup) == ["mobile", "name", "city"]
    await client.group.assign_country_to_group(idgroup=idgroup, countryiso3="esp")
    assert emu.state.groups[idgroup].country == "esp"

    added = await client.group.add_contact(
        idgroup=idgroup, contact={"mobile": "123456789", "name": "testname"}
    )
    idcontact = added["idcontact"]
    listed = await client.group.add_contact_list(
        idgroup=idgroup,
        contacts=[
            {"name": "Test", "mobile": "34600000000"},
            {"name": "Test", "mobile": 34600000001},
        ],
    )
    assert listed == {"added": 2, "invalid": 0}
    contacts = await client.group.get_contacts(idgroup=idgroup)
    assert [c["mobile"] for c in contacts] == ["123456789", "34600000000", "34600000001"]
    assert all(isinstance(c["idcontact"], int) for c in contacts)
    assert await client.group.get_contact(idgroup=idgroup, idcontact=idcontact) == {
        "idcontact": idcontact, "mobile": "123456789", "name": "testname", "city": "",
    }  # fmt: skip

    await client.group.modify_contact(
        idgroup=idgroup, idcontact=idcontact, contact={"name": "renamed", "city": "Madrid"}
    )
    contact = await client.group.get_contact(idgroup=idgroup, idcontact=idcontact)
    assert (contact["name"], contact["city"]) == ("renamed", "Madrid")
    await client.group.delete_contact(idgroup=idgroup, idcontact=idcontact)
    assert len(await client.group.get_contacts(idgroup=idgroup)) == 2

    await client.group.delete_group(idgroup=idgroup)
    with pytest.raises(PermissionDeniedError) as raised:
        await client.group.get_contacts(idgroup=idgroup)
    assert raised.value.code == "NOT_ACCESS_TO_GROUP"
    assert emu.state.groups == {}


async def test_every_method_with_every_strategy(
    emu: Emulator, connect: Callable[..., AfilnetClient], strategy: str
) -> None:
    def login(user: str, password: str) -> AfilnetClient:
        return connect(strategy, user, password)

    async with login("demo", "demo") as client:
        await _user_methods(client)
        await _subaccount_methods(client, login)
        await _group_methods(client, emu)

    documented = ("user", "subaccount", "group")
    served = {spec.qualname for spec in METHODS if spec.api_class in documented}
    assert set(emu.counters.by_method) >= served
    assert emu.counters.by_status.keys() == {200}
    assert emu.counters.contacts_stored == 3
    if strategy == "oauth2":
        assert emu.counters.tokens_issued == 2  # the reseller, then the sub-account
