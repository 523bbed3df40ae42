"""Item 1, property-based: the wire encoder, the envelope decoder and the bulk importer's input.

- Encoder: for every parameter kind of the spec, arbitrary values (commas, colons, '&', '=',
  '%', '+', newlines, NULs, emoji, very long text, lone surrogates, huge numbers) go through
  the typed coroutine, under every access style, to the in-process emulator. Each example ends
  in exactly one of: a ValidationError with nothing sent; the emulator storing exactly what was
  given (read back from its state or the API); or the error code the emulator's documented
  rules predict for that value (a country it does not know, a short password...).
- Decoder: any bytes, any JSON shape and any HTTP answer give a result or an AfilnetError.
- Importer: rows with missing, extra and odd fields: every row imported or failed, the counts
  add up, and the stored rows are exactly the imported ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import operator
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from afilnet_async import (
    ERROR_CODES,
    AfilnetAPIError,
    AfilnetClient,
    AfilnetError,
    MalformedResponseError,
    RequestTooLargeError,
    ValidationError,
)
from afilnet_async.emulator import Emulator, Group
from afilnet_async.emulator.countries import country_by_alpha2, country_by_alpha3
from afilnet_async.emulator.values import is_email
from afilnet_async.envelope import decode_envelope, try_decode_error
from afilnet_async.errors import api_error_for
from afilnet_async.phones import PhoneNumberError, normalize_email, normalize_mobile
from afilnet_async.spec import KINDS

from .helpers import STRATEGIES, examples, make_auth, record

ITEM = "1 properties"

# --- values --------------------------------------------------------------------------------

SPECIAL = list(",:&=%+#?;/\\\"'<>[]{}|~ \n\r\t\x00\x0b\x1c\u00a0\u2028\u3000\ufeffé€😀👍🏽")
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
_CHARS = st.one_of(st.characters(), st.sampled_from(SPECIAL))
CLEAN = st.text(_CHARS, max_size=24)
LONG = st.builds(operator.mul, st.text(_CHARS, min_size=1, max_size=6), st.integers(150, 1200))
WITH_SURROGATE = st.builds(lambda a, s, b: a + s + b, CLEAN, st.sampled_from(SURROGATES), CLEAN)
#: Mostly short text full of separators, sometimes very long, sometimes not UTF-8 encodable.
WILD = st.one_of(CLEAN, CLEAN, CLEAN, LONG, WITH_SURROGATE)
#: Text every ``text`` parameter accepts: not blank, encodable, separators and emoji welcome.
NICE = st.one_of(
    st.text(_CHARS, min_size=1, max_size=24).filter(str.strip),
    LONG.filter(str.strip),
)
NUMBERS = st.one_of(
    st.integers(),
    st.floats(),
    st.decimals(),
    st.sampled_from([10**5000, -(10**5000), Decimal("1e999999999"), Decimal("sNaN")]),
)


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def texts_of(value: Any) -> Iterator[str]:
    """Every str inside a value (keys and values of dicts, items of lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from texts_of(key)
            yield from texts_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_of(item)


def unencodable(*values: Any) -> bool:
    return any(has_surrogate(text) for value in values for text in texts_of(value))


def is_text(value: Any) -> bool:
    """What the ``text`` kind accepts (before the UTF-8 check)."""
    return isinstance(value, str) and bool(value.strip())


def is_field_name(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and value == value.strip()
        and "," not in value
        and ":" not in value
    )


def as_number_text(value: Any) -> str | None:
    """The text a contact value is sent as, or None when the encoder must refuse it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, int) and abs(value) >= 10**4000:
        return None  # over Python's int_max_str_digits
    return str(value)


# --- the harness ---------------------------------------------------------------------------


class Harness:
    """One event loop, one emulator and one client per access style for a whole module."""

    def __init__(self) -> None:
        self.runner = asyncio.Runner()
        self.emu = Emulator.demo()
        self.demo = self.emu.state.find("demo")
        assert self.demo is not None
        self.clients = {
            strategy: self.emu.client(make_auth(strategy, "demo", "demo"), max_retries=0)
            for strategy in STRATEGIES
        }

    def run(self, coroutine: Awaitable[Any]) -> Any:
        async def wrapped() -> Any:
            return await coroutine

        return self.runner.run(wrapped())

    def close(self) -> None:
        for client in self.clients.values():
            self.run(client.aclose())
        self.runner.close()

    def group(self, fields: list[str], group_type: str = "mobile") -> Group:
        """A fresh group of the demo account, made directly in the state."""
        state = self.emu.state
        group = Group(state.next_id(), self.demo, "prop", group_type, list(fields))
        state.groups[group.id] = group
        return group

    def attempt(
        self, strategy: str, call: Callable[[AfilnetClient], Awaitable[Any]]
    ) -> tuple[str, Any]:
        """('ok', result), ('validation', error) with nothing sent, or ('api', error)."""
        sent_before = self.emu.counters.requests
        try:
            return "ok", self.run(call(self.clients[strategy]))
        except ValidationError as error:
            assert self.emu.counters.requests == sent_before, "a refused call sent something"
            return "validation", error
        except AfilnetAPIError as error:
            return "api", error


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    made = Harness()
    yield made
    made.close()


def judge(
    outcome: tuple[str, Any],
    strategy: str,
    *,
    invalid: bool,
    code: str | None = None,
) -> str:
    """Hold an outcome to the prediction; returns the outcome's kind for the figures.

    ``invalid``: the encoder must refuse. Otherwise the emulator must answer ``code`` (None:
    success). Under QueryAuth a value may also be refused for the GET size limit.
    """
    kind, value = outcome
    if kind == "validation":
        if invalid:
            return "validation error"
        assert strategy == "query" and isinstance(value, RequestTooLargeError), (
            f"refused a valid value: {value}"
        )
        return "too large for GET"
    assert not invalid, f"an invalid value was not refused before sending ({kind}: {value!r})"
    if kind == "api":
        assert value.code == code, f"expected {code}, the emulator answered {value.code}"
        return "predicted error code"
    assert code is None, f"expected {code}, the call succeeded"
    return "stored exactly"


def tally(name: str, outcomes: Counter[str], *, stored_at_least: int) -> None:
    record(ITEM, **{f"{name}: examples": sum(outcomes.values()), f"{name}: outcomes": outcomes})
    assert outcomes["stored exactly"] >= stored_at_least, outcomes


STRATEGY = st.sampled_from(STRATEGIES)


def mostly(
    good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], odds: int = 5
) -> st.SearchStrategy[Any]:
    """A value from ``odd`` once in ``odds`` draws, else one from ``good``."""
    return st.integers(1, odds).flatmap(lambda draw: odd if draw == 1 else good)


def one_odd(
    names: tuple[str, ...], good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Values for ``names`` from ``good``, sometimes with one of them from ``odd``."""
    return st.builds(
        lambda values, swap: values | dict([swap]) if swap else values,
        st.fixed_dictionaries(dict.fromkeys(names, good)),
        mostly(st.none(), st.tuples(st.sampled_from(names), odd), odds=3),
    )


# --- encoder: text, flag, country2, id (user.addaddress) -----------------------------------

ADDRESS_TEXTS = ("namelastname", "documentid", "cityname", "zipcode", "address")


def test_text_flag_and_country2_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    country = mostly(
        st.sampled_from(["us", "ES", "Fr", "dE", "gb", "pt"]),
        st.one_of(
            st.sampled_from(["xx", "zz", "é", "e1", "usa", "", "u", "éé"]),
            st.text(st.characters(max_codepoint=0x24F), min_size=2, max_size=2),
        ),
    )
    flag = mostly(st.booleans(), st.one_of(st.integers(-2, 3), st.sampled_from([1.0, "1"])))

    @examples(250)
    @given(
        strategy=STRATEGY,
        values=one_odd(ADDRESS_TEXTS, NICE, WILD),
        companyname=st.one_of(st.none(), mostly(NICE, WILD)),
        countrycode=country,
        iscompany=flag,
        cityid=mostly(st.integers(1, 3), st.sampled_from([-1, 0, 12, 2**63, True])),
    )
    @example(
        strategy="form",
        values=dict.fromkeys(ADDRESS_TEXTS, "a,b:c&d=e%f+g\nh😀"),
        companyname=None,
        countrycode="us",
        iscompany=True,
        cityid=1,
    )
    def check(
        strategy: str,
        values: dict[str, str],
        companyname: str | None,
        countrycode: str,
        iscompany: Any,
        cityid: Any,
    ) -> None:
        texts = [*values.values(), *([companyname] if companyname is not None else [])]
        invalid = (
            not all(is_text(text) for text in texts)
            or unencodable(*texts)
            or not (isinstance(iscompany, bool) or iscompany in (0, 1))
            or isinstance(iscompany, float | str)
            or iscompany is None
            or not (len(countrycode) == 2 and countrycode.isascii() and countrycode.isalpha())
            or isinstance(cityid, bool)
            or not 0 < cityid <= 2**63 - 1
        )
        known = country_by_alpha2(countrycode)
        code = None
        if known is None:
            code = "COUNTRY_NOT_FOUND"
        elif not known.has_city(cityid):
            code = "CITY_NOT_FOUND"
        before = set(harness.demo.addresses)
        outcome = harness.attempt(
            strategy,
            lambda c: c.user.add_address(
                **values, companyname=companyname, countrycode=countrycode,
                iscompany=iscompany, cityid=cityid,
            ),
        )  # fmt: skip
        verdict = judge(outcome, strategy, invalid=invalid, code=code)
        if verdict == "stored exactly":
            (new,) = set(harness.demo.addresses) - before
            stored = harness.demo.addresses.pop(new).profile
            assert {name: getattr(stored, name) for name in ADDRESS_TEXTS} == values
            assert stored.companyname == (companyname or "")
            assert stored.iscompany is bool(iscompany)
            assert stored.countrycode == countrycode.lower()
            assert stored.cityid == cityid
        outcomes[verdict] += 1

    check()
    tally("text/flag/country2/id (addaddress)", outcomes, stored_at_least=20)


# --- encoder: email, secret, text; the password as a credential (subaccount) ----------------

EMAILS = st.one_of(
    st.builds("{}@{}.{}".format, CLEAN, CLEAN, CLEAN),
    st.builds(
        "{}@{}.com".format,
        st.text(st.characters(exclude_characters="@,:;"), min_size=1, max_size=12).filter(
            lambda local: not any(char.isspace() for char in local)
        ),
        st.sampled_from(["example", "ex-ample", "xn--nxa"]),
    ),
    st.builds(
        "{}@example.{}".format,
        st.text(st.characters(), min_size=1, max_size=12),
        st.sampled_from(["com", "es", "c", "c0m", "COM"]),
    ),
    st.sampled_from(["x@example.com\n", "a;b@example.com", " x@example.com", "x@@y.com"]),
    WILD,
)
SUB_DETAILS = {
    "namelastname": "Ann", "iscompany": False, "documentid": "d", "language": "en",
    "countrycode": "us", "cityid": 1, "cityname": "NYC", "zipcode": "1", "address": "a",
}  # fmt: skip


def test_email_and_secret_round_trip_and_log_in(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    email_shape = re.compile(r"[^@\s,:]+@[^@\s,:]+\.[^@\s,:.]+")

    @examples(200)
    @given(
        strategy=STRATEGY, given=EMAILS, password=mostly(NICE, WILD), language=mostly(NICE, WILD)
    )
    @example(strategy="basic", given="a+b%c&d=e@example.com", password="p:w&=%+ \n😀", language="x")
    @example(strategy="form", given=" Ann@Example.COM\n", password="secret-1", language="es")
    def check(strategy: str, given: str, password: str, language: str) -> None:
        email = normalize_email(given) if isinstance(given, str) else given  # as it is sent
        invalid = (
            not email_shape.fullmatch(email)
            or not password
            or not is_text(language)
            or unencodable(email, password, language)
        )
        code = None
        if not password.strip():
            code = "EMPTY_FIELDS"
        elif not is_email(email.strip()):
            code = "INCORRECT_EMAIL"
        elif len(password) < 6:
            code = "INCORRECT_PASSWORD"
        details = {**SUB_DETAILS, "language": language}
        outcome = harness.attempt(
            strategy,
            lambda c: c.subaccount.add_subaccount(
                accountemail=given, accountpassword=password, **details
            ),
        )
        verdict = judge(outcome, strategy, invalid=invalid, code=code)
        if verdict == "stored exactly":
            child = harness.emu.state.find(email)
            assert child is not None and child.parent is harness.demo
            try:
                assert (child.user, child.password, child.language) == (email, password, language)

                async def log_in() -> Any:
                    auth = make_auth(strategy, email, password)
                    async with harness.emu.client(auth, max_retries=0) as client:
                        return await client.user.get_balance()

                # the sub-account's password, now a credential, goes over the same style
                assert harness.run(log_in()).balance == 0
            finally:
                harness.emu.state.remove_account(child)
        outcomes[verdict] += 1

    check()
    tally("email/secret (addsubaccount, then logging in with it)", outcomes, stored_at_least=10)


# --- encoder: group_type, fields, text (creategroup); field (addcolumntogroup) ----------------

GOOD_FIELD_NAMES = st.one_of(
    st.sampled_from(["name", "city", "Nombre", "e-mail", "名前", "a b", "x&y=z%+", "😀"]),
    st.text(st.characters(exclude_characters=",:"), min_size=1, max_size=12).filter(
        lambda name: name == name.strip() and bool(name)
    ),
)
FIELD_NAMES = st.one_of(GOOD_FIELD_NAMES, CLEAN, WITH_SURROGATE)


def test_group_type_fields_and_name_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()

    @examples(200)
    @given(
        strategy=STRATEGY,
        name=mostly(NICE, WILD),
        group_type=mostly(st.sampled_from(["mobile", "email"]), WILD),
        extra=st.lists(mostly(GOOD_FIELD_NAMES, FIELD_NAMES), max_size=5),
        main_position=st.integers(0, 5),
        as_text=st.booleans(),
    )
    def check(
        strategy: str,
        name: str,
        group_type: str,
        extra: list[str],
        main_position: int,
        as_text: bool,
    ) -> None:
        names = list(extra)
        if group_type in ("mobile", "email"):
            names.insert(min(main_position, len(names)), group_type)
        fields: Any = ",".join(names) if as_text else names
        sent = fields.split(",") if as_text else names
        invalid = (
            not is_text(name)
            or group_type not in ("mobile", "email")
            or not sent
            or not all(is_field_name(field) for field in sent)
            or group_type not in sent
            or unencodable(name, sent)
        )
        outcome = harness.attempt(
            strategy, lambda c: c.group.create_group(name=name, type=group_type, fields=fields)
        )
        verdict = judge(outcome, strategy, invalid=invalid)
        if verdict == "stored exactly":
            group = harness.emu.state.groups.pop(outcome[1].idgroup)
            assert (group.name, group.type) == (name, group_type)
            assert group.fields == list(dict.fromkeys(sent))  # repeated names are dropped
        outcomes[verdict] += 1

    check()
    tally("group_type/fields/text (creategroup)", outcomes, stored_at_least=15)


def test_field_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    group = harness.group(["mobile"])

    @examples(150)
    @given(strategy=STRATEGY, field=FIELD_NAMES)
    def check(strategy: str, field: str) -> None:
        invalid = not is_field_name(field) or unencodable(field)
        outcome = harness.attempt(
            strategy, lambda c: c.group.add_column_to_group(idgroup=group.id, field=field)
        )
        verdict = judge(outcome, strategy, invalid=invalid)
        if verdict == "stored exactly":
            assert field in group.fields
            if field != "mobile":
                group.drop_column(field)
        outcomes[verdict] += 1

    check()
    tally("field (addcolumntogroup)", outcomes, stored_at_least=15)


# --- encoder: country3, id (assigncountrytogroup, getcontact) ------------------------------


def test_country3_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    group = harness.group(["mobile"])
    codes = mostly(
        st.sampled_from(["esp", "USA", "Fra", "deu", "gbr", "xxx", "abc"]),
        st.one_of(
            st.sampled_from(["es", "espa", "ñes", "e1p", ""]),
            st.text(st.characters(max_codepoint=0x24F), min_size=3, max_size=3),
            WILD,
        ),
    )

    @examples(150)
    @given(strategy=STRATEGY, code=codes)
    def check(strategy: str, code: str) -> None:
        invalid = not (len(code) == 3 and code.isascii() and code.isalpha())
        known = country_by_alpha3(code) if not invalid else None
        outcome = harness.attempt(
            strategy, lambda c: c.group.assign_country_to_group(idgroup=group.id, countryiso3=code)
        )
        verdict = judge(
            outcome, strategy, invalid=invalid, code=None if known else "COUNTRY_NOT_FOUND"
        )
        if verdict == "stored exactly":
            assert group.country == code.lower()
        outcomes[verdict] += 1

    check()
    tally("country3 (assigncountrytogroup)", outcomes, stored_at_least=10)


def test_id_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    group = harness.group(["mobile", "name"])
    other = harness.group(["mobile"])
    ids = []
    for number in range(3):
        contact_id = harness.emu.state.next_id()
        group.store(contact_id, {"mobile": f"3460000000{number}", "name": f"n{number}"})
        ids.append(contact_id)
    some_id = mostly(
        st.sampled_from([*ids, group.id, other.id]),
        st.one_of(
            st.integers(),
            st.sampled_from([2**63 - 1, 2**63, 10**18, 10**5000, True, 1.0, "1000", None]),
        ),
    )

    @examples(200)
    @given(strategy=STRATEGY, idgroup=some_id, idcontact=some_id)
    def check(strategy: str, idgroup: Any, idcontact: Any) -> None:
        def bad(value: Any) -> bool:
            return (
                isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 2**63 - 1
            )

        invalid = bad(idgroup) or bad(idcontact)
        target = harness.emu.state.groups.get(idgroup) if not invalid else None
        code = None
        if target is None or target.owner is not harness.demo:
            code = "NOT_ACCESS_TO_GROUP"
        elif idcontact not in target.contacts:
            code = "NOT_ACCESS_TO_CONTACT"
        outcome = harness.attempt(
            strategy, lambda c: c.group.get_contact(idgroup=idgroup, idcontact=idcontact)
        )
        verdict = judge(outcome, strategy, invalid=invalid, code=code)
        if verdict == "stored exactly":
            assert target is not None
            expected = target.contact_result(idcontact)
            assert outcome[1].idcontact == idcontact == expected.pop("idcontact")
            assert outcome[1].fields == expected
        outcomes[verdict] += 1

    check()
    tally("id (getcontact)", outcomes, stored_at_least=10)


# --- encoder: contact (addcontact) and contacts (addcontactlist) ---------------------------

KEYS = mostly(
    GOOD_FIELD_NAMES,
    st.one_of(CLEAN, st.sampled_from([" name", "name ", "", " ", 5, None]), WITH_SURROGATE),
)
VALUES = mostly(
    st.one_of(NICE, st.text(_CHARS, max_size=10), st.integers(-(10**20), 10**20), st.floats()),
    st.one_of(WILD, NUMBERS, st.sampled_from([None, True, ["x"], {"a": "b"}])),
)
MAINS = mostly(st.builds("346{:08d}".format, st.integers(0, 10**8 - 1)), st.one_of(WILD, NUMBERS))


def contact_invalid(contact: Any, *, commas_allowed: bool) -> bool:
    if not isinstance(contact, Mapping) or not contact:
        return True
    for key, value in contact.items():
        text = as_number_text(value)
        if text is None or not isinstance(key, str) or not key or key != key.strip():
            return True
        if not commas_allowed and re.search(r"[,:]", key + text):
            return True
    return unencodable(contact)


def normalized_mobile(value: Any) -> str | None:
    """The mobile ``add_contact`` sends (digits with the country code), or None when the
    client must refuse it (the normalisation rules are tested in tests/test_phones.py)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        return normalize_mobile(value)
    except PhoneNumberError:
        return None


def sent_text(contact: Mapping[str, Any]) -> dict[str, str]:
    texts = {key: as_number_text(value) for key, value in contact.items()}
    return {key: text for key, text in texts.items() if text is not None}


def test_contact_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()

    @examples(250)
    @given(
        strategy=STRATEGY,
        main=MAINS,
        others=st.dictionaries(KEYS, VALUES, max_size=3),
    )
    @example(strategy="query", main="34600000000", others={"name": "a b&c=d%e+f\n😀"})
    def check(strategy: str, main: Any, others: dict[Any, Any]) -> None:
        contact = {"mobile": main, **{k: v for k, v in others.items() if k != "mobile"}}
        mobile = normalized_mobile(main)
        invalid = contact_invalid(contact, commas_allowed=False) or mobile is None
        columns = ["mobile", *(k for k in contact if isinstance(k, str) and k != "mobile")]
        group = harness.group(columns)
        code = None  # a blank or malformed mobile never leaves the client
        try:
            outcome = harness.attempt(
                strategy, lambda c: c.group.add_contact(idgroup=group.id, contact=contact)
            )
            verdict = judge(outcome, strategy, invalid=invalid, code=code)
            if verdict == "stored exactly":
                stored = group.contacts[outcome[1]["idcontact"]]
                assert stored == sent_text({**contact, "mobile": mobile})
        finally:
            del harness.emu.state.groups[group.id]
        outcomes[verdict] += 1

    check()
    tally("contact (addcontact)", outcomes, stored_at_least=15)


def test_contacts_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    row = st.builds(
        lambda main, others: {"mobile": main, **{k: v for k, v in others.items() if k != "mobile"}},
        MAINS,
        st.dictionaries(KEYS, VALUES, max_size=3),
    )
    rows = st.one_of(
        st.lists(row, max_size=6),
        st.lists(st.dictionaries(KEYS, VALUES, max_size=3), max_size=3),
        st.sampled_from([[], "mobile:1", {"mobile": "1"}, [["mobile", "1"]], [None]]),
    )

    @examples(250)
    @given(strategy=STRATEGY, contacts=rows)
    def check(strategy: str, contacts: Any) -> None:
        invalid = (
            not isinstance(contacts, list)
            or not contacts
            or not all(
                isinstance(one, Mapping) and not contact_invalid(one, commas_allowed=True)
                for one in contacts
            )
        )
        columns = {"mobile"}
        for one in contacts if isinstance(contacts, list) else ():
            if isinstance(one, Mapping):
                columns |= {key for key in one if isinstance(key, str)}
        group = harness.group(sorted(columns))
        try:
            outcome = harness.attempt(
                strategy, lambda c: c.group.add_contact_list(idgroup=group.id, contacts=contacts)
            )
            verdict = judge(outcome, strategy, invalid=invalid)
            if verdict == "stored exactly":
                sent = [sent_text(one) for one in contacts]
                kept = [one for one in sent if one.get("mobile", "").strip()]
                assert list(group.contacts.values()) == kept
                assert outcome[1] == {"added": len(kept), "invalid": len(sent) - len(kept)}
        finally:
            del harness.emu.state.groups[group.id]
        outcomes[verdict] += 1

    check()
    tally("contacts (addcontactlist)", outcomes, stored_at_least=15)


# --- encoder: amount (transferbalance) -----------------------------------------------------


def test_amount_round_trip(harness: Harness) -> None:
    outcomes: Counter[str] = Counter()
    sub = harness.emu.state.add_account("amounts@example.com", "secret", parent=harness.demo)
    amounts = st.one_of(
        NUMBERS,
        st.floats(-2000, 2000),
        st.decimals(-2000, 2000, places=8),
        st.sampled_from(
            [
                Decimal("0E-999999999"),
                Decimal("-0"),
                Decimal("1e-19"),
                Decimal("9.99e17"),
                10**18,
                -(10**18) + 1,
                True,
                "10",
                None,
                float("nan"),
            ]
        ),
    )

    @examples(250)
    @given(strategy=STRATEGY, amount=amounts)
    def check(strategy: str, amount: Any) -> None:
        harness.demo.balance = sub.balance = 1000.0
        number = amount if isinstance(amount, int | float | Decimal) else None
        invalid = number is None or isinstance(amount, bool)
        if not invalid:
            if isinstance(number, Decimal):
                invalid = not number.is_finite() or bool(
                    number and not -18 <= number.adjusted() < 18
                )
            elif isinstance(number, float):
                invalid = not (number == number and abs(number) != float("inf")) or bool(
                    number and not -18 <= Decimal(str(number)).adjusted() < 18
                )
            else:
                invalid = abs(number) >= 10**18
        value = float(number) if not invalid and number is not None else 0.0
        code = None
        if abs(value) < 1:
            code = "INCORRECT_MIN_BALANCE"
        elif abs(value) > 1000:
            code = "NOT_ENOUGH_BALANCE"
        outcome = harness.attempt(
            strategy,
            lambda c: c.subaccount.transfer_balance(
                accountemail=sub.user, balancetotransfer=amount
            ),
        )
        verdict = judge(outcome, strategy, invalid=invalid, code=code)
        if verdict == "stored exactly":  # the emulator parsed the very number given
            assert sub.balance == round(1000.0 + value, 6)
            assert harness.demo.balance == round(1000.0 - value, 6)
        outcomes[verdict] += 1

    check()
    tally("amount (transferbalance)", outcomes, stored_at_least=30)


#: What each kind of the messaging methods must send when it accepts a value.
MESSAGING_KINDS: dict[str, Callable[[str], bool]] = {
    "phone": lambda wire: wire.isdigit() and wire.isascii() and 6 <= len(wire) <= 15,
    "sender": lambda wire: bool(
        re.fullmatch(r"[A-Za-z0-9 ]{1,11}", wire) or re.fullmatch(r"\+?[0-9]{1,15}", wire)
    ),
    "template_params": lambda wire: all(part.count(":") == 1 for part in wire.split(",")),
    "datetime": lambda wire: bool(wire.strip()),
    "message_ids": lambda wire: all(part and part == part.strip() for part in wire.split(",")),
    "file_type": lambda wire: wire in ("image", "video", "document"),
    "https_url": lambda wire: wire.startswith("https://") and " " not in wire,
    "country_prefix": lambda wire: bool(re.fullmatch(r"[A-Za-z]{2}|[0-9]{1,4}", wire)),
}
ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(max_size=30),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4),
    st.dictionaries(st.text(max_size=6), st.one_of(st.text(max_size=8), st.integers()), max_size=3),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
    st.sampled_from(["34600000000", "+34 600-000-000", "Afilnet", "https://x.example/a.png",
                     "image", "es", "34", ["1001", 1002], {"name": "Ann"}]),
)  # fmt: skip


@pytest.mark.parametrize("kind", sorted(MESSAGING_KINDS))
def test_a_messaging_kind_sends_what_it_promises_or_refuses(kind: str) -> None:
    """Any Python value: a wire string of the kind's shape, or a ValidationError; never a stray
    exception. (Their trip through the emulator is in tests/emulator.)"""
    from afilnet_async.params import encode_value

    outcomes: Counter[str] = Counter()

    @examples(300)
    @given(value=ANYTHING)
    def check(value: Any) -> None:
        try:
            wire = encode_value(kind, kind, value)  # type: ignore[arg-type]
        except ValidationError:
            outcomes["refused"] += 1
            return
        assert isinstance(wire, str) and MESSAGING_KINDS[kind](wire), (value, wire)
        outcomes["encoded"] += 1

    check()
    record(ITEM, **{f"messaging kind {kind}": outcomes})
    assert outcomes["encoded"] >= 1


def test_every_kind_of_the_spec_has_a_property() -> None:
    covered = {"text", "flag", "country2", "id", "email", "secret", "group_type", "fields",
               "field", "country3", "contact", "contacts", "amount", *MESSAGING_KINDS}  # fmt: skip
    assert covered == set(KINDS)
    record(ITEM, **{"parameter kinds covered": f"{len(covered)}/{len(KINDS)}"})


# --- the envelope decoder ------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=6), kids, max_size=4)
    ),
    max_leaves=10,
)
STATUSES = st.one_of(
    st.sampled_from(["SUCCESS", "success", " Success\n", "ERROR", "error", "\tERROR ", "", "OK"]),
    st.text(max_size=8),
    JSON,
)
CODES = st.one_of(
    st.sampled_from([*ERROR_CODES, "", "  ", "NEW_CODE", " CONTACT_EXISTS "]),
    st.text(max_size=12),
    JSON,
)
ENVELOPES = st.builds(
    lambda extra, fixed: {**extra, **fixed},
    st.dictionaries(st.text(max_size=6), JSON, max_size=3),
    st.one_of(
        st.fixed_dictionaries({}, optional={"status": STATUSES, "error": CODES, "result": JSON}),
        st.fixed_dictionaries(
            {"status": st.sampled_from(["ERROR", "error", " Error\n"]), "error": CODES}
        ),
        st.fixed_dictionaries(
            {"status": st.sampled_from(["SUCCESS", "Success"])}, optional={"result": JSON}
        ),
    ),
)


def expected_outcome(data: Any) -> tuple[str, Any]:
    """What decode_envelope must do with a decoded JSON value."""
    if not isinstance(data, dict):
        return "malformed", None
    status = data.get("status")
    if not isinstance(status, str):
        return "malformed", None
    if status.strip().upper() == "SUCCESS":
        return "result", data.get("result")
    code = data.get("error")
    if status.strip().upper() == "ERROR" and isinstance(code, str) and code.strip():
        return "api", code.strip()
    return "malformed", None


def test_decoder_over_any_envelope_shape() -> None:
    outcomes: Counter[str] = Counter()

    @examples(400)
    @given(data=st.one_of(ENVELOPES, JSON), ascii_only=st.booleans())
    def check(data: Any, ascii_only: bool) -> None:
        body = json.dumps(data, ensure_ascii=ascii_only).encode("utf-8")
        kind, detail = expected_outcome(data)
        got: tuple[str, Any]
        try:
            got = ("result", decode_envelope(body))
        except AfilnetAPIError as error:
            got = ("api", (type(error), error.code))
        except MalformedResponseError:
            got = ("malformed", None)
        if kind == "api":
            assert got == ("api", (type(api_error_for(detail)), detail))
        else:
            assert got == (kind, detail)
        raised: str | None = None
        try:
            try_decode_error(body)
        except AfilnetAPIError as error:
            raised = error.code
        assert raised == (detail if kind == "api" else None)
        outcomes[kind] += 1

    check()
    record(ITEM, **{"decoder, JSON shapes: examples": sum(outcomes.values()),
                    "decoder, JSON shapes: outcomes": outcomes})  # fmt: skip
    assert min(outcomes[k] for k in ("result", "api", "malformed")) >= 10, outcomes


def _mutations(body: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.integers(0, max(len(body) - 1, 0)).map(lambda cut: body[:cut]),
        st.tuples(st.integers(0, max(len(body) - 1, 0)), st.integers(0, 255)).map(
            lambda flip: body[: flip[0]] + bytes([flip[1]]) + body[flip[0] + 1 :]
        ),
    )


BYTES = st.one_of(
    st.binary(max_size=300),
    ENVELOPES.map(lambda env: json.dumps(env).encode()).flatmap(_mutations),
    st.sampled_from(
        [
            b"[" * 200_000,
            b'{"status":"SUCCESS","result":' + b"9" * 5000 + b"}",
            b'\xef\xbb\xbf{"status":"SUCCESS"}',
            b'{"status":"SUCCESS","result":"\xff"}',
            b"<html><body>502 Bad Gateway</body></html>",
            b"\x00" * 64,
            b"   \n\t ",
            b"",
            b'{"status":"SUCCESS"}{"status":"ERROR"}',
            b'{"status": NaN}',
            b'"SUCCESS"',
        ]
    ),
)


def test_decoder_over_any_bytes() -> None:
    outcomes: Counter[str] = Counter()

    @examples(400)
    @given(body=BYTES)
    def check(body: bytes) -> None:
        try:
            decode_envelope(body)
            outcomes["result"] += 1
        except (AfilnetAPIError, MalformedResponseError) as error:
            outcomes[type(error).__name__] += 1
        with contextlib.suppress(AfilnetAPIError):
            assert try_decode_error(body) is None

    check()
    record(ITEM, **{"decoder, any bytes: examples": sum(outcomes.values()),
                    "decoder, any bytes: outcomes": outcomes})  # fmt: skip
    assert outcomes["MalformedResponseError"] >= 100


HEADERS = st.dictionaries(
    st.sampled_from(["retry-after", "content-encoding", "content-type", "www-authenticate"]),
    st.sampled_from(["0", "-1", "1e309", "nan", "inf", "Wed, 21 Oct 2015 07:28:00 GMT", "soon",
                     "gzip", "deflate", "identity", "application/json", "text/html", "x"]),
)  # fmt: skip
STATUS_CODES = mostly(
    st.just(200),
    st.sampled_from([201, 204, 301, 302, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504, 599]),
    odds=3,
)
ADDRESS_KEYS = ["id", "namelastname", "iscompany", "companyname", "documentid", "countrycode",
                "cityid", "cityname", "zipcode", "address", "verified"]  # fmt: skip
PLAUSIBLE_SCALARS = st.one_of(
    st.integers(-5, 5000), st.sampled_from(["1", "0", "true", "no", "12", "", "x", None, True])
)
RESULTS = st.one_of(
    JSON,
    st.lists(st.dictionaries(st.sampled_from(ADDRESS_KEYS), PLAUSIBLE_SCALARS), max_size=3),
    st.lists(
        st.dictionaries(
            st.sampled_from(["channelname", "channeltype", "active"]), PLAUSIBLE_SCALARS
        ),
        max_size=3,
    ),
    st.dictionaries(st.sampled_from(["idgroup", "id"]), PLAUSIBLE_SCALARS),
)
ANSWERS = st.tuples(
    STATUS_CODES,
    HEADERS,
    mostly(
        st.builds(lambda r: json.dumps({"status": "SUCCESS", "result": r}).encode(), RESULTS),
        BYTES,
        odds=2,
    ),
)
TOKEN_OK = (200, {}, b'{"access_token": "tok-1", "token_type": "bearer", "expires_in": 60}')
CALLS: dict[str, Callable[[AfilnetClient], Awaitable[Any]]] = {
    "getbalance": lambda c: c.user.get_balance(),
    "getaddresses": lambda c: c.user.get_addresses(),
    "getchannels": lambda c: c.user.get_channels(),
    "creategroup": lambda c: c.group.create_group(name="g", type="mobile", fields=["mobile"]),
}


def test_any_http_answer_is_a_result_or_an_afilnet_error(harness: Harness) -> None:
    """The whole answer path (status, headers, body, typed results; the token endpoint's
    answer too) against a mocked server: a result or an AfilnetError, nothing else."""
    outcomes: Counter[str] = Counter()
    answers: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def server(request: httpx.Request) -> httpx.Response:
        status, headers, body = answers["token" if request.url.path.endswith("token") else "api"]
        return httpx.Response(status, headers=headers, content=body)

    @examples(300)
    @given(
        answer=ANSWERS,
        call=st.sampled_from(sorted(CALLS)),
        target=st.sampled_from(["form", "query", "oauth2: api", "oauth2: token endpoint"]),
    )
    def check(answer: tuple[int, dict[str, str], bytes], call: str, target: str) -> None:
        on_token_endpoint = target == "oauth2: token endpoint"
        answers["api"] = TOKEN_OK if on_token_endpoint else answer
        answers["token"] = answer if on_token_endpoint else TOKEN_OK

        async def go() -> str:
            transport = httpx.MockTransport(server)
            async with httpx.AsyncClient(transport=transport) as http:
                auth = make_auth(target.split(":")[0], "u", "p")
                client = AfilnetClient(auth, http_client=http, max_retries=0)
                try:
                    await CALLS[call](client)
                except AfilnetError as error:
                    return type(error).__name__
                return "result"

        outcomes[harness.run(go())] += 1

    check()
    record(ITEM, **{"HTTP answers: examples": sum(outcomes.values()),
                    "HTTP answers: outcomes": outcomes})  # fmt: skip
    assert outcomes["result"] >= 25 and outcomes["MalformedResponseError"] >= 25, outcomes


# --- the importer's input ------------------------------------------------------------------

ROW_KEYS = st.one_of(
    st.sampled_from(["name", "city", "note", "extra", "名前", " name", "city ", "", " "]),
    CLEAN,
    st.sampled_from([1, None, ("a",), 2.5, True]),
    WITH_SURROGATE,
)
ROW_VALUES = st.one_of(
    st.none(), WILD, NUMBERS, st.booleans(),
    st.sampled_from([["x"], {"a": 1}, b"bytes", ("t",), set()]),
    st.builds(lambda n: "x" * n, st.integers(3000, 30000)),
)  # fmt: skip
GOOD_MAINS = st.one_of(
    st.builds("346{:08d}".format, st.integers(0, 10**8 - 1)),
    st.builds("+34{:09d}".format, st.integers(0, 10**9 - 1)),
    st.builds(" 346{:08d} ".format, st.integers(0, 10**8 - 1)),
    st.integers(10**5, 10**15),
)
ROW_MAINS = mostly(
    GOOD_MAINS,
    st.one_of(
        st.sampled_from(["", "  ", "12", "phone", "3460000000000000000", None, 3.4e10, True]),
        WILD,
    ),
)
GOOD_ROWS = st.builds(
    lambda main, others: {"mobile": main, **others},
    GOOD_MAINS,
    st.dictionaries(
        st.sampled_from(["name", "city", "note", "extra", "名前"]),
        st.one_of(NICE, st.text(_CHARS, max_size=8), st.none(), st.integers(), st.floats()),
        max_size=4,
    ),
)
ODD_ROWS = st.one_of(
    st.builds(
        lambda main, others: {"mobile": main, **others},
        ROW_MAINS,
        st.dictionaries(ROW_KEYS, ROW_VALUES, max_size=4),
    ),
    st.dictionaries(ROW_KEYS, ROW_VALUES, max_size=3),
    st.sampled_from([None, "34600000000", 34600000000, ["mobile", "346"], ("a", "b"), 1.5]),
)
ROWS = st.lists(mostly(GOOD_ROWS, ODD_ROWS, odds=3), max_size=40)
COLUMNS = ["mobile", "name", "city", "note"]
CLEARLY_VALID = re.compile(r"\+?[0-9]{6,15}")


def stored_form(row: Mapping[str, Any]) -> str:
    """What the emulator must hold for an imported row (its columns, values as text, the
    mobile normalised)."""
    kept = {
        key: value if isinstance(value, str) else str(value)
        for key, value in row.items()
        if key in COLUMNS and value is not None
    }
    kept["mobile"] = normalize_mobile(kept["mobile"].strip())
    return json.dumps(kept, sort_keys=True)


def clearly_valid(row: Any) -> bool:
    """A row no importer may refuse: a well-formed mobile and a few short plain-text values."""
    return (
        isinstance(row, dict)
        and isinstance(row.get("mobile"), str)
        and CLEARLY_VALID.fullmatch(row["mobile"]) is not None
        and all(k in ("mobile", "name", "city", "note", "extra") for k in row)
        and all(v is None or (isinstance(v, str) and len(v) < 40) for v in row.values())
        and not unencodable(row)
    )


def test_import_inputs_with_odd_fields(harness: Harness) -> None:
    figures: Counter[str] = Counter()

    @examples(120)
    @given(
        rows=ROWS,
        strategy=st.sampled_from(["form", "query", "oauth2"]),
        chunk_size=st.integers(1, 12),
        concurrency=st.integers(1, 4),
    )
    def check(rows: list[Any], strategy: str, chunk_size: int, concurrency: int) -> None:
        group = harness.group(COLUMNS)
        try:
            report = harness.run(
                harness.clients[strategy].group.import_contacts(
                    group.id, rows, main_field="mobile", chunk_size=chunk_size,
                    concurrency=concurrency,
                )
            )  # fmt: skip
            failed = [row.index for failure in report.failures for row in failure.rows]
            assert report.total == len(rows)
            assert report.imported + report.failed == report.total
            assert len(failed) == len(set(failed)) == report.failed
            assert all(0 <= index < len(rows) for index in failed)
            imported = sorted(set(range(len(rows))) - set(failed))
            mobiles = [normalized_mobile(r.get("mobile")) if isinstance(r, dict) else None
                       for r in rows]  # fmt: skip
            for index, row in enumerate(rows):
                if not isinstance(row, Mapping):
                    assert index in failed, f"row {index} is not a mapping yet was imported"
                repeat = mobiles[index] is not None and mobiles[index] in mobiles[:index]
                if repeat:
                    assert index in failed, f"row {index} repeats an earlier mobile"
                elif clearly_valid(row) and strategy != "query":
                    assert index not in failed, f"a valid row failed: {report.failures}"
            stored = sorted(json.dumps(c, sort_keys=True) for c in group.contacts.values())
            assert stored == sorted(stored_form(rows[index]) for index in imported)
            figures["rows"] += len(rows)
            figures["imported"] += report.imported
            figures["failed"] += report.failed
        finally:
            del harness.emu.state.groups[group.id]
        figures["imports"] += 1

    check()
    record(ITEM, **{"import inputs: figures": figures})
    assert figures["imported"] >= 100 and figures["failed"] >= 100, figures
