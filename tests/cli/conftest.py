"""Fixtures for the ``afilnet`` command tests.

One demo emulator is served on 127.0.0.1 (a free port, its own thread) for the whole run,
behind a recorder that keeps every request it received; each test gets a fresh account on it
with a distinctive password, and runs the real command in a subprocess with a controlled
environment (no AFILNET_* from the parent unless the test sets it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from afilnet_async.emulator import Emulator, Faults
from afilnet_async.emulator.server import serve_in_thread

from .helpers import Account, Recorder, Served, clean_environment

_accounts = itertools.count(1)


@pytest.fixture(scope="session")
def served() -> Iterator[Served]:
    """A demo emulator on 127.0.0.1 (free port), in its own thread, for the whole run."""
    emulator = Emulator.demo()
    recorder = Recorder(emulator.app)
    with serve_in_thread(recorder, "127.0.0.1", 0) as running:
        yield Served(emulator, running.base_url, recorder)


@pytest.fixture
def emulator(served: Served) -> Iterator[Served]:
    """The shared emulator, its recorder cleared, its faults reset after the test."""
    served.recorder.clear()
    yield served
    served.emulator.faults = Faults()


@pytest.fixture
def account(emulator: Served) -> Account:
    """A new reseller account with a distinctive password, and its AFILNET_* environment."""
    number = next(_accounts)
    user, password = f"cli-user-{number}", f"pw-S3cr3t-cli-{number}!"
    emulator.emulator.add_account(user, password, reseller=True, balance=250.5)
    env = clean_environment(
        AFILNET_USER=user, AFILNET_PASSWORD=password, AFILNET_BASE_URL=emulator.base_url
    )
    return Account(user, password, env, emulator.emulator)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's own directory, where the CSV files go and the command runs."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
