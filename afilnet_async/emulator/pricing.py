"""What a message costs: SMS parts by the GSM 03.38 rules, and the per-class prices.

An SMS whose text is all in the GSM 7-bit alphabet fits 160 characters in one part and 153 per
part when longer (the extension characters ``^{}\\[~]|€`` and form feed count twice); any
other text is UCS-2: 70 UTF-16 units in one part, 67 per part beyond.
"""

from __future__ import annotations

import math

from .settings import ServerSettings

__all__ = ["message_price", "sms_parts"]

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def _septets(text: str) -> int | None:
    """GSM 7-bit septets of ``text``, or ``None`` when it needs UCS-2."""
    if text.isascii() and all(char in _GSM_BASIC for char in text):
        return len(text)  # the common case, without the extension lookups
    count = 0
    for char in text:
        if char in _GSM_BASIC:
            count += 1
        elif char in _GSM_EXTENDED:
            count += 2
        else:
            return None
    return count


def sms_parts(text: str) -> int:
    """How many SMS parts ``text`` takes (at least 1)."""
    septets = _septets(text)
    if septets is not None:
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def message_price(api_class: str, text: str, settings: ServerSettings) -> float:
    """The credits one message of ``api_class`` with ``text`` costs."""
    if api_class == "sms":
        return sms_parts(text) * settings.price_sms
    if api_class == "email":
        return settings.price_email
    if api_class == "voice":
        return settings.price_voice
    return settings.price_whatsapp
