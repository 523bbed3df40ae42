"""Mobile numbers and e-mail addresses as Afilnet wants them.

Afilnet takes a mobile as the digits of its international form, country code first, without
``+`` (``34600111222``). :func:`normalize_mobile` turns what people type into spreadsheets
(``+34 600-111-222``, ``0034 600.111.222``, ``(+34) 600 111 222``) into that form. Given a
default country, and with the optional ``phonenumbers`` package installed
(``pip install 'afilnet-async[phones]'``), it also adds the country code to national numbers
and refuses numbers that cannot exist. :func:`normalize_email` tidies an e-mail address.

Both run once per row of an import, so the common cases take short paths.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType
from typing import Final

from .errors import ValidationError

__all__ = ["PhoneNumberError", "normalize_email", "normalize_mobile", "phonenumbers_available"]

MIN_DIGITS: Final = 6
MAX_DIGITS: Final = 15  # E.164

#: What people put between digits: white space of any kind (incl. no-break spaces), dots,
#: hyphens and the dashes word processors substitute for them, slashes, parentheses.
_SEPARATORS: Final = re.compile(r"[\s.\-\u2010-\u2015\u2212/()]+")
#: A number a spreadsheet stored as a float and wrote in scientific notation: ``3,46E+10``.
_SCIENTIFIC: Final = re.compile(r"[0-9]+(?:[.,][0-9]*)?[eE]\+?[0-9]+")
#: A number a spreadsheet stored as a decimal: ``34600111222.0``.
_DECIMAL_ZERO: Final = re.compile(r"\+?[0-9]+\.0")
_QUOTE_CHARS: Final = 40


class PhoneNumberError(ValueError):
    """A value is not a usable mobile number; the message says why (one line)."""


def _quoted(text: str) -> str:
    """``text`` for a message: its repr, cut to about 40 characters."""
    if len(text) > _QUOTE_CHARS:
        return repr(text[:_QUOTE_CHARS]) + "..."
    return repr(text)


# The optional phonenumbers package -------------------------------------------------------------


@functools.cache
def _phonenumbers() -> ModuleType | None:
    """The ``phonenumbers`` module, imported on first use; ``None`` if it is not installed."""
    try:
        return importlib.import_module("phonenumbers")
    except ImportError:
        return None


def phonenumbers_available() -> bool:
    """Whether ``phonenumbers`` is installed, i.e. whether ``default_country`` has an effect."""
    return _phonenumbers() is not None


class _Reading:
    """One way of reading a string of digits with ``phonenumbers``: the E.164 digits it gives
    (without ``+``) and whether that number is possible. A typed wrapper: the module is
    imported dynamically, so its objects stay inside this class."""

    __slots__ = ("_number", "_pn", "digits", "possible")

    digits: str
    possible: bool

    def __init__(self, pn: ModuleType, text: str, region: str | None) -> None:
        self._pn = pn
        try:
            self._number = pn.parse(text, region)
        except pn.NumberParseException:
            self._number = None
            self.possible = False
            self.digits = ""
            return
        # IS_POSSIBLE only: a "local only" length lacks the area code, so it cannot be reached.
        reason = pn.is_possible_number_with_reason(self._number)
        self.possible = bool(reason == pn.ValidationResult.IS_POSSIBLE)
        self.digits = str(self._number.country_code) + str(
            pn.national_significant_number(self._number)
        )

    @property
    def valid(self) -> bool:
        """Whether the number is in a range allocated today (``phonenumbers`` metadata)."""
        return self._number is not None and bool(self._pn.is_valid_number(self._number))


@functools.cache
def _region(pn: ModuleType, country: str) -> str:
    """``country`` as a region ``phonenumbers`` knows (``"es"`` -> ``"ES"``)."""
    region = country.upper()
    if region not in pn.SUPPORTED_REGIONS:
        raise ValidationError(
            f"default_country {country!r:.20} is not a country phonenumbers knows"
        )
    return region


def _with_country(pn: ModuleType, digits: str, international: bool, country: str) -> str | None:
    """E.164 digits for ``digits`` given a default country, or ``None`` if not possible.

    A number written as international (``+``/``00``) must be possible as such. Bare digits are
    first read as a national number of the default country (``phonenumbers`` then also
    recognises a trunk prefix, an international dialling prefix and a leading country code of
    that country: ``34600111222`` with ES). If that reading is not a valid (allocated) number,
    they are read as an international number without its ``+`` (a foreign number in the
    file); that reading is kept only if it is valid, since almost any string of digits starts
    with some country code and many are "possible" that way (``6001112223``, a Spanish mobile
    with a digit too many, is a possible Malaysian number). Failing both, a national reading
    that is merely possible (a range too new for the metadata) is kept.
    """
    if international:
        reading = _Reading(pn, "+" + digits, None)
        return reading.digits if reading.possible else None
    national = _Reading(pn, digits, _region(pn, country))
    if national.possible and national.valid:
        return national.digits
    foreign = _Reading(pn, "+" + digits, None)
    if foreign.possible and foreign.valid:
        return foreign.digits
    return national.digits if national.possible else None


# Mobiles ---------------------------------------------------------------------------------------


@functools.cache
def _checked_country(country: str) -> str:
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ValidationError(f"default_country must be a two-letter ISO code, not {country!r:.20}")
    return country


def normalize_mobile(value: str | int, default_country: str | None = None) -> str:
    """The mobile number ``value`` as Afilnet wants it: 6 to 15 digits, country code first.

    Surrounding white space goes; spaces (also no-break), dots, dashes, slashes and
    parentheses between the digits go; a leading ``+`` or ``00`` (an international number) is
    dropped, and so is a trailing ``.0`` a spreadsheet adds to a number stored as a decimal.

    With ``default_country`` (ISO 3166 alpha-2, any case) and ``phonenumbers`` installed, a
    national number gets its country code (``600111222``, ES -> ``34600111222``), an
    international one is kept, and a number that cannot exist raises. Without
    ``phonenumbers``, ``default_country`` changes nothing (see
    :func:`phonenumbers_available`).

    Raises :class:`PhoneNumberError` saying what is wrong, and
    :class:`~afilnet_async.errors.ValidationError` for a ``default_country`` that is no country.
    """
    if type(value) is str:
        text = value.strip()
    elif type(value) is int:  # not bool: type() is exact
        if value < 0:
            raise PhoneNumberError("a mobile number is negative")
        if value >= 10**MAX_DIGITS:  # also keeps str() clear of Python's int_max_str_digits
            raise PhoneNumberError(f"a mobile has at most {MAX_DIGITS} digits")
        text = str(value)
    else:
        raise PhoneNumberError(f"a mobile must be text or an int, not {type(value).__name__}")
    if default_country is not None:
        if type(default_country) is not str:
            raise ValidationError("default_country must be a two-letter ISO code (a str)")
        _checked_country(default_country)
    if text.isdigit() and text.isascii():  # the common case: already bare digits
        digits, international = text, False
    else:
        digits, international = _cleaned(text)
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise PhoneNumberError(
            f"mobile {_quoted(text)} has {len(digits)} digits; a mobile has "
            f"{MIN_DIGITS} to {MAX_DIGITS} with its country code"
        )
    if international and digits[0] == "0":
        raise PhoneNumberError(f"mobile {_quoted(text)}: a country code never starts with 0")
    if default_country is None:
        return digits
    pn = _phonenumbers()
    if pn is None:
        return digits
    result = _with_country(pn, digits, international, default_country)
    if result is None:
        what = "international number" if international else f"number for {default_country.upper()}"
        raise PhoneNumberError(f"mobile {_quoted(text)} is not a possible {what}")
    return result


def _cleaned(text: str) -> tuple[str, bool]:
    """The digits of ``text`` without separators and ``+``, and whether it had a ``+``."""
    if not text:
        raise PhoneNumberError("the mobile is empty")
    number = text[:-2] if _DECIMAL_ZERO.fullmatch(text) else text
    digits = _SEPARATORS.sub("", number)  # before the "+": "(+34) 600 111 222"
    international = digits[:1] == "+"
    if international:
        digits = digits[1:]
    if digits.isdigit() and digits.isascii():
        return digits, international
    if not digits:
        raise PhoneNumberError(f"mobile {_quoted(text)} has no digits")
    if _SCIENTIFIC.fullmatch(text):
        raise PhoneNumberError(
            f"mobile {_quoted(text)} is in scientific notation (a spreadsheet stored it as a "
            "number): format the column as text and export it again"
        )
    bad = next(char for char in digits if not (char.isdigit() and char.isascii()))
    raise PhoneNumberError(f"mobile {_quoted(text)} holds {bad!r}, which is not a digit")


# E-mails ---------------------------------------------------------------------------------------


def normalize_email(value: str) -> str:
    """``value`` trimmed, its domain (after the last ``@``) lower-cased, the local part kept.

    Not a validator: a value without ``@`` comes back trimmed; others check the shape.
    """
    if type(value) is not str:
        raise TypeError(f"an e-mail must be str, not {type(value).__name__}")
    text = value.strip()
    at = text.rfind("@")
    if at < 0:
        return text
    domain = text[at + 1 :]
    if domain.islower() or not domain:
        return text
    return text[: at + 1] + domain.lower()
