"""Fixtures of the hostile tests: servers closed after each test, a case recorder per test,
a network guard that also admits 127.0.0.2, and the figures printed at the end of the run."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any

import pytest
from figures import attach, collected

from .helpers import FIGURES, Case
from .server import Behaviour, HostileServer

#: Loopback names and addresses a test may reach: the parent guard's, plus the second
#: loopback host the redirect cases listen on.
_LOOPBACK = {"127.0.0.1", "127.0.0.2", "::1", "localhost"}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/conftest.py's guard (this fixture overrides it), with 127.0.0.2 admitted: fail
    loudly if a test tries to reach anything but loopback."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOOPBACK:
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK and host is not None:
            raise AssertionError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


ServeFactory = Callable[..., Awaitable[HostileServer]]


@pytest.fixture
async def serve() -> AsyncIterator[ServeFactory]:
    """``server = await serve(behaviour, host="127.0.0.1")``: closed when the test ends,
    whether it passed or not."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(behaviour: Behaviour, **options: Any) -> HostileServer:
            return await stack.enter_async_context(HostileServer(behaviour, **options))

        yield start


@pytest.fixture
def case(request: pytest.FixtureRequest) -> Case:
    """This test's case: its figures are listed at the end of the run."""
    return Case(request.node.name)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 1000 else f"{value:.0f}"
    return str(value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport() -> Generator[None, Any, None]:
    yield from attach(FIGURES, _show)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    figures = collected(terminalreporter, "tests/hostile/")
    if not figures:
        return
    terminalreporter.section("hostile server figures")
    for name in sorted(figures):
        case = figures[name]
        head = ", ".join(
            f"{key}={case[key]}"
            for key in ("exception", "seconds", "peak_rss_mib", "rss_growth_mib")
            if key in case
        )
        terminalreporter.write_line(f"{name}: {head}")
        rest = {k: v for k, v in case.items() if k not in _HEAD}
        for key, value in rest.items():
            terminalreporter.write_line(f"    {key}: {value}")


_HEAD = {"exception", "seconds", "peak_rss_mib", "rss_growth_mib"}
