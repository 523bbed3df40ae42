"""Building a client from flags and the environment (AFILNET_USER, AFILNET_PASSWORD, ...)."""

from __future__ import annotations

import os
from collections.abc import Callable

from ..auth import AuthStrategy, BasicAuth, FormAuth, OAuth2Auth, QueryAuth
from ..client import DEFAULT_BASE_URL, AfilnetClient
from .errors import CliError

__all__ = ["AUTH_STYLES", "client_from_environment", "parse_assignments"]

AUTH_STYLES: dict[str, Callable[[str, str], AuthStrategy]] = {
    "form": FormAuth,
    "query": QueryAuth,
    "basic": BasicAuth,
    "oauth2": OAuth2Auth,
}


def client_from_environment(auth_style: str | None, base_url: str | None) -> AfilnetClient:
    """A client with credentials from AFILNET_USER / AFILNET_PASSWORD (never echoed)."""
    user, password = os.environ.get("AFILNET_USER"), os.environ.get("AFILNET_PASSWORD")
    if not user or not password:
        raise CliError("set AFILNET_USER and AFILNET_PASSWORD (e.g. demo / demo for the emulator)")
    style = (auth_style or os.environ.get("AFILNET_AUTH") or "form").lower()
    if style not in AUTH_STYLES:
        raise CliError(f"unknown auth style {style!r}; choose one of {', '.join(AUTH_STYLES)}")
    url = base_url or os.environ.get("AFILNET_BASE_URL") or DEFAULT_BASE_URL
    return AfilnetClient(AUTH_STYLES[style](user, password), base_url=url)


def parse_assignments(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("idgroup=12", "name=Ann")`` -> ``{"idgroup": "12", "name": "Ann"}``."""
    parsed: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliError(f"expected key=value, got {pair!r}")
        if key in parsed:
            raise CliError(f"{key!r} given twice")
        parsed[key.strip()] = value
    return parsed
