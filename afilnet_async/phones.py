"""Mobile numbers and e-mail addresses as Afilnet wants them (first cut: formatting only)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["PhoneNumberError", "normalize_email", "normalize_mobile"]

_FORMATTING: Final = re.compile(r"[\s.\-()/]")
_DIGITS: Final = re.compile(r"[0-9]{6,15}")


class PhoneNumberError(ValueError):
    """A value that is not a usable mobile number (the message says why)."""


def normalize_mobile(value: str | int, default_country: str | None = None) -> str:
    """Digits with the country code: spaces, dots, dashes, parentheses and a leading ``+`` or
    ``00`` removed."""
    text = str(value).strip() if isinstance(value, int | str) else None
    if text is None:
        raise PhoneNumberError(f"expected a number, got {type(value).__name__}")
    digits = _FORMATTING.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not _DIGITS.fullmatch(digits):
        raise PhoneNumberError(f"{text[:40]!r} is not a mobile number")
    return digits


def normalize_email(value: str) -> str:
    """``value`` trimmed, with its domain in lower case."""
    local, at, domain = value.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else value.strip()
