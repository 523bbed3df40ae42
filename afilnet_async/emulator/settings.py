"""How the emulated server behaves when nothing goes wrong: :class:`ServerSettings`.

:class:`~afilnet_async.emulator.faults.Faults` says what goes wrong on purpose; these say what
the server is like: token lifetime, a per-account request cap, size limits, message prices and
how long a message takes to be delivered. Every number the vendor does not document is here
or in :mod:`afilnet_async.emulator.constants`, and in ASSUMPTIONS.md.
"""

from __future__ import annotations

import attrs

from .constants import DEFAULT_TOKEN_LIFETIME, MAX_BODY_BYTES, MAX_GET_TARGET
from .options import doc

__all__ = ["ServerSettings"]

_positive = attrs.validators.gt(0.0)
_non_negative = attrs.validators.ge(0.0)


@attrs.frozen(kw_only=True)
class ServerSettings:
    """How the emulator behaves; the defaults are documented in ASSUMPTIONS.md.

    Prices are credits taken from the sender's balance: ``price_sms`` per SMS part (160 GSM
    characters in one part, 153 per part beyond; 70 / 67 for text outside the GSM alphabet),
    the others per message.
    """

    token_lifetime: float = attrs.field(
        default=DEFAULT_TOKEN_LIFETIME,
        validator=_positive,
        metadata=doc("Seconds an OAuth2 access token lives."),
    )
    rps_limit: float | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_positive),
        metadata=doc(
            "Accepted requests per account per sliding second; above it, 429 with Retry-After."
        ),
    )
    max_get_target: int = attrs.field(
        default=MAX_GET_TARGET,
        validator=attrs.validators.ge(64),
        metadata=doc("Longest GET request target (path and query) served; longer: 414."),
    )
    max_body_bytes: int = attrs.field(
        default=MAX_BODY_BYTES,
        validator=attrs.validators.ge(1),
        metadata=doc("Largest request body read; larger: 413."),
    )
    delivery_delay: float = attrs.field(
        default=1.0,
        validator=_non_negative,
        metadata=doc("Seconds from a send until its messages are DELIVERED (PENDING before)."),
    )
    price_sms: float = attrs.field(
        default=1.0, validator=_non_negative, metadata=doc("Credits per SMS part.")
    )
    price_email: float = attrs.field(
        default=0.1, validator=_non_negative, metadata=doc("Credits per e-mail.")
    )
    price_voice: float = attrs.field(
        default=2.0, validator=_non_negative, metadata=doc("Credits per voice call.")
    )
    price_whatsapp: float = attrs.field(
        default=0.5, validator=_non_negative, metadata=doc("Credits per WhatsApp message.")
    )
