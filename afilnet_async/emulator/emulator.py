"""The :class:`Emulator` facade: one stateful fake Afilnet, usable in process or on a port."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import httpx
from starlette.applications import Starlette

from ..auth.base import AuthStrategy
from ..client import AfilnetClient
from . import server
from .app import build_app
from .backend import Backend
from .constants import DEMO_BALANCE, DEMO_PASSWORD, DEMO_USER, IN_PROCESS_BASE_URL
from .counters import Counters
from .faults import Faults
from .server import RunningServer
from .state import Account, EmulatorState
from .transport import EmulatorTransport

__all__ = ["Emulator"]


class Emulator:
    """A stateful, in-memory Afilnet API with fault injection and counters.

    ``faults`` (settable at any time) says what goes wrong on purpose; ``seed`` makes the
    fault dice reproducible (``None``: a random seed). Accounts are added with
    :meth:`add_account`; :meth:`demo` builds one with the documented demo account.
    """

    def __init__(self, *, faults: Faults | None = None, seed: int | None = 0) -> None:
        self._backend = Backend(faults or Faults(), seed)
        self._app = build_app(self._backend)

    def __repr__(self) -> str:
        return f"<Emulator accounts={len(self.state.accounts)} groups={len(self.state.groups)}>"

    @classmethod
    def demo(cls, *, faults: Faults | None = None, seed: int | None = 0) -> Emulator:
        """An emulator with the demo account ``demo`` / ``demo``: a reseller, balance 1000."""
        emulator = cls(faults=faults, seed=seed)
        emulator.add_account(DEMO_USER, DEMO_PASSWORD, reseller=True, balance=DEMO_BALANCE)
        return emulator

    # -- state, faults, counters ------------------------------------------------------------

    @property
    def state(self) -> EmulatorState:
        """The accounts, groups and tokens, for tests to inspect (and arrange)."""
        return self._backend.state

    @property
    def counters(self) -> Counters:
        """What was received and applied so far."""
        return self._backend.counters

    @property
    def faults(self) -> Faults:
        """The faults in force; assign a new :class:`Faults` to change them."""
        return self._backend.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        if not isinstance(faults, Faults):
            raise TypeError(f"faults must be a Faults, got {type(faults).__name__}")
        self._backend.faults = faults

    def add_account(
        self, user: str, password: str, *, reseller: bool = False, balance: float = 0.0
    ) -> Account:
        """Register a main account (``ValueError`` if the login is taken); returns it."""
        return self.state.add_account(user, password, reseller=reseller, balance=float(balance))

    def expire_tokens(self) -> None:
        """Invalidate every OAuth2 token issued so far (bearer calls then answer 401)."""
        self.state.tokens.expire_all()

    def reseed(self, seed: int | None) -> None:
        """Restart the fault dice from ``seed``."""
        self._backend.injector.reseed(seed)

    # -- in process ------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        """The ASGI application."""
        return self._app

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport serving the app in process (no sockets)."""
        return EmulatorTransport(app=self._app, client=("127.0.0.1", 49152))

    def client(self, auth: AuthStrategy, **client_kwargs: Any) -> AfilnetClient:
        """An :class:`AfilnetClient` on :meth:`transport` (base URL ``http://127.0.0.1/api/``).

        ``client_kwargs`` go to AfilnetClient (``max_retries``, ``timeout``, ``base_url``...);
        closing the client closes its in-process httpx client.
        """
        if "http_client" in client_kwargs or "transport" in client_kwargs:
            raise TypeError("Emulator.client() wires its own transport")
        client_kwargs.setdefault("base_url", IN_PROCESS_BASE_URL)
        return AfilnetClient(auth, transport=self.transport(), **client_kwargs)

    # -- over loopback ---------------------------------------------------------------------

    def serve(
        self, host: str = "127.0.0.1", port: int = 0
    ) -> contextlib.AbstractAsyncContextManager[RunningServer]:
        """``async with emu.serve() as server``: uvicorn as a task of the running asyncio loop.

        ``port=0`` picks a free port; ``server.base_url`` is the API root. A taken port raises
        :class:`PortInUseError` on entering.
        """
        return server.serve(self._app, host, port)

    def serve_in_thread(
        self, host: str = "127.0.0.1", port: int = 0
    ) -> contextlib.AbstractContextManager[RunningServer]:
        """``with emu.serve_in_thread() as server``: uvicorn on its own loop in a daemon thread."""
        return server.serve_in_thread(self._app, host, port)

    def run(
        self,
        host: str = "127.0.0.1",
        port: int = 8765,
        on_ready: Callable[[str], object] | None = None,
    ) -> None:
        """Serve in the foreground until Ctrl-C; ``on_ready(base_url)`` once listening.

        Raises :class:`PortInUseError` (an :class:`EmulatorError`) when the port is taken.
        """
        server.run_foreground(self._app, host, port, on_ready)
