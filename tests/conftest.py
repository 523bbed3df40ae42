"""Shared fixtures: the secrets, a respx router standing in for Afilnet, a client per strategy.

Nothing here touches the network: every request is answered by respx (an unmatched one fails
the test), and a guard refuses any socket connection to a host that is not loopback.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import respx
from support import (
    ACCOUNT_PASSWORD,
    BASE_URL,
    PASSWORD,
    STRATEGIES,
    TOKEN,
    USER,
    make_auth,
    plausible_answer,
    success,
    token_answer,
)

from afilnet_async import AfilnetClient

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_OTHER_OWNERS = {"emulator", "cli"}  # tests/emulator and tests/cli bring their own set-up


@pytest.fixture(autouse=True)
def _no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a test tries to reach anything but loopback."""
    if _OTHER_OWNERS & set(request.node.path.parent.parts):
        return
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


@pytest.fixture
def secrets() -> dict[str, str]:
    """The distinctive credentials every non-wire test uses."""
    return {
        "user": USER,
        "password": PASSWORD,
        "account_password": ACCOUNT_PASSWORD,
        "token": TOKEN,
    }


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Afilnet, mocked: ``api["token"]`` is the token endpoint, ``api["api"]`` every call.

    By default calls succeed with a plausible result for the method (``PLAUSIBLE_RESULTS``)
    and tokens live an hour. Any request to another host fails the test.
    """
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post("oauth/token", name="token").mock(return_value=token_answer())
        # A plausible answer for the method unless the test sets its own return_value; a test
        # that resets side_effect to None gets ``result: null``.
        default = success()
        route = router.route(name="api").mock(return_value=default)
        route.side_effect = lambda request: (
            plausible_answer(request) if route.return_value is default else route.return_value
        )
        yield router


@pytest.fixture(params=STRATEGIES)
def strategy(request: pytest.FixtureRequest) -> str:
    """Each auth strategy in turn: query, form, basic, oauth2, bearer."""
    name: str = request.param
    return name


ClientFactory = Callable[..., AfilnetClient]


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """``make_client("form", max_retries=0)``: a client with that strategy, closed afterwards.

    Credentials default to the distinctive secrets; ``user=``, ``password=`` and ``token=``
    override them, other keywords go to :class:`AfilnetClient`.
    """
    clients: list[AfilnetClient] = []

    def factory(
        strategy: str,
        *,
        user: str = USER,
        password: str = PASSWORD,
        token: str = TOKEN,
        **options: Any,
    ) -> AfilnetClient:
        auth = make_auth(strategy, user=user, password=password, token=token)
        client = AfilnetClient(auth, **options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
