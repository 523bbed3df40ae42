"""The emulator's exceptions: what reaches its host program, and two internal signals.

:class:`EmulatorError` is the root of what the emulator raises to the program that runs it
(a taken port, a server that did not start, an unreadable transcript). It is not an
``AfilnetError``: those are the client's, raised for what a server answered; the emulator is
that server. :class:`ApiError` and :class:`ConnectionDropped` never leave the emulator: they
are how a handler says "answer this error code" and how the app says "drop this line".
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "ConnectionDropped",
    "EmulatorError",
    "PortInUseError",
    "TranscriptError",
]


class EmulatorError(Exception):
    """Base class of the errors the emulator raises to its host program."""


class PortInUseError(EmulatorError, OSError):
    """The address the emulator was asked to listen on is taken (or not bindable)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port = host, port


class TranscriptError(EmulatorError, ValueError):
    """A transcript that is not an ``afilnet doctor`` transcript this emulator can read."""


class ConnectionDropped(Exception):
    """Raised inside the app, after the response started, to make the server drop the line.

    Uvicorn closes the connection mid-answer; the in-process transport turns it into
    ``httpx.RemoteProtocolError``. Never reaches the emulator's host program.
    """


class ApiError(Exception):
    """Raised by the dispatcher and the method handlers: answer ``status=ERROR`` with ``code``.

    Internal: the app turns it into an error envelope; it never reaches the host program.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
