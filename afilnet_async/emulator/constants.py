"""The emulator's tunables: every number and default it chose where the vendor is silent."""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "DEFAULT_CHANNELS",
    "DEFAULT_TEMPLATES",
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
    "NO_ROUTE_EMAIL_TLD",
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

#: Templates every new account has, by id from 1: (subject, text). ``{name}`` placeholders are
#: filled from a send's ``params`` (or, in group sends, from each contact's fields).
DEFAULT_TEMPLATES: Final = (
    ("Welcome", "Hello {name}, welcome!"),
    ("Your code", "Your code is {code}"),
    ("Reminder", "Dear {name}, see you on {date}."),
)

#: E-mail to a domain under this top-level domain (RFC 2606's ``.invalid``) has no route.
NO_ROUTE_EMAIL_TLD: Final = "invalid"

#: OAuth2 access-token lifetime in seconds unless ``ServerSettings.token_lifetime`` says
#: otherwise.
DEFAULT_TOKEN_LIFETIME: Final = 3600.0

#: Longest GET request target (path + query) served by default; longer ones get HTTP 414.
#: The vendor documents "about 4,000 characters"; the client refuses URLs over 4,000 before
#: sending. ``ServerSettings.max_get_target`` changes it.
MAX_GET_TARGET: Final = 4096
#: Largest request body read by default; larger ones get HTTP 413
#: (``ServerSettings.max_body_bytes``).
MAX_BODY_BYTES: Final = 16 * 1024 * 1024

#: Length in seconds of the sliding window of ``ServerSettings.rps_limit``.
RATE_WINDOW: Final = 1.0
#: No injected latency sample exceeds this many seconds (exponential tails are clipped).
MAX_LATENCY: Final = 60.0
