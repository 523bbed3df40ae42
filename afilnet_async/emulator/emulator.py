"""The :class:`Emulator` facade: one stateful fake Afilnet, usable in process or on a port."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from starlette.applications import Starlette

from afilnet_async import AfilnetClient, AuthStrategy

from . import server
from .app import build_app
from .backend import Backend
from .clock import Clock
from .constants import DEMO_BALANCE, DEMO_PASSWORD, DEMO_USER, IN_PROCESS_BASE_URL
from .counters import Counters
from .dialects import Dialect, dialect_named
from .faults import Faults
from .methods import missing_handlers
from .server import RunningServer
from .settings import ServerSettings
from .state import Account, EmulatorState, Template
from .transcript import load_transcript
from .transport import EmulatorTransport

__all__ = ["Emulator"]


class Emulator:
    """A stateful, in-memory Afilnet API with answer dialects, fault injection and counters.

    ``faults`` (settable at any time) says what goes wrong on purpose; ``settings`` how the
    server behaves (token lifetime, request cap, prices, delivery delay...); ``dialect`` how
    it spells the results the vendor leaves open (``"vendor"``, ``"wrapped"``, ``"php"``,
    ``"terse"`` or a :class:`Dialect`); ``seed`` makes the fault dice reproducible (``None``:
    a random seed). Accounts are added with :meth:`add_account`; :meth:`demo` builds one with
    the documented demo account. ASSUMPTIONS.md, beside this module, lists every choice.
    """

    def __init__(
        self,
        *,
        faults: Faults | None = None,
        settings: ServerSettings | None = None,
        dialect: str | Dialect = "vendor",
        seed: int | None = 0,
    ) -> None:
        self._backend = Backend(
            _checked(faults or Faults(), Faults, "faults"),
            _checked(settings or ServerSettings(), ServerSettings, "settings"),
            dialect_named(dialect),
            seed,
        )
        self._app = build_app(self._backend)

    def __repr__(self) -> str:
        return (
            f"<Emulator dialect={self.dialect.name!r} accounts={len(self.state.accounts)} "
            f"groups={len(self.state.groups)}>"
        )

    @classmethod
    def demo(
        cls,
        *,
        faults: Faults | None = None,
        settings: ServerSettings | None = None,
        dialect: str | Dialect = "vendor",
        seed: int | None = 0,
    ) -> Emulator:
        """An emulator with the demo account ``demo`` / ``demo``: a reseller, balance 1000."""
        emulator = cls(faults=faults, settings=settings, dialect=dialect, seed=seed)
        emulator.add_account(DEMO_USER, DEMO_PASSWORD, reseller=True, balance=DEMO_BALANCE)
        return emulator

    @classmethod
    def from_transcript(
        cls,
        path: str | Path,
        *,
        faults: Faults | None = None,
        settings: ServerSettings | None = None,
        seed: int | None = 0,
    ) -> Emulator:
        """A demo emulator answering in the shapes an ``afilnet doctor`` transcript recorded.

        Methods the transcript does not show answer as in the ``vendor`` dialect. Raises
        :class:`TranscriptError` (an :class:`EmulatorError`) for a file it cannot read.
        """
        return cls.demo(faults=faults, settings=settings, dialect=load_transcript(path), seed=seed)

    @staticmethod
    def missing_handlers() -> list[str]:
        """Spec methods (``class.method``) the emulator has no handler for (answered 501)."""
        return missing_handlers()

    # -- state, faults, settings, dialect, counters, clock ---------------------------------

    @property
    def state(self) -> EmulatorState:
        """The accounts, groups, messages and tokens, for tests to inspect (and arrange)."""
        return self._backend.state

    @property
    def counters(self) -> Counters:
        """What was received, applied and sent so far."""
        return self._backend.counters

    @property
    def faults(self) -> Faults:
        """The faults in force; assign a new :class:`Faults` to change them."""
        return self._backend.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._backend.faults = _checked(faults, Faults, "faults")

    @property
    def settings(self) -> ServerSettings:
        """How the server behaves; assign a new :class:`ServerSettings` to change it."""
        return self._backend.settings

    @settings.setter
    def settings(self, settings: ServerSettings) -> None:
        self._backend.settings = _checked(settings, ServerSettings, "settings")

    @property
    def dialect(self) -> Dialect:
        """The answer dialect; assign a name or a :class:`Dialect` to change it."""
        return self._backend.dialect

    @dialect.setter
    def dialect(self, dialect: str | Dialect) -> None:
        self._backend.dialect = dialect_named(dialect)

    @property
    def clock(self) -> Clock:
        """The emulator's clock: ``emu.clock.advance(seconds)`` ages tokens and messages."""
        return self._backend.clock

    def add_account(
        self, user: str, password: str, *, reseller: bool = False, balance: float = 0.0
    ) -> Account:
        """Register a main account (``ValueError`` if the login is taken); returns it."""
        return self.state.add_account(user, password, reseller=reseller, balance=float(balance))

    def add_template(self, user: str, text: str, *, subject: str = "") -> Template:
        """A new template of ``user``'s account (``{name}`` placeholders); its id is next."""
        account = self.state.find(user)
        if account is None:
            raise KeyError(f"no account {user!r}")
        return account.add_template(text, subject)

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


T = TypeVar("T")


def _checked(value: T, kind: type[T], name: str) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}, got {type(value).__name__}")
    return value
