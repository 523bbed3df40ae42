"""Shared by the hardening suites: figures, resource counting, hypothesis settings, auths."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import anyio
import httpx
from hypothesis import HealthCheck, settings

from afilnet_async import BasicAuth, BearerAuth, FormAuth, OAuth2Auth, QueryAuth
from afilnet_async.auth import AuthStrategy

#: item -> figure name -> value; printed by the conftest's terminal summary.
FIGURES: dict[str, dict[str, Any]] = {}


def record(item: str, **figures: Any) -> None:
    """Add (or add to) the figures of ``item``; numbers and Counters accumulate."""
    slot = FIGURES.setdefault(item, {})
    for name, value in figures.items():
        known = slot.get(name)
        if isinstance(value, Counter) and isinstance(known, Counter):
            known.update(value)
        elif isinstance(value, int | float) and isinstance(known, int | float):
            slot[name] = known + value
        else:
            slot[name] = value


# --- hypothesis ----------------------------------------------------------------------------

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
#: CI: a fixed, derandomized run (the same examples every time).
settings.register_profile("hardening-ci", derandomize=True, **_COMMON)
#: Longer local runs: HARDENING_PROFILE=hardening-long HARDENING_EXAMPLES=5000 pytest ...
settings.register_profile("hardening-long", derandomize=False, print_blob=True, **_COMMON)
_PROFILE = settings.get_profile(os.environ.get("HARDENING_PROFILE", "hardening-ci"))


def examples(ci: int) -> settings:
    """Settings for a property: ``ci`` examples, or ``HARDENING_EXAMPLES`` if set."""
    count = int(os.environ.get("HARDENING_EXAMPLES", ci))
    return settings(_PROFILE, max_examples=count)


# --- resources -----------------------------------------------------------------------------


def open_fds() -> int:
    """How many file descriptors this process has open (Linux /proc)."""
    return len(os.listdir("/proc/self/fd"))


def open_sockets() -> int:
    """How many of them are sockets."""
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                count += 1
        except OSError:  # closed while listing (the listing's own fd, say)
            continue
    return count


def asyncio_tasks() -> int:
    """Tasks alive on the running asyncio loop (the caller's included)."""
    return len(asyncio.all_tasks())


async def settle(condition: Callable[[], bool], seconds: float = 3.0) -> bool:
    """Poll ``condition`` every 10 ms for at most ``seconds``: whether it became true."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return True
        await anyio.sleep(0.01)
    return condition()


# --- credentials ---------------------------------------------------------------------------

STRATEGIES = ("query", "form", "basic", "oauth2")


def make_auth(strategy: str, user: str, password: str, token: str = "") -> AuthStrategy:
    """The auth strategy named ``strategy``."""
    factories: dict[str, Callable[[], AuthStrategy]] = {
        "query": lambda: QueryAuth(user, password),
        "form": lambda: FormAuth(user, password),
        "basic": lambda: BasicAuth(user, password),
        "oauth2": lambda: OAuth2Auth(user, password),
        "bearer": lambda: BearerAuth(token),
    }
    return factories[strategy]()


# --- observing the token endpoint ------------------------------------------------------------


class TokenCounter(httpx.AsyncBaseTransport):
    """A transport that counts the requests going to a token endpoint (a path ending in
    ``token``), then hands every request to ``inner``: what the client asked of the token
    endpoint, seen from outside the client."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.token_requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("token"):
            self.token_requests += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
