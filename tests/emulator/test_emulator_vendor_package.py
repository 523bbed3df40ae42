"""The vendor's own ``afilnet`` 1.0.1 package (synchronous urllib) gets correct answers.

It hard-codes ``http://www.afilnet.com/api/http/?class=...&user=U&password=P`` (no escaping).
Honestly pointed at the emulator the way any urllib program can be: through the standard
``http_proxy`` variable, which makes urllib send ``GET http://www.afilnet.com/api/http/?...``
(an absolute-form target) to the emulator on a loopback port. It runs in a child process, so
the proxy setting cannot leak into other tests, and with no network a request that bypassed
the proxy would fail instead of reaching the real Afilnet.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from afilnet_async.emulator import Emulator, RunningServer

_SCRIPT = """
import json, sys
import afilnet
print(json.dumps({
    "good": afilnet.getBalance("demo", "demo"),
    "bad": afilnet.getBalance("demo", "wrong-password"),
    "is_user": afilnet.isUser("demo", "demo"),
}))
"""


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture(scope="module")
def server(emu: Emulator) -> Iterator[RunningServer]:
    with emu.serve_in_thread(host="127.0.0.1", port=0) as running:
        yield running


def _run_vendor_client(proxy: str) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env |= {"http_proxy": proxy, "HTTP_PROXY": proxy}
    child = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    answers: dict[str, Any] = json.loads(child.stdout)
    return answers


def test_the_vendor_package_is_the_documented_release() -> None:
    assert importlib.metadata.version("afilnet") == "1.0.1", (
        "install the vendor package: pip install afilnet==1.0.1 (part of the test extra)"
    )


def test_vendor_get_balance(emu: Emulator, server: RunningServer) -> None:
    answers = _run_vendor_client(server.url)
    assert answers["good"] == {"status": "SUCCESS", "result": {"balance": 1000.0}}
    assert answers["bad"] == {"status": "ERROR", "error": "INCORRECT_USER_PASSWORD"}
    assert answers["is_user"] is True
    assert emu.counters.by_method["user.getbalance"] == 3
