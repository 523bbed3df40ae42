"""The emulator's own exceptions, and the one its method handlers raise to answer an error code."""

from __future__ import annotations

from ..errors import AfilnetError

__all__ = ["ApiError", "ConnectionDropped", "EmulatorError", "PortInUseError"]


class EmulatorError(AfilnetError):
    """Base class of the errors the emulator raises to its host program (an AfilnetError)."""


class PortInUseError(EmulatorError, OSError):
    """The address the emulator was asked to listen on is taken (or not bindable)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port = host, port


class ConnectionDropped(Exception):
    """Raised inside the app, after the response started, to make the server drop the line.

    Uvicorn closes the connection mid-answer; the in-process transport turns it into
    ``httpx.RemoteProtocolError``. Never reaches the emulator's host program.
    """


class ApiError(Exception):
    """Raised by the dispatcher and the method handlers: answer ``status=ERROR`` with ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
