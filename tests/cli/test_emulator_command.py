"""``afilnet emulator``: a foreground server with the demo account, fault options, Ctrl-C."""

from __future__ import annotations

import re
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from afilnet_async.spec import METHODS

from .helpers import AFILNET, Background, clean_environment, run, run_many

_READY = re.compile(r"^Afilnet emulator at (http://127\.0\.0\.1:(\d+)/api/) ")


@pytest.fixture
def started() -> Iterator[list[Background]]:
    """Background commands started by the test; killed afterwards if still running."""
    processes: list[Background] = []
    yield processes
    for process in processes:
        process.stop()


def start_emulator(started: list[Background], *options: str) -> str:
    """``afilnet emulator --port 0 OPTIONS`` in the background; its base URL once ready."""
    emulator = Background(["emulator", "--port", "0", *options], clean_environment())
    started.append(emulator)
    ready = _READY.match(emulator.first_line())
    assert ready, "the first line names the base URL"
    return ready.group(1)


def demo_env(base_url: str) -> dict[str, str]:
    return clean_environment(
        AFILNET_USER="demo", AFILNET_PASSWORD="demo", AFILNET_BASE_URL=base_url
    )


def test_serves_the_demo_account_until_ctrl_c(started: list[Background]) -> None:
    base_url = start_emulator(started)

    balance = run(["balance"], demo_env(base_url))
    assert balance.returncode == 0, balance.stderr
    assert balance.json() == {"balance": 1000.0}

    stopped = started[0].interrupt()
    assert stopped.returncode == 0
    assert stopped.stderr == ""
    assert f"export AFILNET_BASE_URL={base_url}" in stopped.stdout


def test_sigterm_stops_it_cleanly_too(started: list[Background]) -> None:
    start_emulator(started)
    stopped = started[0].interrupt(sig=signal.SIGTERM)
    assert stopped.returncode == 0
    assert stopped.stderr == ""


def test_fault_options_reach_the_server(started: list[Background]) -> None:
    base_url = start_emulator(started, "--rate-429", "1", "--retry-after", "0", "--seed", "7")

    refused = run(["balance"], demo_env(base_url))

    assert refused.returncode == 1
    assert refused.error_line == "afilnet: error: rate limited (HTTP 429)"


def test_a_port_in_use_is_one_line_and_a_failure() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run(["emulator", "--port", str(port)], clean_environment(), timeout=15)

    assert result.returncode == 1
    assert result.error_line.startswith(f"afilnet: error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--rate-429", "0.6", "--rate-503", "0.6"],
            "afilnet: error: fault options: the fault rates must not sum above 1",
        ),
        (["--port", "70000"], "afilnet: error: Invalid value for '--port': 70000 is not in"),
    ],
    ids=["rates-above-1", "port-out-of-range"],
)
def test_bad_fault_options_are_one_line(options: list[str], message: str) -> None:
    result = run(["emulator", "--port", "0", *options], clean_environment(), timeout=15)

    assert result.returncode != 0
    assert result.error_line.startswith(message)


def test_python_dash_m_is_the_afilnet_command() -> None:
    script = Path(sys.executable).with_name("afilnet")
    assert script.exists(), "the console script is installed next to the interpreter"
    env = clean_environment()

    runs = (["methods"], ["call", "nosuch", "getbalance"])
    by_scripts = run_many(runs, env, command=[str(script)])
    by_modules = run_many(runs, env, command=AFILNET)

    for args, by_script, by_module in zip(runs, by_scripts, by_modules, strict=True):
        assert (by_module.returncode, by_module.stdout, by_module.stderr) == (
            by_script.returncode,
            by_script.stdout,
            by_script.stderr,
        )
        if args == ["methods"]:
            assert by_module.returncode == 0
            listed = by_module.json()  # piped: JSON
            assert len(listed) == len(METHODS)
            assert {"method": "group.addcontactlist", "params": "idgroup contacts",
                    "result": "raw", "retried": "no"} in listed  # fmt: skip
        else:
            assert by_module.returncode == 2  # a usage error
            assert by_module.error_line.startswith("afilnet: error: unknown method nosuch.")


def _without(module: str, args: list[str]) -> list[str]:
    """``python -c``: the command with ``module`` impossible to import."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from afilnet_async.cli import main\n"
        f"raise SystemExit(main({args!r}))"
    )
    return [sys.executable, "-c", code]


def test_without_the_cli_extra_main_says_what_to_install() -> None:
    result = run([], clean_environment(), command=_without("rich", ["methods"]))

    assert result.returncode == 2
    assert result.error_line == (
        "afilnet: the command line needs its extra: pip install 'afilnet-async[cli]' "
        "(rich is not installed)"
    )


def test_without_uvicorn_only_the_emulator_commands_fail() -> None:
    env = clean_environment()

    listed = run([], env, command=_without("uvicorn", ["methods"]))
    served = run([], env, command=_without("uvicorn", ["emulator", "--port", "0"]))

    assert listed.returncode == 0
    assert len(listed.json()) == len(METHODS)
    assert served.returncode == 2
    assert "pip install 'afilnet-async[emulator]'" in served.error_line
