"""A stateful local Afilnet API, as moto is for AWS: in process, on a loopback port, from the CLI.

    from afilnet_async import FormAuth
    from afilnet_async.emulator import Emulator, Faults, ServerSettings

    emu = Emulator.demo()                              # demo / demo, a reseller, balance 1000
    async with emu.client(FormAuth("demo", "demo")) as client:      # in process, no sockets
        await client.user.get_balance()                # Balance(balance=Decimal('1000.0'))
    async with emu.serve() as server:                  # uvicorn on 127.0.0.1, a free port
        AfilnetClient(auth, base_url=server.base_url)
    emu.faults = Faults(rate_429=0.1, latency=0.05)    # what goes wrong, from now on
    emu.settings = ServerSettings(delivery_delay=0)    # how the server behaves
    emu.dialect = "php"                                # how it spells open-ended results
    emu.counters.peak_in_flight                        # what the server saw
    emu.counters.duplicates()                          # messages sent twice (none, we hope)

Needs the ``emulator`` extra (Starlette and uvicorn).

Every choice the emulator makes where the vendor is silent (paths, error precedence, result
shapes per dialect, prices, routes, delivery statuses, fault semantics) is written down once,
in ``ASSUMPTIONS.md`` beside this file (shipped with the package; :func:`assumptions` returns
it). The emulator imports only the library's public modules: ``afilnet_async``,
``afilnet_async.spec`` and ``afilnet_async.redaction``.
"""

from __future__ import annotations

from importlib import resources

try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "the Afilnet emulator needs Starlette and uvicorn: pip install 'afilnet-async[emulator]'"
    ) from exc

from .clock import Clock
from .constants import DEMO_BALANCE, DEMO_PASSWORD, DEMO_USER
from .counters import Counters, SentRecord
from .dialects import DIALECTS, Dialect
from .emulator import Emulator
from .exceptions import EmulatorError, PortInUseError, TranscriptError
from .faults import Faults
from .methods import missing_handlers
from .server import RunningServer
from .settings import ServerSettings
from .state import Account, EmulatorState, Group, Message, Template, fingerprint
from .transcript import dialect_from_transcript, load_transcript

__all__ = [
    "DEMO_BALANCE",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "DIALECTS",
    "Account",
    "Clock",
    "Counters",
    "Dialect",
    "Emulator",
    "EmulatorError",
    "EmulatorState",
    "Faults",
    "Group",
    "Message",
    "PortInUseError",
    "RunningServer",
    "SentRecord",
    "ServerSettings",
    "Template",
    "TranscriptError",
    "assumptions",
    "dialect_from_transcript",
    "fingerprint",
    "load_transcript",
    "missing_handlers",
]


def assumptions() -> str:
    """The text of ASSUMPTIONS.md: every choice the emulator makes where the vendor is silent."""
    return resources.files(__package__).joinpath("ASSUMPTIONS.md").read_text("utf-8")
