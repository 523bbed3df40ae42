"""The emulator in a process of its own, and a small client of its control endpoints.

Benchmarks must not share a process (or a GIL) with the server they measure.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

__all__ = ["RemoteEmulator", "emulator_process"]

_READY = "Afilnet emulator at "


class RemoteEmulator:
    """An emulator process: its API root, its counters and its faults."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._control = httpx.Client(base_url=base_url.removesuffix("api/"), timeout=30)

    def counters(self) -> dict[str, Any]:
        """What the server received and applied (``peak_in_flight``, ``by_method``, ...)."""
        data: dict[str, Any] = self._control.get("_emulator/counters").raise_for_status().json()
        return data

    def reset_counters(self) -> None:
        """Zero the counters (the peak restarts)."""
        self._control.post("_emulator/counters/reset").raise_for_status()

    def set_faults(self, **faults: Any) -> None:
        """Replace the faults in force (``latency=0.05``, ``rate_429=0.04``, ...)."""
        self._control.put("_emulator/faults", json=faults).raise_for_status()

    def set_settings(self, **settings: Any) -> None:
        """Replace the server settings in force (``price_sms=0``, ``delivery_delay=1``, ...)."""
        self._control.put("_emulator/settings", json=settings).raise_for_status()

    def close(self) -> None:
        self._control.close()


@contextmanager
def emulator_process(seed: int = 0) -> Iterator[RemoteEmulator]:
    """Start ``afilnet emulator`` on a free loopback port; stop it with Ctrl-C on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "afilnet_async.cli", "emulator", "--port", "0", "--seed", str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if _READY not in line:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        remote = RemoteEmulator(line.split(_READY, 1)[1].split()[0])
        try:
            yield remote
        finally:
            remote.close()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
