"""The private event loop a blocking client runs its async client on: one anyio blocking portal.

A :class:`Portal` starts its thread on the first call (a client that is never used costs no
thread, and a client built at import time, before a server forks its workers, starts its loop
in the worker that uses it). Any number of threads may submit calls at once: the portal
hands each to the loop thread-safely and the calls run concurrently there, on the async
client's one connection pool. :meth:`Portal.close` runs the client's ``aclose()`` on the loop,
stops it and joins its thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import ParamSpec, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from ..errors import ClientClosedError

__all__ = ["THREAD_NAME", "Portal"]

P = ParamSpec("P")
T = TypeVar("T")

#: The name of every portal's thread (for logs, debuggers and ``threading.enumerate()``).
THREAD_NAME = "afilnet-blocking"
#: Seconds a call interrupted in the caller's thread (Ctrl-C) is given to unwind on the loop.
UNWIND_TIMEOUT = 10.0
_ON_LOOP = (
    "a blocking AfilnetClient was called from its own event loop thread (from an on_progress "
    "callback or an on_request / on_response hook?): it would wait for itself forever. Those "
    "callbacks run on the client's loop; hand the work to another thread instead"
)


class Portal:
    """One event loop thread shared by a blocking client and the clients derived from it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._manager: contextlib.AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._thread_id: int | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def started(self) -> bool:
        """Whether the loop thread is running now."""
        return self._portal is not None

    def _running(self) -> BlockingPortal:
        """The running portal, started now if this is the first call."""
        with self._lock:
            if self._closed:
                raise ClientClosedError("this AfilnetClient is closed")
            if self._portal is None:
                manager = start_blocking_portal("asyncio", name=THREAD_NAME)
                portal = manager.__enter__()
                self._thread_id = portal.call(threading.get_ident)
                self._manager, self._portal = manager, portal
            return self._portal

    def _check_thread(self) -> None:
        if self._thread_id is not None and threading.get_ident() == self._thread_id:
            raise RuntimeError(_ON_LOOP)

    def run(self, func: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``await func(*args, **kwargs)`` on the loop and return its result, or raise its
        exception (the same object). Interrupted here (Ctrl-C), the call is cancelled on the
        loop and given :data:`UNWIND_TIMEOUT` seconds to unwind before the interruption goes on.
        """
        self._check_thread()
        portal = self._running()
        finished = threading.Event()

        async def call() -> T:
            try:
                return await func(*args, **kwargs)
            finally:
                finished.set()

        try:
            future: Future[T] = portal.start_task_soon(call)
        except RuntimeError:  # stopped between _running() and here: a concurrent close()
            raise ClientClosedError("this AfilnetClient is closed") from None
        try:
            return future.result()
        except BaseException:
            if not future.done():  # interrupted while waiting, not the call's own error
                future.cancel()
                finished.wait(UNWIND_TIMEOUT)
            raise

    def close(self, aclose: Callable[[], Awaitable[None]]) -> None:
        """Run ``aclose()`` on the loop (if it ever started), then stop it and join its thread.

        Calls still running on the loop finish first; new ones raise ClientClosedError.
        Idempotent.
        """
        self._check_thread()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            manager, portal = self._manager, self._portal
            self._manager = self._portal = None
        if manager is None or portal is None:  # never started: nothing was opened on a loop
            with start_blocking_portal("asyncio", name=THREAD_NAME) as once:
                once.call(aclose)
            return
        try:
            portal.call(aclose)
        finally:
            manager.__exit__(None, None, None)
