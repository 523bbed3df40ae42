"""Serving the emulator's app with uvicorn: in the running loop, in a thread, or in the foreground.

The listening socket is bound before uvicorn starts, so a taken port is a
:class:`PortInUseError` at once and ``port=0`` picks a free port that is known when the
server is ready. Background servers leave the host program's signal handlers alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterator

import attrs
import uvicorn
from starlette.types import ASGIApp

from afilnet_async.redaction import install_log_redaction

from .constants import API_PREFIX
from .exceptions import ConnectionDropped, EmulatorError, PortInUseError

__all__ = ["RunningServer", "bind_socket", "run_foreground", "serve", "serve_in_thread"]

#: Seconds to wait for uvicorn to start, and to finish after it was told to stop.
STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0
_POLL = 0.005


@attrs.frozen
class RunningServer:
    """Where a started emulator listens."""

    host: str
    port: int

    @property
    def url(self) -> str:
        """``http://host:port`` (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root to give ``AfilnetClient(base_url=...)``."""
        return f"{self.url}{API_PREFIX}/"


class _DropFilter(logging.Filter):
    """Hides uvicorn's traceback for connections the emulator drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


def _quiet_dropped_connections() -> None:
    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in error_log.filters):
        error_log.addFilter(_DropFilter())
    # uvicorn logs each request line (a QueryAuth password in its query) whenever its access
    # logger has a handler, access_log=False notwithstanding (a handler added later, by the
    # host's logging set-up or pytest, turns it back on): redact it.
    install_log_redaction("uvicorn.access", "uvicorn.error")


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; :class:`PortInUseError` if that fails."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if sys.platform != "win32":  # there it would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise PortInUseError(host, port, exc.strerror or str(exc)) from None
    sock.setblocking(False)
    return sock


def _config(app: ASGIApp) -> uvicorn.Config:
    _quiet_dropped_connections()
    return uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="off", proxy_headers=False,
        timeout_graceful_shutdown=int(SHUTDOWN_TIMEOUT // 2),
    )  # fmt: skip


class _BackgroundServer(uvicorn.Server):
    """A uvicorn server that does not take over SIGINT / SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class _ForegroundServer(uvicorn.Server):
    """A uvicorn server that stops on SIGINT or SIGTERM and exits normally (no re-raise)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def _started(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    for _ in range(int(STARTUP_TIMEOUT / _POLL)):
        if server.started:
            return
        if task.done():
            task.result()
            raise EmulatorError("the emulator's server stopped while starting")
        await asyncio.sleep(_POLL)
    raise EmulatorError("the emulator's server did not start in time")


async def _stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    done, _ = await asyncio.wait({task}, timeout=SHUTDOWN_TIMEOUT)
    if not done:
        server.force_exit = True
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved: a failure while stopping is not the caller's concern


@contextlib.asynccontextmanager
async def _serve_socket(
    app: ASGIApp, sock: socket.socket, host: str
) -> AsyncIterator[RunningServer]:
    """Serve ``app`` on the bound ``sock`` as a task of the running loop; the socket is closed."""
    try:
        server = _BackgroundServer(_config(app))
        task = asyncio.create_task(server.serve(sockets=[sock]), name="afilnet-emulator")
        try:
            await _started(server, task)
            yield RunningServer(host, sock.getsockname()[1])
        finally:
            await _stop(server, task)
    finally:
        sock.close()


def serve(
    app: ASGIApp, host: str, port: int
) -> contextlib.AbstractAsyncContextManager[RunningServer]:
    """Serve ``app`` as a task of the running asyncio loop while the context is open."""
    return _serve_socket(app, bind_socket(host, port), host)


class _ServerThread(threading.Thread):
    """A daemon thread running its own event loop with the server until :meth:`stop`."""

    def __init__(self, app: ASGIApp, sock: socket.socket, host: str) -> None:
        super().__init__(daemon=True, name="afilnet-emulator")
        self._app, self._sock, self._host = app, sock, host
        self.ready = threading.Event()
        self.running: RunningServer | None = None
        self.error: Exception | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None

    async def _main(self) -> None:
        self._loop, self._stop_event = asyncio.get_running_loop(), asyncio.Event()
        async with _serve_socket(self._app, self._sock, self._host) as running:
            self.running = running
            self.ready.set()
            await self._stop_event.wait()

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except Exception as exc:  # reported to the caller, not to threading.excepthook
            self.error = exc
        finally:
            self.ready.set()

    def stop(self) -> None:
        """Ask the server to stop and wait for the thread (bounded)."""
        if self.is_alive() and self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self.join(SHUTDOWN_TIMEOUT + 2)


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str, port: int) -> Iterator[RunningServer]:
    """Serve ``app`` on its own event loop in a daemon thread while the context is open."""
    thread = _ServerThread(app, bind_socket(host, port), host)
    thread.start()
    thread.ready.wait(STARTUP_TIMEOUT + 1)
    try:
        if thread.running is None:
            raise thread.error or EmulatorError("the emulator's server thread did not start")
        yield thread.running
    finally:
        thread.stop()


def run_foreground(
    app: ASGIApp, host: str, port: int, on_ready: Callable[[str], object] | None = None
) -> None:
    """Serve ``app`` until Ctrl-C (SIGINT) or SIGTERM; ``on_ready(base_url)`` once listening."""
    sock = bind_socket(host, port)
    running = RunningServer(host, sock.getsockname()[1])
    server = _ForegroundServer(_config(app))

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]), name="afilnet-emulator")
        await _started(server, task)
        if on_ready is not None:
            on_ready(running.base_url)
        await task

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
