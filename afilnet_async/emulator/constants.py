"""The emulator's tunables: every number and default it chose where the vendor is silent."""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "DEFAULT_CHANNELS",
    "DEFAULT_TOKEN_LIFETIME",
    "DEMO_BALANCE",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "FIRST_ID",
    "IN_PROCESS_BASE_URL",
    "MAX_BODY_BYTES",
    "MAX_GET_TARGET",
    "MAX_LATENCY",
    "MIN_SUBACCOUNT_PASSWORD",
    "MIN_TRANSFER",
    "RATE_WINDOW",
]

#: The documented demo account of :meth:`Emulator.demo` (a reseller with balance).
DEMO_USER: Final = "demo"
DEMO_PASSWORD: Final = "demo"  # noqa: S105 (the documented demo password)
DEMO_BALANCE: Final = 1000.0

#: Every path the emulator serves lives under this prefix (the client's default base URL).
API_PREFIX: Final = "/api"
#: The base URL of :meth:`Emulator.client` on the in-process transport.
IN_PROCESS_BASE_URL: Final = "http://127.0.0.1/api/"

#: Ids of groups, contacts and addresses start here (the vendor's samples use 1000).
FIRST_ID: Final = 1000

#: Channels every new account has, all active (``channeltype`` equals ``channelname``).
DEFAULT_CHANNELS: Final = ("sms", "email", "voice")

#: Smallest absolute amount ``transferbalance`` accepts (INCORRECT_MIN_BALANCE below it).
MIN_TRANSFER: Final = 1.0
#: Shortest sub-account password (INCORRECT_PASSWORD below it).
MIN_SUBACCOUNT_PASSWORD: Final = 6

#: OAuth2 access-token lifetime in seconds unless ``Faults.token_lifetime`` says otherwise.
DEFAULT_TOKEN_LIFETIME: Final = 3600.0

#: Longest GET request target (path + query) served; longer ones get HTTP 414. The vendor
#: documents "about 4,000 characters"; the client refuses URLs over 4,000 before sending.
MAX_GET_TARGET: Final = 4096
#: Largest request body read; larger ones get HTTP 413.
MAX_BODY_BYTES: Final = 16 * 1024 * 1024

#: Length in seconds of the sliding window of ``Faults.rps_limit``.
RATE_WINDOW: Final = 1.0
#: No injected latency sample exceeds this many seconds (exponential tails are clipped).
MAX_LATENCY: Final = 60.0
