"""The emulator's small parts on their own: wire values, countries, limiter, tokens, dice."""

from __future__ import annotations

import statistics

import pytest

from afilnet_async.emulator.countries import COUNTRIES, country_by_alpha2, country_by_alpha3
from afilnet_async.emulator.exceptions import ApiError
from afilnet_async.emulator.faults import FaultInjector, Faults
from afilnet_async.emulator.protocol import parse_basic, parse_bearer
from afilnet_async.emulator.ratelimit import SlidingWindowLimiter
from afilnet_async.emulator.replies import seconds_header
from afilnet_async.emulator.tokens import TokenStore
from afilnet_async.emulator.values import (
    is_email,
    parse_amount,
    parse_contact,
    parse_contacts,
    parse_fields,
    parse_flag,
    parse_id,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_contact_strings() -> None:
    assert parse_contact("mobile:123456789,name:testname") == {
        "mobile": "123456789", "name": "testname",
    }  # fmt: skip
    assert parse_contact(" mobile :1,name:") == {"mobile": "1", "name": ""}


@pytest.mark.parametrize(
    "text", ["", "mobile", "mobile:1,", "mobile:1:2", ":1", "mobile:1,mobile:2", "a:1,,b:2"]
)
def test_malformed_contact_strings(text: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_contact(text)
    assert raised.value.code == "MISSING_COMPULSORY_PARAM"


def test_contact_lists() -> None:
    assert parse_contacts('[{"mobile": 34600000000, "name": "Ann", "score": 1.5}]') == [
        {"mobile": "34600000000", "name": "Ann", "score": "1.5"}
    ]
    assert parse_contacts("[]") == []


@pytest.mark.parametrize(
    "text", ["", "{}", '{"mobile": "1"}', "[1]", '[{"mobile": null}]', '[{"mobile": true}]',
             '[{"mobile": ["1"]}]', "[{", '[{"mobile": NaN}]']
)  # fmt: skip
def test_malformed_contact_lists(text: str) -> None:
    with pytest.raises(ApiError):
        parse_contacts(text)


def test_fields_flags_ids_amounts_emails() -> None:
    assert parse_fields("mobile, name,mobile") == ["mobile", "name"]
    for bad in ("", "mobile,,name", "mobile,na:me"):
        with pytest.raises(ApiError):
            parse_fields(bad)
    assert (parse_flag("1"), parse_flag(" 0 ")) == (True, False)
    with pytest.raises(ApiError):
        parse_flag("true")
    assert [parse_id(text) for text in ("1000", " 7 ", "0", "-1", "1.5", "x", "")] == [
        1000, 7, None, None, None, None, None,
    ]  # fmt: skip
    assert [parse_amount(text) for text in ("10", "-2.50", ".5", "1e3", "ten", "nan", "")] == [
        10.0, -2.5, 0.5, None, None, None, None,
    ]  # fmt: skip
    assert is_email("email@email.com")
    assert not any(is_email(text) for text in ("email", "a@b", "a b@c.com", "a@b.c", "@b.com"))


def test_country_table() -> None:
    for alpha2, alpha3 in [("us", "usa"), ("es", "esp"), ("fr", "fra"), ("de", "deu"),
                           ("gb", "gbr"), ("pt", "prt"), ("it", "ita"), ("dk", "dnk"),
                           ("ee", "est"), ("mx", "mex")]:  # fmt: skip
        country = country_by_alpha2(alpha2.upper())
        assert country is not None
        assert country is country_by_alpha3(alpha3)
        assert country.has_city(1)
    assert country_by_alpha2("zz") is None
    assert country_by_alpha3("us") is None
    assert len({c.alpha2 for c in COUNTRIES}) == len(COUNTRIES)


def test_credentials_headers() -> None:
    assert parse_basic("Basic ZGVtbzpkZW1v") == ("demo", "demo")
    assert parse_basic("basic ZGVtbzphOmI=") == ("demo", "a:b")  # only the first colon splits
    assert parse_basic("Basic ZGVtbw==") == ("demo", None)
    assert parse_basic("Basic !!!") == (None, None)
    assert parse_basic(None) == (None, None)
    assert parse_bearer("Bearer abc") == "abc"
    assert parse_bearer("bearer  abc ") == "abc"
    assert parse_bearer("Token abc") is None


def test_sliding_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(clock)
    assert [limiter.admit("a", 2) for _ in range(2)] == [None, None]
    assert limiter.admit("a", 2) == pytest.approx(1.0)
    assert limiter.admit("b", 2) is None  # per key
    clock.now += 0.4
    assert limiter.admit("a", 2) == pytest.approx(0.6)  # refused requests do not count
    clock.now += 0.6
    assert limiter.admit("a", 2) is None
    assert limiter.admit("a", None) is None
    assert limiter.admit("slow", 0.5) is None
    clock.now += 1.5
    assert limiter.admit("slow", 0.5) == pytest.approx(0.5)  # one per 2 s


def test_tokens_expire() -> None:
    clock = FakeClock()
    tokens = TokenStore(clock)
    first = tokens.issue("demo", 10)
    assert tokens.resolve(first) == "demo"
    clock.now += 10
    assert tokens.resolve(first) is None
    second = tokens.issue("demo", 10)
    assert len(tokens) == 1  # the expired one was purged
    assert second != first
    tokens.expire_all()
    assert tokens.resolve(second) is None


def test_latency_distributions() -> None:
    dice = FaultInjector(seed=1)
    fixed = [dice.latency(Faults(latency=0.05, latency_jitter=0.01)) for _ in range(200)]
    assert all(0.04 <= sample <= 0.06 for sample in fixed)
    assert dice.latency(Faults(latency=0.05)) == 0.05
    exponential = [dice.latency(Faults(latency=0.05, latency_distribution="exponential"))
                   for _ in range(2000)]  # fmt: skip
    assert statistics.mean(exponential) == pytest.approx(0.05, rel=0.15)
    normal = [dice.latency(Faults(latency=0.01, latency_jitter=0.02,
                                  latency_distribution="normal")) for _ in range(200)]  # fmt: skip
    assert min(normal) == 0.0  # clipped, never negative
    assert dice.latency(Faults()) == 0.0


def test_fault_shares() -> None:
    dice = FaultInjector(seed=3)
    faults = Faults(rate_429=0.25, rate_drop=0.25, rate_applied_then_500=0.25, rate_5xx=0.25,
                    status_5xx=(500, 504))  # fmt: skip
    kinds = [dice.decide(faults).kind for _ in range(400)]
    assert set(kinds) == {"rate_limit", "drop", "applied_then_500", "server_error"}
    assert dice.decide(Faults()).kind is None


def test_retry_after_values() -> None:
    assert [seconds_header(s) for s in (1.0, 0, 0.25, 0.1234)] == ["1", "0", "0.25", "0.123"]
