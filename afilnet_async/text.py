"""Small text checks shared by the encoders, the auth strategies and the bulk row checks."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

__all__ = ["EMAIL_PATTERN", "is_email", "number_text", "utf8_encodable"]

#: ``local@domain.tld``: no spaces, commas or colons (Afilnet's k:v,k:v format cannot carry
#: them), a dot in the domain and a non-empty last label.
EMAIL_PATTERN: Final = re.compile(r"[^@\s,:]+@[^@\s,:]+\.[^@\s,:.]+")


def is_email(text: str) -> bool:
    """Whether ``text`` is shaped like an e-mail address (fullmatch: no trailing newline)."""
    return EMAIL_PATTERN.fullmatch(text) is not None


def utf8_encodable(text: str) -> bool:
    """Whether ``text`` can be sent as UTF-8 (it holds no lone surrogates)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def number_text(value: Any) -> str | None:
    """An int, float or Decimal as its decimal text; ``None`` for anything else (bools
    included), and ``""`` for an int too long for Python to print (int_max_str_digits)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return str(value)
    except ValueError:
        return ""
