"""The private event loop a blocking client runs its async client on: one anyio blocking portal.

A :class:`Portal` starts its thread on the first call (a client that is never used costs no
thread, and a client built at import time, before a server forks its workers, starts its loop
in the worker that uses it). Any number of threads may submit calls at once: the portal
hands each to the loop thread-safely and the calls run concurrently there, on the async
client's one connection pool. :meth:`Portal.close` refuses new calls, waits for the running
ones, runs the client's ``aclose()`` on the loop, stops it and joins its thread.
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


def _name_thread() -> int:
    """Name the loop's thread (start_blocking_portal's ``name=`` is recent); its ident."""
    threading.current_thread().name = THREAD_NAME
    return threading.get_ident()


class Portal:
    """One event loop thread shared by a blocking client and the clients derived from it."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._manager: contextlib.AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._thread_id: int | None = None
        self._closed = False  # no new calls
        self._stopped = False  # the loop is stopped (or was never needed)
        self._active = 0  # calls submitted and not yet returned

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def _enter(self) -> BlockingPortal:
        """The running portal (started now if this is the first call), one more call counted."""
        with self._lock:
            if self._closed:
                raise ClientClosedError("this AfilnetClient is closed")
            if self._portal is None:
                manager = start_blocking_portal("asyncio")
                portal = manager.__enter__()
                self._thread_id = portal.call(_name_thread)
                self._manager, self._portal = manager, portal
            self._active += 1
            return self._portal

    def _leave(self) -> None:
        with self._lock:
            self._active -= 1
            if not self._active:
                self._lock.notify_all()

    def _check_thread(self) -> None:
        if self._thread_id is not None and threading.get_ident() == self._thread_id:
            raise RuntimeError(_ON_LOOP)

    def run(self, func: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``await func(*args, **kwargs)`` on the loop and return its result, or raise its
        exception (the same object). Interrupted here (Ctrl-C), the call is cancelled on the
        loop and given :data:`UNWIND_TIMEOUT` seconds to unwind before the interruption goes on.
        """
        self._check_thread()
        portal = self._enter()
        finished = threading.Event()

        async def call() -> T:
            try:
                return await func(*args, **kwargs)
            finally:
                finished.set()

        try:
            future: Future[T] = portal.start_task_soon(call)
            try:
                return future.result()
            except BaseException:
                if not future.done():  # interrupted while waiting, not the call's own error
                    future.cancel()
                    finished.wait(UNWIND_TIMEOUT)
                raise
        finally:
            self._leave()

    def close(self, aclose: Callable[[], Awaitable[None]]) -> None:
        """Refuse new calls, wait for the running ones, run ``aclose()`` on the loop, then stop
        the loop and join its thread. New calls raise ClientClosedError. Idempotent.
        """
        self._check_thread()
        with self._lock:
            self._closed = True
            while self._active:  # calls from other threads: let them finish
                self._lock.wait()
            if self._stopped:
                return
            self._stopped = True
            manager, portal = self._manager, self._portal
            self._manager = self._portal = None
        if manager is None or portal is None:  # never started: nothing was opened on a loop
            with start_blocking_portal("asyncio") as once:
                once.call(aclose)
            return
        try:
            portal.call(aclose)
        finally:
            manager.__exit__(None, None, None)
