"""Mobile numbers and e-mails as Afilnet wants them: normalize_mobile and normalize_email."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from afilnet_async import phones
from afilnet_async.errors import ValidationError
from afilnet_async.phones import (
    PhoneNumberError,
    normalize_email,
    normalize_mobile,
    phonenumbers_available,
)

needs_phonenumbers = pytest.mark.skipif(
    not phonenumbers_available(), reason="the optional phonenumbers package is not installed"
)


@pytest.fixture
def without_phonenumbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the ``phones`` extra were not installed."""
    monkeypatch.setattr(phones, "_phonenumbers", lambda: None)


# Formatting clean-up (always) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("+34 600-111-222", "34600111222"),
        ("0034600111223", "34600111223"),
        ("(+34) 600.111.225", "34600111225"),
        ("+34\u00a0600\u00a0111\u00a0222", "34600111222"),  # Excel's no-break spaces
        ("+34 600\u2013111\u2013222", "34600111222"),  # an en dash from autocorrect
        ("  34 600 111 222\t", "34600111222"),
        ("600/111/222", "600111222"),
        ("00 34 (600) 111 222", "34600111222"),
        ("+0034 600 111 222", "34600111222"),
        ("34600111222.0", "34600111222"),  # a number a spreadsheet kept as a decimal
        ("600111", "600111"),  # 6 digits: the shortest
        ("123456789012345", "123456789012345"),  # 15: the longest (E.164)
        (34600111222, "34600111222"),
    ],
)
def test_formatting_is_cleaned_up(typed: str | int, digits: str) -> None:
    assert normalize_mobile(typed) == digits


def test_without_a_country_a_national_number_stays_as_it_is() -> None:
    assert normalize_mobile("600 111 224") == "600111224"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "the mobile is empty"),
        ("   ", "the mobile is empty"),
        ("+", "has no digits"),
        ("(-)", "has no digits"),
        ("12345", "has 5 digits; a mobile has 6 to 15"),
        ("+34 600 111 222 333 444", "has 17 digits"),
        ("0012345", "has 5 digits"),  # the 00 is not a digit of the number
        ("600 111 22x", "holds 'x', which is not a digit"),
        ("+34 600 111 222 ext. 5", "holds 'e'"),
        ("34+600111222", "holds '+'"),
        ("\uff16\uff10\uff10111222", "holds '\uff16'"),  # full-width digits are not ASCII
        ("3,46E+10", "scientific notation"),
        ("3.46006E+11", "scientific notation"),
        ("+0 600 111 222", "a country code never starts with 0"),
        (-34600111222, "is negative"),
        pytest.param(10**5000, "at most 15 digits", id="an-int-python-cannot-print"),
    ],
)
def test_what_cannot_be_a_mobile_says_why(typed: str | int, says: str) -> None:
    with pytest.raises(PhoneNumberError) as caught:
        normalize_mobile(typed)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", [None, True, False, 34600111222.0, b"34600111222", ["3460"]])
def test_other_types_are_refused_by_name(value: object) -> None:
    with pytest.raises(PhoneNumberError, match=f"not {type(value).__name__}$"):
        normalize_mobile(value)  # type: ignore[arg-type]


def test_a_long_value_is_quoted_in_part() -> None:
    with pytest.raises(PhoneNumberError) as caught:
        normalize_mobile("600 111 222 " + "x" * 500)
    message = str(caught.value)
    assert "'600 111 222 xxxx" in message
    assert len(message) < 120


def test_the_error_is_a_value_error() -> None:
    assert issubclass(PhoneNumberError, ValueError)


@given(
    national=st.from_regex(r"[67][0-9]{8}", fullmatch=True),
    prefix=st.sampled_from(["+34", "0034", "(+34)", "+34 ", "00 34 ", "+(34)"]),
    separators=st.lists(st.sampled_from([" ", "-", ".", "/", "\u00a0", "", ""]), min_size=9),
    padding=st.sampled_from(["", " ", "\t", "\u00a0"]),
)
def test_every_spelling_of_a_number_gives_the_same_digits(
    national: str, prefix: str, separators: list[str], padding: str
) -> None:
    spelt = "".join(digit + separators[i] for i, digit in enumerate(national)).rstrip(" -./\xa0")
    assert normalize_mobile(f"{padding}{prefix}{spelt}{padding}") == "34" + national
    assert normalize_mobile(spelt) == national


@settings(max_examples=300)
@given(st.text(max_size=30))
@example("+")
@example("0" * 40)
def test_any_text_gives_6_to_15_digits_or_a_phone_number_error(text: str) -> None:
    try:
        digits = normalize_mobile(text)
    except PhoneNumberError as error:
        message = str(error)
        assert "\n" not in message
    else:
        assert digits.isascii()
        assert digits.isdigit()
        assert 6 <= len(digits) <= 15


# With a default country (phonenumbers) ---------------------------------------------------------


