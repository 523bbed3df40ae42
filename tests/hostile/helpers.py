"""Shared by the hostile tests: the figures of each case, RSS readings, bounded runs, secrets."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

from afilnet_async import AfilnetClient, FormAuth

from .rss import proc_status, reset_peak_rss

MIB = 2**20
USER = "hostile@example.com"
PASSWORD = "pw-S3cr3t-hostile!"

#: case -> figure name -> value; printed by the conftest's terminal summary.
FIGURES: dict[str, dict[str, Any]] = {}


def record(case: str, **figures: Any) -> None:
    """Set figures of ``case`` (the last value wins)."""
    FIGURES.setdefault(case, {}).update(figures)


# --- memory --------------------------------------------------------------------------------


# --- running one case ----------------------------------------------------------------------


class Outcome:
    """What one bounded call did: its result or exception, and how long it took."""

    def __init__(self, result: Any, error: Exception | None, seconds: float) -> None:
        self.result, self.error, self.seconds = result, error, seconds

    def describe(self) -> str:
        if self.error is None:
            return f"returned {self.result!r:.120}"
        return f"raised {type(self.error).__name__}: {str(self.error)[:200]}"


def exception_name(error: BaseException | None) -> str:
    if error is None:
        return "none"
    if isinstance(error, BaseExceptionGroup):
        inner = ", ".join(exception_name(e) for e in error.exceptions)
        return f"{type(error).__name__}[{inner}]"
    return type(error).__name__


class Case:
    """One hostile case; its figures (exception, seconds, peak RSS) go to the summary."""

    def __init__(self, name: str) -> None:
        self.name = name
        record(name, exception="(not reached)")

    def note(self, **figures: Any) -> None:
        record(self.name, **figures)

    async def run(self, work: Callable[[], Awaitable[Any]], *, bound: float) -> Outcome:
        """Await ``work()`` for at most ``bound`` seconds (a hang fails the test there);
        record the exception it raised, the seconds it took and the peak RSS meanwhile."""
        reset = reset_peak_rss()
        start = proc_status()["VmRSS"]
        result: Any = None
        error: Exception | None = None
        began = time.perf_counter()
        with anyio.move_on_after(bound) as scope:
            try:
                result = await work()
            except Exception as exc:  # the point of the case: which one, and when
                error = exc
        seconds = time.perf_counter() - began
        peak = proc_status()["VmHWM"]
        self.note(
            exception=exception_name(error),
            seconds=seconds,
            peak_rss_mib=peak / MIB,
            rss_growth_mib=(peak - start) / MIB if reset else None,
        )
        if scope.cancelled_caught:
            self.note(exception=f"none: still running after {bound:g} s (cancelled)")
            pytest.fail(
                f"{self.name}: still running after {bound:g} s: a hang, stopped by the bound"
            )
        return Outcome(result, error, seconds)


def client_on(base_url: str, **options: Any) -> AfilnetClient:
    """A FormAuth client with the distinctive password, on a loopback server."""
    auth = options.pop("auth", None) or FormAuth(USER, PASSWORD)
    return AfilnetClient(auth, base_url=base_url, **options)


def rows(count: int, start: int = 0) -> list[dict[str, str]]:
    """``count`` valid mobile contacts."""
    return [{"mobile": f"346{n:08d}", "name": f"Contact {n}"} for n in range(start, start + count)]


# --- secrets in frames ---------------------------------------------------------------------


def spellings(secret: str) -> set[str]:
    """The forms a secret takes in a repr: as is, JSON-escaped, as UTF-8 bytes."""
    return {secret, json.dumps(secret)[1:-1], repr(secret.encode())[2:-1]}


def frames_holding(error: BaseException, secret: str, package: str = "afilnet_async") -> list[str]:
    """Every frame of ``package`` in the tracebacks of ``error`` and of the exceptions chained
    to it (cause, context, group members) whose locals hold ``secret`` in their repr."""
    needles = spellings(secret)
    found: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            module = str(frame.f_globals.get("__name__", ""))
            if module == package or module.startswith(package + "."):
                for name, value in frame.f_locals.items():
                    try:
                        text = repr(value)
                    except Exception as failed:  # a repr that fails is not a leak
                        text = f"<repr failed: {type(failed).__name__}>"
                    if any(needle in text for needle in needles):
                        found.append(f"{module}.{frame.f_code.co_name} local {name!r}")
            tb = tb.tb_next
        pending.extend(e for e in (exc.__cause__, exc.__context__) if e is not None)
        if isinstance(exc, BaseExceptionGroup):
            pending.extend(exc.exceptions)
    return found


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without AFILNET_* variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFILNET_")}
    env.update(extra)
    return env
