"""Serving over loopback: in the running loop, in a thread, in the foreground; taken ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import httpx
import pytest

from afilnet_async import AfilnetClient, FormAuth
from afilnet_async.emulator import Emulator, EmulatorError, PortInUseError, RunningServer

GETBALANCE = {"class": "user", "method": "getbalance", "user": "demo", "password": "demo"}


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


async def test_serve_binds_loopback_and_a_free_port(emu: Emulator) -> None:
    async with emu.serve(host="127.0.0.1", port=0) as server:
        assert server.host == "127.0.0.1"
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}/api/"
        async with AfilnetClient(FormAuth("demo", "demo"), base_url=server.base_url) as client:
            assert (await client.user.get_balance()).balance == 1000
    with pytest.raises(httpx.ConnectError):  # stopped on leaving the block
        async with httpx.AsyncClient() as http:
            await http.get(server.base_url + "http/", params=GETBALANCE)


def test_serve_in_thread_for_synchronous_callers(emu: Emulator) -> None:
    with emu.serve_in_thread() as server:
        answer = httpx.get(server.base_url + "http/", params=GETBALANCE, timeout=5)
    assert answer.json() == {"status": "SUCCESS", "result": 1000.0}
    assert emu.counters.requests == 1


async def test_a_taken_port_is_a_clear_error(emu: Emulator, taken_port: int) -> None:
    with pytest.raises(PortInUseError) as raised:
        async with emu.serve(port=taken_port):
            pytest.fail("served on a taken port")  # pragma: no cover
    assert isinstance(raised.value, EmulatorError)
    assert f"127.0.0.1:{taken_port}" in str(raised.value)
    with pytest.raises(PortInUseError), emu.serve_in_thread(port=taken_port):
        pytest.fail("served on a taken port")  # pragma: no cover
    with pytest.raises(PortInUseError):
        emu.run(port=taken_port)


def test_running_server_urls() -> None:
    assert RunningServer("::1", 80).base_url == "http://[::1]:80/api/"


_FOREGROUND = textwrap.dedent(
    """
    import sys
    from afilnet_async.emulator import Emulator
    Emulator.demo().run(host="127.0.0.1", port=0, on_ready=lambda url: print(url, flush=True))
    print("stopped cleanly", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is a POSIX affair")
def test_run_in_the_foreground_until_ctrl_c() -> None:
    child = subprocess.Popen(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", _FOREGROUND],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert child.stdout is not None
        base_url = child.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        answer = httpx.get(base_url + "http/", params=GETBALANCE, timeout=5)
        assert answer.json()["status"] == "SUCCESS"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:  # pragma: no cover - only when an assertion failed above
            child.kill()
            child.communicate(timeout=5)
    assert child.returncode == 0, err
    assert "stopped cleanly" in out
    assert "Traceback" not in err
