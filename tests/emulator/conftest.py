"""Fixtures for the emulator tests: emulators, loopback servers, and clients per auth strategy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from afilnet_async import AfilnetClient
from afilnet_async.emulator import Emulator, RunningServer

from .helpers import STRATEGIES, make_auth


@pytest.fixture(params=STRATEGIES)
def strategy(request: pytest.FixtureRequest) -> str:
    """Each of the four auth strategies in turn."""
    name: str = request.param
    return name


@pytest.fixture
def dialect() -> str:
    """The answer dialect of ``emu`` (parametrize ``dialect`` to run a test in several)."""
    return "vendor"


@pytest.fixture
def emu(dialect: str) -> Emulator:
    """A fresh emulator with the demo account, answering in ``dialect``."""
    return Emulator.demo(dialect=dialect)


@pytest.fixture
async def server(emu: Emulator) -> AsyncIterator[RunningServer]:
    """``emu`` served by uvicorn on 127.0.0.1, a free port, in the test's event loop."""
    async with emu.serve(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def connect(
    server: RunningServer,
) -> Callable[..., AfilnetClient]:
    """``connect(strategy, user, password, **kwargs)``: a client on the loopback server."""

    def factory(strategy: str, user: str, password: str, **kwargs: Any) -> AfilnetClient:
        kwargs.setdefault("max_retries", 0)
        auth = make_auth(strategy, user, password)
        return AfilnetClient(auth, base_url=server.base_url, **kwargs)

    return factory


@pytest.fixture(scope="module")
def shared_emu() -> Emulator:
    """One demo emulator for a whole module (tests use their own accounts on it)."""
    return Emulator.demo()


@pytest.fixture(scope="module")
def shared_server(shared_emu: Emulator) -> Iterator[RunningServer]:
    """``shared_emu`` on a loopback port, served from its own thread for the whole module."""
    with shared_emu.serve_in_thread(host="127.0.0.1", port=0) as running:
        yield running