@needs_phonenumbers
@pytest.mark.parametrize(
    ("typed", "country", "digits"),
    [
        # Spain: 9-digit numbers, no trunk prefix.
        ("600111222", "ES", "34600111222"),
        ("600 111 222", "es", "34600111222"),
        ("34600111222", "ES", "34600111222"),  # already has the country code
        ("+34 600 111 222", "ES", "34600111222"),
        ("0034 600 111 222", "ES", "34600111222"),
        ("912 345 678", "ES", "34912345678"),
        # Mexico: 10 digits since 2019 (no 1 after +52, no 044).
        ("55 1234 5678", "MX", "525512345678"),
        ("525512345678", "MX", "525512345678"),
        ("+52 55 1234 5678", "MX", "525512345678"),
        # Argentina: mobiles are +54 9 <area> <number>; at home, 0 <area> 15 <number>.
        ("011 15-2345-6789", "AR", "5491123456789"),
        ("+54 9 11 2345-6789", "AR", "5491123456789"),
        ("5491123456789", "AR", "5491123456789"),
        ("9 11 2345 6789", "AR", "5491123456789"),
        ("11 2345-6789", "AR", "541123456789"),  # a Buenos Aires landline
        # United States: 10 digits, trunk prefix 1, international prefix 011.
        ("(212) 555-0123", "US", "12125550123"),
        ("1 212 555 0123", "US", "12125550123"),
        ("+1 212-555-0123", "US", "12125550123"),
        ("011 34 600 111 222", "US", "34600111222"),
        # A foreign number without its + in a file of another country: kept when it is valid
        # that way and the national reading is not.
        ("34600111222", "AR", "34600111222"),  # national AR would be possible, not valid
        ("573001234567", "ES", "573001234567"),  # Colombia, in a Spanish file
        ("447911123456", "US", "447911123456"),  # the United Kingdom, in a US file
        ("525512345678", "US", "525512345678"),  # Mexico, in a US file
        # A country code with a trunk prefix (Germany) and a variable-length plan (Italy).
        ("030 123456", "DE", "4930123456"),
        ("4930123456", "DE", "4930123456"),
        ("393471234567", "IT", "393471234567"),
        ("347 123 4567", "IT", "393471234567"),
    ],
)
def test_a_default_country_completes_national_numbers(
    typed: str, country: str, digits: str
) -> None:
    assert normalize_mobile(typed, country) == digits


@needs_phonenumbers
@pytest.mark.parametrize(
    ("typed", "country", "says"),
    [
        ("6001112223", "ES", "not a possible number for ES"),  # not a Malaysian +60 number
        ("60011122", "ES", "not a possible number for ES"),
        ("+34 600 111 2223", "ES", "not a possible international number"),
        ("+52 1234 5678", "MX", "not a possible international number"),  # local only: no area
        ("+52 1 55 1234 5678", "MX", "not a possible international number"),  # pre-2019 mobile
        ("2125550123", "es", "not a possible number for ES"),
        ("+999 1234 5678", "ES", "not a possible international number"),  # no such code
    ],
)
def test_numbers_that_cannot_exist_are_refused(typed: str, country: str, says: str) -> None:
    with pytest.raises(PhoneNumberError, match=f"^mobile '.+' is {says}$"):
        normalize_mobile(typed, country)


@needs_phonenumbers
@pytest.mark.parametrize("country", ["XX", "ZZ"])
def test_an_unknown_country_is_the_callers_error_not_the_rows(country: str) -> None:
    with pytest.raises(ValidationError, match="is not a country phonenumbers knows") as caught:
        normalize_mobile("600111222", country)
    assert not isinstance(caught.value, PhoneNumberError)


@pytest.mark.parametrize("country", ["ESP", "E", "", "1A", "ñ1", 34])
def test_a_default_country_must_look_like_one(country: object) -> None:
    with pytest.raises(ValidationError, match="two-letter ISO code"):
        normalize_mobile("600111222", country)  # type: ignore[arg-type]


@needs_phonenumbers
@given(
    national=st.from_regex(r"6[0-9]{8}", fullmatch=True),
    prefix=st.sampled_from(["", "34", "+34 ", "0034", "(+34) "]),
    separator=st.sampled_from(["", " ", "-", "."]),
)
def test_spanish_mobiles_in_any_spelling_get_34(national: str, prefix: str, separator: str) -> None:
    spelt = separator.join((national[:3], national[3:6], national[6:]))
    assert normalize_mobile(prefix + spelt, "ES") == "34" + national


# Without phonenumbers --------------------------------------------------------------------------


@pytest.mark.usefixtures("without_phonenumbers")
def test_without_phonenumbers_a_default_country_changes_nothing() -> None:
    assert not phonenumbers_available()
    assert normalize_mobile("600 111 224", "ES") == "600111224"
    assert normalize_mobile("+34 600 111 224", "ES") == "34600111224"
    with pytest.raises(ValidationError, match="two-letter ISO code"):
        normalize_mobile("600111224", "Spain")


@needs_phonenumbers
def test_phonenumbers_is_reported_available_when_installed() -> None:
    assert phonenumbers_available()


# E-mails ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        (" Ana.Garcia@Example.COM ", "Ana.Garcia@example.com"),
        ("luis@GMAIL.com", "luis@gmail.com"),
        ("\u00a0Eva@Sub.Dominio.ES\t", "Eva@sub.dominio.es"),
        ("already@lower.es", "already@lower.es"),
        ('"a@b"@Example.ORG', '"a@b"@example.org'),  # the domain is after the last @
        ("no at sign ", "no at sign"),  # not a validator
        ("trailing@", "trailing@"),
        ("", ""),
    ],
)
def test_an_email_is_trimmed_and_its_domain_lower_cased(typed: str, normalised: str) -> None:
    assert normalize_email(typed) == normalised


def test_an_email_must_be_text() -> None:
    with pytest.raises(TypeError, match="must be str, not int"):
        normalize_email(34600111222)  # type: ignore[arg-type]
