"""Helpers shared by the emulator tests."""

from __future__ import annotations

import itertools

from afilnet_async import BasicAuth, FormAuth, OAuth2Auth, QueryAuth
from afilnet_async.auth import AuthStrategy

STRATEGIES = ("query", "form", "basic", "oauth2")

_names = itertools.count(1)


def make_auth(strategy: str, user: str, password: str) -> AuthStrategy:
    """The auth strategy named ``strategy`` for these credentials."""
    if strategy == "query":
        return QueryAuth(user, password)
    if strategy == "form":
        return FormAuth(user, password)
    if strategy == "basic":
        return BasicAuth(user, password)
    if strategy == "oauth2":
        return OAuth2Auth(user, password)
    raise ValueError(strategy)


def unique_name(prefix: str = "user") -> str:
    """A login no other test uses (for emulators shared by a module)."""
    return f"{prefix}-{next(_names)}"
