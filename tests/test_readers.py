"""Every plausible shape of each method's ``result``, and what the library returns for it.

The vendor documents few answer shapes, so servers that read its pages their own way (PHP
associative arrays, wrapped lists, numbers as text...) must all be understood. Each table row
is one such shape and the exact model read from it; the ``BAD_*`` rows fit no reading and
raise :class:`MalformedResponseError`, naming the method and the shape but never a value.
The last tests go through the public API (respx answers), so the generated endpoints are
exercised with the same readers.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import attrs
import pytest
from support import success

from afilnet_async import (
    Address,
    Balance,
    Channel,
    Contact,
    CreatedGroup,
    GroupColumns,
    MalformedResponseError,
)
from afilnet_async.models import DeliveryStatus, SendResult, Subaccount
from afilnet_async.readers import READERS, describe, read_result

#: A distinctive value (a phone number) that no error message may repeat.
PHONE = "34699999999"
REQUEST_ID = "req-42"


def read(name: str, result: Any, qualname: str = "x.method") -> Any:
    return read_result(name, result, qualname, REQUEST_ID)


def misfit(name: str, result: Any, qualname: str) -> MalformedResponseError:
    with pytest.raises(MalformedResponseError) as caught:
        read(name, result, qualname)
    error = caught.value
    assert str(error).startswith(f"{qualname} answered a result that fits no reading of ")
    assert PHONE not in str(error)
    assert PHONE[2:] not in str(error)  # not even the number without its country code
    assert error.request_id == REQUEST_ID
    assert error.__cause__ is None
    assert error.__context__ is None
    return error


# --- user.getbalance -------------------------------------------------------------------------

BALANCES = [
    pytest.param(1000, D(1000), id="bare-int"),
    pytest.param(250.5, D("250.5"), id="bare-float"),
    pytest.param(0.1, D("0.1"), id="float-read-exactly-as-printed"),
    pytest.param("42", D(42), id="numeric-string"),
    pytest.param(" 12.50\n", D("12.50"), id="padded-string"),
    pytest.param("-3.5", D("-3.5"), id="negative"),
    pytest.param("1.5E-5", D("0.000015"), id="php-float-text"),
    pytest.param("1.000", D("1.000"), id="single-dot-is-a-decimal-point"),
    pytest.param("12,5", D("12.5"), id="decimal-comma"),
    pytest.param("0,055", D("0.055"), id="decimal-comma-after-zero"),
    pytest.param("12,3456", D("12.3456"), id="decimal-comma-four-places"),
    pytest.param("1.000,50", D("1000.50"), id="spanish-grouping"),
    pytest.param("1.000.000", D(1000000), id="spanish-thousands"),
    pytest.param("1\u00a0000,50", D("1000.50"), id="nbsp-grouping"),
    pytest.param("1,000.50", D("1000.50"), id="english-grouping"),
    pytest.param("1,000,000", D(1000000), id="english-thousands"),
    pytest.param("42 credits", D(42), id="with-unit-credits"),
    pytest.param("12,50 €", D("12.50"), id="with-euro-sign"),
    pytest.param("5 Créditos", D(5), id="with-spanish-unit"),
    pytest.param({"balance": 1000}, D(1000), id="balance-key"),
    pytest.param({"balance": "1000.5"}, D("1000.5"), id="balance-key-text"),
    pytest.param({"credits": 12}, D(12), id="credits-key"),
    pytest.param({"credit": "3"}, D(3), id="credit-key"),
    pytest.param({"saldo": "7,5"}, D("7.5"), id="saldo-key"),
    pytest.param({"amount": 9}, D(9), id="amount-key"),
    pytest.param({"balance": 3, "credits": 9}, D(3), id="balance-preferred"),
    pytest.param({"balance": None, "credits": 9}, D(9), id="null-balance-then-credits"),
    pytest.param({"balance": {"amount": 5, "currency": "EUR"}}, D(5), id="nested-under-balance"),
    pytest.param({"data": {"balance": 5}}, D(5), id="nested-under-data"),
    pytest.param({"account": {"credits": "5"}, "user": "ann"}, D(5), id="nested-any-key"),
    pytest.param({"result": "5"}, D(5), id="result-key"),
    pytest.param([1000], D(1000), id="list-of-one"),
    pytest.param([{"balance": "3"}], D(3), id="list-of-one-object"),
]

BAD_BALANCES = [
    pytest.param(True, "(boolean)", id="true"),
    pytest.param(None, "(null)", id="null"),
    pytest.param("", "(empty string; not a number)", id="empty-string"),
    pytest.param(f"{PHONE} apples", "(string; not a number)", id="text"),
    pytest.param("1,000", "ambiguous: thousands or decimals", id="ambiguous-comma"),
    pytest.param("1,5,6", "(string; not a number)", id="bad-grouping"),
    pytest.param(float("nan"), "not a finite number", id="nan"),
    pytest.param(float("inf"), "not a finite number", id="infinity"),
    pytest.param("NaN", "not a number", id="nan-text"),
    pytest.param("1e99999", "not a number", id="huge-exponent"),
    pytest.param([1000, 2000], "(array of 2 items)", id="list-of-two"),
    pytest.param([[1000]], "(array of 1 item)", id="list-in-a-list"),
    pytest.param({}, "(empty object)", id="empty-object"),
    pytest.param({"name": PHONE}, "(object with keys: name)", id="no-balance-key"),
    pytest.param({"balance": True}, "balance is not a number (boolean)", id="bool-balance"),
    pytest.param({"balance": PHONE + "x"}, "balance is not a number (string)", id="bad-text"),
    pytest.param({"a": {"balance": 1}, "b": {"balance": 2}}, "keys: a, b", id="two-nested"),
    pytest.param({"balance": {"balance": {"amount": 1}}}, "balance is not", id="nested-twice"),
]


@pytest.mark.parametrize(("result", "balance"), BALANCES)
def test_balance_shapes(result: Any, balance: D) -> None:
    read_balance = read("balance", result)
    assert read_balance == Balance(balance)
    assert str(read_balance.balance) == str(balance)  # exact, not only numerically equal
    assert read_balance.raw is result
    assert read_balance.request_id == REQUEST_ID


@pytest.mark.parametrize(("result", "detail"), BAD_BALANCES)
def test_balance_misfits(result: Any, detail: str) -> None:
    error = misfit("balance", result, "user.getbalance")
    assert "fits no reading of a balance" in str(error)
    assert detail in str(error)


# --- user.getaddresses -----------------------------------------------------------------------

ANN = {
    "id": "17", "namelastname": "Ann Doe", "iscompany": "1", "companyname": "ACME",
    "documentid": "123456789A", "countrycode": "us", "cityid": "4", "cityname": "town",
    "zipcode": 28001, "address": "1 Main St", "verified": "0", "addressverified": "true",
    "somethingnew": "kept in raw",
}  # fmt: skip
ANN_READ = Address(
    id=17, namelastname="Ann Doe", iscompany=True, companyname="ACME", documentid="123456789A",
    countrycode="us", cityid=4, cityname="town", zipcode="28001", address="1 Main St",
    verified=False, addressverified=True,
)  # fmt: skip
BOB = {"idaddress": 18, "namelastname": "Bob", "iscompany": 0, "companyname": False}
BOB_READ = Address(id=18, namelastname="Bob", iscompany=False)
NO_ID = {k: v for k, v in ANN.items() if k != "id"}

ADDRESSES = [
    pytest.param([ANN, BOB], [ANN_READ, BOB_READ], id="documented-list"),
    pytest.param({"list": [ANN, BOB]}, [ANN_READ, BOB_READ], id="list-key"),
    pytest.param({"addresses": [ANN]}, [ANN_READ], id="addresses-key"),
    pytest.param({"data": {"list": [ANN]}}, [ANN_READ], id="two-wrappers"),
    pytest.param({"17": NO_ID, "18": BOB}, [ANN_READ, BOB_READ], id="id-keyed"),
    pytest.param({"99": ANN}, [ANN_READ], id="id-keyed-item-id-wins"),
    pytest.param({"list": {"17": NO_ID}}, [ANN_READ], id="wrapped-id-keyed"),
    pytest.param({"0": NO_ID, "1": BOB}, [attrs.evolve(ANN_READ, id=None), BOB_READ],
                 id="php-positions-are-not-ids"),
    pytest.param(ANN, [ANN_READ], id="single-object"),
    pytest.param([{**ANN, "id": 17.0}], [ANN_READ], id="id-as-float"),
    pytest.param([NO_ID], [attrs.evolve(ANN_READ, id=None)], id="no-id"),
    pytest.param([{"id": 5, "cityid": "", "zipcode": None}], [Address(id=5)], id="blank-fields"),
    pytest.param(None, [], id="null"),
    pytest.param("", [], id="empty-string"),
    pytest.param([], [], id="empty-list"),
    pytest.param({}, [], id="empty-object"),
    pytest.param({"list": None}, [], id="null-list"),
]  # fmt: skip

BAD_ADDRESSES = [
    pytest.param([ANN, PHONE], "item 1: not an object (string)", id="string-item"),
    pytest.param([5], "item 0: not an object (number)", id="number-item"),
    pytest.param({"17": ANN, "18": PHONE}, "entry 1: not an object", id="keyed-string-entry"),
    pytest.param([{"id": "seventeen"}], "item 0: id is not an integer (string)", id="bad-id"),
    pytest.param([{"id": True}], "id is not an integer (boolean)", id="bool-id"),
    pytest.param([{"id": 1, "iscompany": "maybe"}], "iscompany is not a boolean", id="bad-flag"),
    pytest.param([{"id": 1, "cityname": [PHONE]}], "cityname is not text (array", id="bad-text"),
    pytest.param({"nothing": PHONE}, "(object with keys: nothing)", id="not-an-address"),
    pytest.param({"a": [ANN], "b": [BOB]}, "several arrays", id="two-arrays"),
    pytest.param(PHONE, "(string)", id="text"),
    pytest.param(5, "(number)", id="number"),
    pytest.param(True, "(boolean)", id="boolean"),
]


@pytest.mark.parametrize(("result", "addresses"), ADDRESSES)
def test_address_shapes(result: Any, addresses: list[Address]) -> None:
    read_addresses = read("addresses", result)
    assert read_addresses == addresses
    assert all(address.request_id == REQUEST_ID for address in read_addresses)


def test_an_address_keeps_the_fields_it_does_not_name_in_raw() -> None:
    (address,) = read("addresses", {"list": [ANN]})
    assert address.raw["somethingnew"] == "kept in raw"


@pytest.mark.parametrize(("result", "detail"), BAD_ADDRESSES)
def test_address_misfits(result: Any, detail: str) -> None:
    error = misfit("addresses", result, "user.getaddresses")
    assert "fits no reading of a list of addresses" in str(error)
    assert detail in str(error)


# --- user.getchannels ------------------------------------------------------------------------

SMS = Channel("sms", True, "sms")

CHANNELS = [
    pytest.param([{"channeltype": "sms", "channelname": "sms", "active": "1"}], [SMS],
                 id="documented-list"),
    pytest.param({"list": [{"channeltype": "sms", "channelname": "sms", "active": 1}]}, [SMS],
                 id="list-key"),
    pytest.param({"sms": 1, "email": "0"},
                 [Channel("sms", True), Channel("email", False)], id="name-to-active"),
    pytest.param({"sms": True, "voice": "yes", "whatsapp": "disabled"},
                 [Channel("sms", True), Channel("voice", True), Channel("whatsapp", False)],
                 id="name-to-active-words"),
    pytest.param({"sms": {"active": "true", "channeltype": "sms"}}, [SMS], id="name-keyed"),
    pytest.param({"channels": {"sms": 1}}, [Channel("sms", True)], id="wrapped-name-to-active"),
    pytest.param({"channelname": "sms", "active": "1", "channeltype": "sms"}, [SMS],
                 id="single-object"),
    pytest.param([{"name": "sms", "enabled": "true", "type": "sms"}], [SMS], id="aliases"),
    pytest.param(["sms", "email"], [Channel("sms"), Channel("email")], id="names-only"),
    pytest.param([{"channelname": "sms"}], [Channel("sms")], id="active-not-said"),
    pytest.param({"sms": None}, [Channel("sms")], id="active-null"),
    pytest.param([{"channelname": "sms", "active": False}, {"channelname": "email", "active": ""}],
                 [Channel("sms", False), Channel("email", False)], id="active-false-is-off"),
    pytest.param(None, [], id="null"),
    pytest.param([], [], id="empty-list"),
    pytest.param({}, [], id="empty-object"),
]  # fmt: skip

BAD_CHANNELS = [
    pytest.param([{"active": 1}], "a channel without a name", id="no-name"),
    pytest.param({"active": 1}, "a channel without a name", id="single-without-name"),
    pytest.param([{"channelname": "sms", "active": 2}], "active is not a boolean", id="active-2"),
    pytest.param({"sms": PHONE}, "entry 0: active is not a boolean (string)", id="bad-active"),
    pytest.param([5], "item 0: not a channel (number)", id="number-item"),
    pytest.param([True], "item 0: not a channel (boolean)", id="bool-item"),
    pytest.param("sms", "(string)", id="text"),
]


@pytest.mark.parametrize(("result", "channels"), CHANNELS)
def test_channel_shapes(result: Any, channels: list[Channel]) -> None:
    read_channels = read("channels", result)
    assert read_channels == channels
    assert all(channel.request_id == REQUEST_ID for channel in read_channels)


@pytest.mark.parametrize(("result", "detail"), BAD_CHANNELS)
def test_channel_misfits(result: Any, detail: str) -> None:
    error = misfit("channels", result, "user.getchannels")
    assert detail in str(error)


# --- subaccount.getsubaccounts ---------------------------------------------------------------

SUB = {"accountemail": "sub@example.com", "balance": "10.5", "namelastname": "Sub", "id": 7}
SUB_READ = Subaccount(
    "sub@example.com",
    D("10.5"),
    {"accountemail": "sub@example.com", "balance": "10.5", "namelastname": "Sub", "id": "7"},
)

SUBACCOUNTS = [
    pytest.param([SUB], [SUB_READ], id="list-of-objects"),
    pytest.param({"subaccounts": [SUB]}, [SUB_READ], id="subaccounts-key"),
    pytest.param({"list": [SUB]}, [SUB_READ], id="list-key"),
    pytest.param({"7": SUB}, [SUB_READ], id="id-keyed"),
    pytest.param(SUB, [SUB_READ], id="single-object"),
    pytest.param([{"email": "a@example.com", "credits": 3}],
                 [Subaccount("a@example.com", D(3), {"email": "a@example.com", "credits": "3"})],
                 id="email-and-credits"),
    pytest.param([{"user": "ann", "login": "x"}],
                 [Subaccount("ann", None, {"user": "ann", "login": "x"})], id="user"),
    pytest.param([{"email": "b@example.com", "accountemail": "a@example.com"}],
                 [Subaccount("a@example.com", None,
                             {"email": "b@example.com", "accountemail": "a@example.com"})],
                 id="accountemail-preferred"),
    pytest.param({"a@example.com": {"balance": 3}},
                 [Subaccount("a@example.com", D(3), {"balance": "3"})], id="email-keyed"),
    pytest.param({"a@example.com": 12.5, "b@example.com": "3"},
                 [Subaccount("a@example.com", D("12.5"), {}),
                  Subaccount("b@example.com", D(3), {})],
                 id="email-to-balance"),
    pytest.param(["a@example.com", "b@example.com"],
                 [Subaccount("a@example.com", None, {}), Subaccount("b@example.com", None, {})],
                 id="emails-only"),
    pytest.param({"0": "a@example.com"}, [Subaccount("a@example.com", None, {})],
                 id="php-positions"),
    pytest.param([{"accountemail": "a@example.com", "balance": ""}],
                 [Subaccount("a@example.com", None, {"accountemail": "a@example.com",
                                                     "balance": ""})], id="blank-balance"),
    pytest.param(None, [], id="null"),
    pytest.param([], [], id="empty-list"),
    pytest.param({}, [], id="empty-object"),
]  # fmt: skip

BAD_SUBACCOUNTS = [
    pytest.param([{"accountemail": "a@example.com", "balance": "lots"}],
                 "item 0: balance is not a number (string)", id="bad-balance"),
    pytest.param([5], "item 0: not a sub-account (number)", id="number-item"),
    pytest.param(["12.5"], "item 0: not a sub-account (string)", id="amount-without-account"),
    pytest.param([True], "not a sub-account (boolean)", id="bool-item"),
    pytest.param(PHONE, "(string)", id="text"),
]  # fmt: skip


@pytest.mark.parametrize(("result", "subaccounts"), SUBACCOUNTS)
def test_subaccount_shapes(result: Any, subaccounts: list[Subaccount]) -> None:
    read_subaccounts = read("subaccounts", result)
    assert read_subaccounts == subaccounts
    assert all(sub.request_id == REQUEST_ID for sub in read_subaccounts)


@pytest.mark.parametrize(("result", "detail"), BAD_SUBACCOUNTS)
def test_subaccount_misfits(result: Any, detail: str) -> None:
    error = misfit("subaccounts", result, "subaccount.getsubaccounts")
    assert detail in str(error)


# --- group.getcontacts / group.getcontact ----------------------------------------------------

A = {"idcontact": 1001, "mobile": "34600000001", "name": "Ann"}
B = {"idcontact": "1002", "mobile": 34600000002, "name": "Bob"}
A_READ = Contact(1001, {"mobile": "34600000001", "name": "Ann"})
B_READ = Contact(1002, {"mobile": "34600000002", "name": "Bob"})


def without_id(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in contact.items() if k != "idcontact"}


CONTACTS = [
    pytest.param([A, B], [A_READ, B_READ], id="list-of-objects"),
    pytest.param({"list": [A, B]}, [A_READ, B_READ], id="list-key"),
    pytest.param({"contacts": [A, B]}, [A_READ, B_READ], id="contacts-key"),
    pytest.param({"data": [A]}, [A_READ], id="data-key"),
    pytest.param({"idgroup": 1000, "total": 2, "rows": [A, B]}, [A_READ, B_READ],
                 id="page-wrapper"),
    pytest.param({"id": 1000, "name": "Customers", "contacts": [A]}, [A_READ],
                 id="group-with-contacts"),
    pytest.param({"found": [A, B], "count": 2}, [A_READ, B_READ], id="only-array-value"),
    pytest.param({"1001": without_id(A), "1002": without_id(B)}, [A_READ, B_READ],
                 id="id-keyed"),
    pytest.param({"list": {"1001": without_id(A)}}, [A_READ], id="wrapped-id-keyed"),
    pytest.param({"0": A, "1": without_id(B)}, [A_READ, Contact(None, B_READ.fields)],
                 id="php-positions-are-not-ids"),
    pytest.param(A, [A_READ], id="single-object"),
    pytest.param([{"id": "1001", "mobile": "34600000001", "name": "Ann"}], [A_READ],
                 id="id-key"),
    pytest.param([{"idcontact": 1001.0, "mobile": 34600000001.0, "name": "Ann"}], [A_READ],
                 id="floats"),
    pytest.param([{"mobile": "34600000001"}], [Contact(None, {"mobile": "34600000001"})],
                 id="no-id"),
    pytest.param([{"idcontact": 1, "age": 30.5, "vip": True, "old": False, "note": None,
                   "tags": ["a", "b"], "city": "Zürich"}],
                 [Contact(1, {"age": "30.5", "vip": "1", "old": "0", "note": "",
                              "tags": '["a","b"]', "city": "Zürich"})],
                 id="values-as-text"),
    pytest.param(None, [], id="null"),
    pytest.param("", [], id="empty-string"),
    pytest.param([], [], id="empty-list"),
    pytest.param({}, [], id="empty-object"),
]  # fmt: skip

BAD_CONTACTS = [
    pytest.param([A, PHONE], "item 1: not an object (string)", id="string-item"),
    pytest.param([5], "item 0: not an object (number)", id="number-item"),
    pytest.param({"1001": A, "1002": PHONE}, "entry 1: not an object (string)",
                 id="keyed-string-entry"),
    pytest.param([{"idcontact": "abc", "mobile": PHONE}],
                 "item 0: idcontact is not an integer (string)", id="bad-id"),
    pytest.param([{"idcontact": [1], "mobile": PHONE}], "idcontact is not an integer (array",
                 id="list-id"),
    pytest.param({"a": [A], "b": [B]}, "object with keys: a, b; several arrays", id="two-arrays"),
    pytest.param(PHONE, "(string)", id="text"),
    pytest.param(5, "(number)", id="number"),
    pytest.param(True, "(boolean)", id="boolean"),
]  # fmt: skip


@pytest.mark.parametrize(("result", "contacts"), CONTACTS)
def test_contact_list_shapes(result: Any, contacts: list[Contact]) -> None:
    read_contacts = read("contacts", result)
    assert read_contacts == contacts
    assert all(contact.request_id == REQUEST_ID for contact in read_contacts)


def test_a_contact_keeps_unknown_fields_and_the_item_as_it_came() -> None:
    item = {"idcontact": "7", "mobile": "34600000000", "birthday": "1990-01-01"}
    (contact,) = read("contacts", [item])
    assert contact.fields == {"mobile": "34600000000", "birthday": "1990-01-01"}
    assert contact.raw is item


@pytest.mark.parametrize(("result", "detail"), BAD_CONTACTS)
def test_contact_list_misfits(result: Any, detail: str) -> None:
    error = misfit("contacts", result, "group.getcontacts")
    assert "fits no reading of a contact list" in str(error)
    assert detail in str(error)


def test_a_misfit_names_the_method_and_the_keys_seen() -> None:
    error = misfit("contacts", {"a": [1], "b": [2], "c": [3]}, "group.getcontacts")
    assert str(error) == (
        "group.getcontacts answered a result that fits no reading of a contact list "
        "(object with keys: a, b, c; several arrays, none under a known key)"
    )


CONTACT = [
    pytest.param(A, A_READ, id="object"),
    pytest.param([A], A_READ, id="list-of-one"),
    pytest.param({"contact": A}, A_READ, id="contact-key"),
    pytest.param({"list": [A]}, A_READ, id="list-key"),
    pytest.param({"1001": without_id(A)}, A_READ, id="id-keyed"),
    pytest.param(without_id(A), Contact(None, A_READ.fields), id="no-id"),
]

BAD_CONTACT = [
    pytest.param(None, "(null; no contact)", id="null"),
    pytest.param({}, "(empty object; no contact)", id="empty-object"),
    pytest.param([], "(empty array; no contact)", id="empty-list"),
    pytest.param([A, B], "(array of 2 items; 2 contacts)", id="two-contacts"),
    pytest.param(PHONE, "(string)", id="text"),
]


@pytest.mark.parametrize(("result", "contact"), CONTACT)
def test_contact_shapes(result: Any, contact: Contact) -> None:
    read_contact = read("contact", result)
    assert read_contact == contact
    assert read_contact.request_id == REQUEST_ID


@pytest.mark.parametrize(("result", "detail"), BAD_CONTACT)
def test_contact_misfits(result: Any, detail: str) -> None:
    error = misfit("contact", result, "group.getcontact")
    assert "fits no reading of a contact (" in str(error)
    assert detail in str(error)


# --- group.getgroupcolumns -------------------------------------------------------------------

MN = ("mobile", "name")

GROUP_COLUMNS = [
    pytest.param(["mobile", "name"], MN, None, id="list-of-names"),
    pytest.param([" mobile ", "name", ""], MN, None, id="names-trimmed"),
    pytest.param("mobile,name", MN, None, id="comma-separated"),
    pytest.param("mobile, name", MN, None, id="comma-and-space"),
    pytest.param(["mobile,name"], MN, None, id="comma-separated-in-a-list"),
    pytest.param([{"name": "mobile"}, {"name": "name"}], MN, None, id="objects-name"),
    pytest.param([{"field": "mobile"}, {"column": "name"}], MN, None, id="objects-field-column"),
    pytest.param([{"columnname": "mobile", "type": "text"}, {"fieldname": "name"}], MN, None,
                 id="objects-columnname"),
    pytest.param([{"mobile": "text"}, {"city": "text"}], ("mobile", "city"), None,
                 id="one-pair-objects"),
    pytest.param({"list": ["mobile", "name"]}, MN, None, id="list-key"),
    pytest.param({"columns": "mobile,name"}, MN, None, id="columns-key"),
    pytest.param({"fields": [{"name": "mobile"}, {"name": "name"}]}, MN, None, id="fields-key"),
    pytest.param({"fields": "mobile,name", "type": "Mobile"}, MN, "mobile", id="with-type"),
    pytest.param({"idgroup": 1000, "name": "Customers", "grouptype": "email",
                  "columns": ["email"]}, ("email",), "email", id="group-object"),
    pytest.param({"data": {"columns": list(MN), "type": "mobile"}}, MN, "mobile",
                 id="two-wrappers"),
    pytest.param({"0": "mobile", "1": "name"}, MN, None, id="index-keyed"),
    pytest.param({"0": {"name": "mobile"}, "1": {"name": "name"}}, MN, None,
                 id="index-keyed-objects"),
    pytest.param({"mobile": "text", "name": "text"}, MN, None, id="name-to-type"),
    pytest.param({"mobile": {"type": "phone"}, "name": None}, MN, None, id="name-to-object"),
    pytest.param({"mobile": "text", "grouptype": "mobile"}, ("mobile",), "mobile",
                 id="name-to-type-with-grouptype"),
    pytest.param({"columns": None, "type": "email"}, (), "email", id="null-columns"),
    pytest.param({}, (), None, id="empty-object"),
    pytest.param(None, (), None, id="null"),
    pytest.param("", (), None, id="empty-string"),
    pytest.param([], (), None, id="empty-list"),
]  # fmt: skip

BAD_GROUP_COLUMNS = [
    pytest.param(5, "(number)", id="number"),
    pytest.param(True, "(boolean)", id="boolean"),
    pytest.param([5], "item 0: not a column name (number)", id="number-item"),
    pytest.param([None], "item 0: not a column name (null)", id="null-item"),
    pytest.param([["mobile"]], "item 0: not a column name (array", id="nested-list"),
    pytest.param([{"type": "text", "size": PHONE}], "item 0: a column without a name",
                 id="object-without-name"),
    pytest.param({"columns": 5}, "(object with keys: columns)", id="columns-number"),
    pytest.param({"0": 5}, "entry 0: not a column name (number)", id="index-keyed-number"),
]  # fmt: skip


@pytest.mark.parametrize(("result", "columns", "group_type"), GROUP_COLUMNS)
def test_group_column_shapes(result: Any, columns: tuple[str, ...], group_type: str | None):
    read_columns = read("group_columns", result)
    assert read_columns == GroupColumns(columns, group_type)
    assert read_columns.request_id == REQUEST_ID
    assert tuple(read_columns) == columns
    assert len(read_columns) == len(columns)
    assert all(name in read_columns for name in columns)


@pytest.mark.parametrize(("result", "detail"), BAD_GROUP_COLUMNS)
def test_group_column_misfits(result: Any, detail: str) -> None:
    error = misfit("group_columns", result, "group.getgroupcolumns")
    assert "fits no reading of a group's columns" in str(error)
    assert detail in str(error)


# --- group.creategroup -----------------------------------------------------------------------

CREATED_GROUPS = [
    pytest.param({"idgroup": 12}, 12, id="idgroup"),
    pytest.param({"id": "12"}, 12, id="id-text"),
    pytest.param({"groupid": 12.0}, 12, id="groupid-float"),
    pytest.param({"data": {"idgroup": "12"}}, 12, id="nested"),
    pytest.param({"group": {"id": 12, "name": "g"}}, 12, id="group-object"),
    pytest.param(12, 12, id="bare-number"),
    pytest.param(" 12 ", 12, id="bare-text"),
    pytest.param({"idgroup": "abc"}, None, id="unreadable-id"),
    pytest.param(["x"], None, id="list"),
    pytest.param(None, None, id="null"),
]


@pytest.mark.parametrize(("result", "idgroup"), CREATED_GROUPS)
def test_a_created_group_reads_its_id_when_it_can_and_never_fails(result, idgroup) -> None:
    created = read("created_group", result)
    assert created == CreatedGroup(idgroup)
    assert created.raw is result
    assert created.request_id == REQUEST_ID


# --- sends (sms.sendsms, email.sendemailtogroup, ...) ----------------------------------------

SENDS = [
    pytest.param({"messageid": "1001", "credits": "1"}, "1001", D(1), ("1001",),
                 id="vendor-readme-strings"),
    pytest.param({"messageid": 1001, "credits": 1.5}, "1001", D("1.5"), ("1001",),
                 id="numbers"),
    pytest.param({"messageid": "1001", "credits": "0,055"}, "1001", D("0.055"), ("1001",),
                 id="decimal-comma-credits"),
    pytest.param({"messageid": "1001", "credits": "2 credits"}, "1001", D(2), ("1001",),
                 id="credits-with-unit"),
    pytest.param({"idmessage": 1001, "credits_spent": "1.5"}, "1001", D("1.5"), ("1001",),
                 id="idmessage-credits-spent"),
    pytest.param({"id": "1001", "cost": 1}, "1001", D(1), ("1001",), id="id-cost"),
    pytest.param({"message_id": 1001.0}, "1001", None, ("1001",), id="message-id-float"),
    pytest.param({"messageids": ["1001", 1002], "credits": 2}, None, D(2), ("1001", "1002"),
                 id="messageids-list"),
    pytest.param({"messageids": "1001,1002"}, None, None, ("1001", "1002"),
                 id="messageids-text"),
    pytest.param({"messageid": "1004,1005, 1006", "credits": 3}, None, D(3),
                 ("1004", "1005", "1006"), id="messageid-of-a-group-send"),
    pytest.param({"messageid": "A1,B2", "credits": 1}, "A1,B2", D(1), ("A1,B2",),
                 id="messageid-with-a-comma-not-ids"),
    pytest.param("1001", "1001", None, ("1001",), id="bare-id-text"),
    pytest.param(1001, "1001", None, ("1001",), id="bare-id-number"),
    pytest.param("1001,1002", None, None, ("1001", "1002"), id="bare-ids-comma"),
    pytest.param(["1001", 1002], None, None, ("1001", "1002"), id="list-of-ids"),
    pytest.param([{"messageid": 1, "credits": 1}, {"messageid": 2, "credits": "0.5"}],
                 None, D("1.5"), ("1", "2"), id="list-of-objects-credits-summed"),
    pytest.param({"messages": [{"messageid": 1}, {"messageid": 2}], "credits": 3},
                 None, D(3), ("1", "2"), id="messages-key"),
    pytest.param({"list": [{"messageid": 1, "credits": 1}]}, "1", D(1), ("1",), id="list-key"),
    pytest.param({"1001": {"credits": 1}, "1002": {"credits": 2}}, None, D(3),
                 ("1001", "1002"), id="id-keyed"),
    pytest.param({"messageid": "1001", "credits": "lots"}, "1001", None, ("1001",),
                 id="unreadable-credits"),
    pytest.param({"messageid": {"nested": 1}, "credits": 1}, None, D(1), (),
                 id="unreadable-id"),
    pytest.param({"status": "queued"}, None, None, (), id="nothing-known"),
    pytest.param(None, None, None, (), id="null"),
    pytest.param(True, None, None, (), id="true"),
    pytest.param({}, None, None, (), id="empty-object"),
    pytest.param([], None, None, (), id="empty-list"),
]  # fmt: skip


@pytest.mark.parametrize(("result", "messageid", "credits", "messageids"), SENDS)
def test_send_shapes(result: Any, messageid: str | None, credits: D | None, messageids) -> None:
    sent = read("send_result", result, "sms.sendsms")
    assert sent == SendResult(messageid, credits, messageids)
    assert sent.raw is result
    assert sent.request_id == REQUEST_ID


# --- delivery statuses -----------------------------------------------------------------------

DELIVERED = DeliveryStatus("1001", "DELIVERED")
PENDING = DeliveryStatus("1002", "PENDING")

DELIVERY_STATUSES = [
    pytest.param([{"messageid": "1001", "status": "DELIVERED"},
                  {"messageid": 1002, "status": "PENDING"}], [DELIVERED, PENDING],
                 id="list-of-objects"),
    pytest.param([{"idmessage": 1001, "state": 2}], [DeliveryStatus("1001", "2")],
                 id="aliases-numbers"),
    pytest.param({"1001": "DELIVERED", "1002": "PENDING"}, [DELIVERED, PENDING],
                 id="id-to-status"),
    pytest.param({"1001": {"status": "DELIVERED"}, "1002": "PENDING"}, [DELIVERED, PENDING],
                 id="id-keyed-mixed"),
    pytest.param({"messageid": "1001", "status": "DELIVERED"}, [DELIVERED], id="single-object"),
    pytest.param({"list": [{"messageid": "1001", "status": "DELIVERED"}]}, [DELIVERED],
                 id="list-key"),
    pytest.param({"deliverystatus": {"1001": "DELIVERED"}}, [DELIVERED],
                 id="deliverystatus-key"),
    pytest.param(["DELIVERED"], [DeliveryStatus(None, "DELIVERED")], id="bare-statuses"),
    pytest.param({"1001": None}, [DeliveryStatus("1001", None)], id="null-status"),
    pytest.param(None, [], id="null"),
    pytest.param([], [], id="empty-list"),
    pytest.param({}, [], id="empty-object"),
]  # fmt: skip

BAD_DELIVERY_STATUSES = [
    pytest.param([None], "item 0: not a delivery status (null)", id="null-item"),
    pytest.param([True], "item 0: not a delivery status (boolean)", id="bool-item"),
    pytest.param([[PHONE]], "item 0: not a delivery status (array", id="list-item"),
    pytest.param({PHONE: [[1]]}, "(object with 1 key; item 0: not a delivery status (array",
                 id="phone-keyed-list"),
    pytest.param([{"messageid": 1, "status": {"code": 1}}], "status is not text (object",
                 id="status-object"),
    pytest.param(PHONE, "(string)", id="text"),
]  # fmt: skip


@pytest.mark.parametrize(("result", "statuses"), DELIVERY_STATUSES)
def test_delivery_status_shapes(result: Any, statuses: list[DeliveryStatus]) -> None:
    read_statuses = read("delivery_statuses", result)
    assert read_statuses == statuses
    assert all(status.request_id == REQUEST_ID for status in read_statuses)


@pytest.mark.parametrize(("result", "detail"), BAD_DELIVERY_STATUSES)
def test_delivery_status_misfits(result: Any, detail: str) -> None:
    error = misfit("delivery_statuses", result, "sms.getdeliverystatus")
    assert "fits no reading of a list of delivery statuses" in str(error)
    assert detail in str(error)


# --- raw -------------------------------------------------------------------------------------


@pytest.mark.parametrize("result", [None, 5, "x", [1], {"a": {"b": None}}])
def test_raw_returns_the_result_as_decoded(result: Any) -> None:
    assert read("raw", result) is result


# --- messages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "description"),
    [
        (None, "null"),
        (True, "boolean"),
        (1.5, "number"),
        ("", "empty string"),
        (PHONE, "string"),
        ([], "empty array"),
        ([1], "array of 1 item"),
        ([1, 2], "array of 2 items"),
        ({}, "empty object"),
        ({"a": 1, "b_c": 2}, "object with keys: a, b_c"),
        ({str(i): i for i in range(3)}, "object with 3 keys"),
        ({PHONE: 1, "ann@example.com": 2, "list": 3}, "object with keys: list and 2 more"),
        ({f"k{i}": i for i in range(10)}, "object with keys: k0, k1, k2, k3, k4, k5, k6, k7 "
                                          "and 2 more"),
    ],
)  # fmt: skip
def test_describe_names_types_and_field_like_keys_only(value: Any, description: str) -> None:
    assert describe(value) == description


def test_every_reader_names_what_it_reads_and_the_type_the_endpoints_declare() -> None:
    for name, reader in READERS.items():
        if name == "raw":
            assert (reader.annotation, reader.models) == ("Any", ())
            continue
        assert reader.what.startswith(("a ", "an "))
        (model,) = reader.models
        assert reader.annotation in (model, f"list[{model}]")


# --- through the public API ------------------------------------------------------------------

PUBLIC = [
    pytest.param(lambda c: c.user.get_balance(), "42", Balance(D(42)), id="get_balance"),
    pytest.param(lambda c: c.user.get_addresses(), {"list": [ANN]}, [ANN_READ],
                 id="get_addresses"),
    pytest.param(lambda c: c.user.get_channels(), {"sms": "1"}, [Channel("sms", True)],
                 id="get_channels"),
    pytest.param(lambda c: c.subaccount.get_subaccounts(), {"a@example.com": "3"},
                 [Subaccount("a@example.com", D(3), {})], id="get_subaccounts"),
    pytest.param(lambda c: c.group.create_group(name="g", type="mobile", fields=["mobile"]),
                 {"idgroup": "12"}, CreatedGroup(12), id="create_group"),
    pytest.param(lambda c: c.group.get_group_columns(idgroup=12), "mobile,name",
                 GroupColumns(MN), id="get_group_columns"),
    pytest.param(lambda c: c.group.get_contacts(idgroup=12), {"1001": without_id(A)}, [A_READ],
                 id="get_contacts"),
    pytest.param(lambda c: c.group.get_contact(idgroup=12, idcontact=1001), [A], A_READ,
                 id="get_contact"),
    pytest.param(lambda c: c.sms.send_sms(from_="Shop", to="34600000000", sms="Hi"),
                 {"messageid": 1001, "credits": "1"}, SendResult("1001", D(1), ("1001",)),
                 id="send_sms"),
    pytest.param(lambda c: c.email.get_delivery_status(messages=["1001"]),
                 {"1001": "DELIVERED"}, [DELIVERED], id="get_delivery_status"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "result", "expected"), PUBLIC)
async def test_the_endpoints_return_the_read_models(make_client, api, call, result, expected):
    seen: list[str] = []
    client = make_client("form", on_request=lambda event: seen.append(event.request_id))
    api["api"].return_value = success(result)
    answer = await call(client)
    assert answer == expected
    models = answer if isinstance(answer, list) else [answer]
    assert [m.request_id for m in models] == seen * len(models)


async def test_a_misfit_through_the_api_carries_the_request_id(make_client, api) -> None:
    seen: list[str] = []
    client = make_client("form", on_request=lambda event: seen.append(event.request_id))
    api["api"].return_value = success([{"idcontact": 1, "mobile": PHONE}, PHONE])
    with pytest.raises(MalformedResponseError) as caught:
        await client.group.get_contacts(idgroup=12)
    assert str(caught.value) == (
        "group.getcontacts answered a result that fits no reading of a contact list "
        "(array of 2 items; item 1: not an object (string))"
    )
    assert caught.value.request_id == seen[0]
