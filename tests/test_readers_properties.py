"""Properties of the readers, over generated answers (hypothesis, derandomized).

1. Whatever JSON value a method's ``result`` holds (nested, huge numbers, NaN, unicode, deep
   lists, the readers' own key names in odd places), its reader returns its model or raises
   :class:`MalformedResponseError` naming the method: never another exception.
2. A list reader reads the same items from a list, its ``{"list": ...}`` wrapping, its
   reader-specific wrapping and its id-keyed object form (a PHP associative array).
"""

from __future__ import annotations

import collections.abc
import types
import typing
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afilnet_async import MalformedResponseError, models
from afilnet_async.readers import READERS, read_result

SETTINGS = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: Keys the readers look for, so generated objects hit their branches, not only the misfit.
KNOWN_KEYS = [
    "list", "data", "items", "result", "results", "rows", "contacts", "contact", "addresses",
    "channels", "subaccounts", "accounts", "statuses", "deliverystatus", "messages",
    "id", "idcontact", "idaddress", "idgroup", "idmessage", "messageid", "messageids",
    "mobile", "email", "name", "field", "column", "columns", "fields", "type", "grouptype",
    "channelname", "active", "channeltype", "accountemail", "user", "balance", "credits",
    "credit", "saldo", "amount", "status", "state", "0", "1", "1001", "sms",
]  # fmt: skip


def _deep(depth: int, leaf: Any, as_object: bool) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"list": value} if as_object else [value]
    return value


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included
    | st.text(max_size=12)
    | st.sampled_from(["", "0", "1", "12", "12.0", "1.000,50", "1,000", "42 credits", "a,b"])
    | st.sampled_from([-(2**200), 1e308, -0.0, 5e-324])
    | st.builds(pow, st.just(10), st.integers(4300, 5000))  # past Python's int -> str limit
)
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)
DEEP = st.builds(_deep, st.integers(0, 400), SCALARS | JSON, st.booleans())
ANY_RESULT = JSON | DEEP


def _check_model(name: str, value: Any) -> None:
    reader = READERS[name]
    if name == "raw":
        return
    (model_name,) = reader.models
    model = getattr(models, model_name)
    if reader.annotation.startswith("list["):
        assert isinstance(value, list)
        assert all(isinstance(item, model) for item in value)
        items = value
    else:
        assert isinstance(value, model)
        items = [value]
    for item in items:
        assert item.request_id == "rid"
        for field, annotation in typing.get_type_hints(model).items():
            if field in ("raw", "request_id"):
                continue
            _check_type(getattr(item, field), annotation)


def _check_type(value: Any, annotation: Any) -> None:
    """The field holds what its annotation says (no raw JSON value leaks into a model)."""
    assert _fits(value, annotation), (value, annotation)


def _fits(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is tuple:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    if origin is collections.abc.Mapping:
        return all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is Decimal:
        return isinstance(value, Decimal) and value.is_finite()
    return isinstance(value, annotation)


@pytest.mark.parametrize("name", sorted(READERS))
def test_any_json_gives_the_model_or_a_malformed_response_error(name: str) -> None:
    @SETTINGS
    @given(ANY_RESULT)
    def check(result: Any) -> None:
        error = None
        try:
            value = read_result(name, result, "some.method", "rid")
        except MalformedResponseError as caught:
            error = caught
        if error is None:
            _check_model(name, value)
            return
        assert str(error).startswith("some.method answered a result that fits no reading")
        assert error.request_id == "rid"
        assert error.__cause__ is None
        assert error.__context__ is None

    check()


# --- the same items, however the list is shaped ----------------------------------------------

NAMES = st.from_regex(r"[a-z]{3,8}", fullmatch=True).filter(lambda n: n not in KNOWN_KEYS)
TEXT = st.text(max_size=10) | st.integers(-(10**12), 10**12).map(str)
IDS = st.integers(1, 10**12)

ITEMS = {
    "contacts": st.lists(
        st.builds(
            lambda i, fields: {"idcontact": i, **fields},
            IDS,
            st.dictionaries(st.sampled_from(["mobile", "name", "city"]), TEXT | st.integers()),
        ),
        max_size=6,
        unique_by=lambda item: item["idcontact"],
    ),
    "addresses": st.lists(
        st.builds(
            lambda i, name, company: {"id": i, "namelastname": name, "iscompany": company},
            IDS,
            TEXT,
            st.sampled_from([0, 1, "0", "1", True, False]),
        ),
        max_size=6,
        unique_by=lambda item: item["id"],
    ),
    "channels": st.lists(
        st.builds(
            lambda name, active: {"channelname": name, "active": active},
            NAMES,
            st.sampled_from([0, 1, "0", "1", True, False, "yes"]),
        ),
        max_size=6,
        unique_by=lambda item: item["channelname"],
    ),
    "delivery_statuses": st.lists(
        st.builds(lambda i, status: {"messageid": str(i), "status": status}, IDS, TEXT),
        max_size=6,
        unique_by=lambda item: item["messageid"],
    ),
    "subaccounts": st.lists(
        st.builds(
            lambda name, balance: {"accountemail": f"{name}@example.com", "balance": balance},
            NAMES,
            st.integers(-1000, 1000) | st.sampled_from(["1.5", "2,25", "3 credits"]),
        ),
        max_size=6,
        unique_by=lambda item: item["accountemail"],
    ),
}
KEY_FIELD = {
    "contacts": "idcontact",
    "addresses": "id",
    "channels": "channelname",
    "delivery_statuses": "messageid",
    "subaccounts": "accountemail",
}
OWN_WRAPPER = {
    "contacts": "contacts",
    "addresses": "addresses",
    "channels": "channels",
    "delivery_statuses": "statuses",
    "subaccounts": "subaccounts",
}
#: Readers whose models keep the key field only as an attribute (so an item without it, keyed
#: by it, reads the same); a sub-account's ``fields`` also hold its ``accountemail``.
KEY_FILLS_THE_ITEM = {"contacts", "addresses", "channels", "delivery_statuses"}


@pytest.mark.parametrize("name", sorted(ITEMS))
def test_a_list_its_wrappings_and_its_keyed_form_read_the_same(name: str) -> None:
    key_field = KEY_FIELD[name]

    @settings(derandomize=True, max_examples=100, deadline=None)
    @given(ITEMS[name])
    def check(items: list[dict[str, Any]]) -> None:
        expected = read_result(name, items, "x.y")
        assert len(expected) == len(items)
        keyed = {str(item[key_field]): item for item in items}
        forms = [{"list": items}, {OWN_WRAPPER[name]: items}, {"data": {"list": items}}, keyed]
        if name in KEY_FILLS_THE_ITEM:
            forms.append({k: {f: v for f, v in item.items() if f != key_field}
                          for k, item in keyed.items()})  # fmt: skip
        if len(items) == 1:
            forms.append(items[0])
        for form in forms:
            assert read_result(name, form, "x.y") == expected, form

    check()
