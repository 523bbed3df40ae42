"""Running the real ``afilnet`` command in a subprocess, piped or on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from afilnet_async.emulator import Emulator, Group

#: The contact files the library's import tests read too (tests/bulk/test_import_files.py).
CONTACT_FILES = Path(__file__).resolve().parent.parent / "fixtures" / "contact-files"
#: The command as users run it, through this interpreter (``python -m afilnet_async.cli``).
AFILNET = (sys.executable, "-m", "afilnet_async.cli")
#: Every subprocess is bounded by this many seconds.
TIMEOUT = 30.0

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without AFILNET_* or colour overrides, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AFILNET_")
        and key not in {"FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERM"}
    }
    env["COLUMNS"] = "160"  # tables on one line per row when captured
    env.update(extra)
    return env


@attrs.frozen
class Result:
    """What one run of the command did."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON (the format when stdout is not a terminal)."""
        return json.loads(self.stdout)

    @property
    def error_line(self) -> str:
        """The one line on stderr (asserting there is exactly one)."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got {self.stderr!r}"
        return lines[0]


def check_output_hygiene(result: Result, env: Mapping[str, str]) -> None:
    """No traceback ever, and the password never appears in anything the command prints."""
    assert "Traceback" not in result.stderr, result.stderr
    password = env.get("AFILNET_PASSWORD", "")
    if len(password) >= 8:  # distinctive test passwords (not the emulator's "demo")
        assert password not in result.stdout, "the password was echoed on stdout"
        assert password not in result.stderr, "the password was echoed on stderr"


def run(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    cwd: Path | None = None,
    command: Sequence[str] = AFILNET,
    timeout: float = TIMEOUT,
    hygiene: bool = True,
) -> Result:
    """Run ``afilnet args`` to completion with stdout and stderr captured (not terminals).

    With ``hygiene`` (the default) it also asserts :func:`check_output_hygiene`.
    """
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [*command, *args],
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    result = Result(tuple(args), done.returncode, done.stdout, done.stderr)
    if hygiene:
        check_output_hygiene(result, env)
    return result


def run_many(
    runs: Sequence[Sequence[str]], env: Mapping[str, str], *, command: Sequence[str] = AFILNET
) -> list[Result]:
    """:func:`run` each of ``runs`` (independent commands), a few at a time; results in order."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: run(args, env, command=command), runs))


def run_on_terminal(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    terminal: str,
    cwd: Path | None = None,
    timeout: float = TIMEOUT,
    stdin_terminal: bool = False,
    rows: int = 40,
) -> tuple[Result, str]:
    """Run ``afilnet args`` with ``terminal`` ("stdout" or "stderr") on a pseudo-terminal
    of ``rows`` lines (stdin on it too with ``stdin_terminal``, as in an interactive shell).

    Returns the result (the terminal's stream is empty in it) and the terminal's text, with
    colours and cursor movements stripped.
    """
    assert terminal in ("stdout", "stderr")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 160, 0, 0))
    streams: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    streams[terminal] = slave
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [*AFILNET, *args],
        env={**env, "TERM": "xterm-256color"},
        cwd=cwd,
        stdin=slave if stdin_terminal else subprocess.DEVNULL,
        text=True,
        **streams,
    )
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([master], [], [], 0.1)
            if not readable:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal closed it
                break
            if not data:
                break
            seen += data
        other = "stderr" if terminal == "stdout" else "stdout"
        outputs = dict.fromkeys(("stdout", "stderr"), "")
        outputs[other] = process.communicate(timeout=max(deadline - time.monotonic(), 1))[
            0 if other == "stdout" else 1
        ]
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait(5)
    result = Result(tuple(args), process.returncode, outputs["stdout"], outputs["stderr"])
    text = _ANSI.sub("", seen.decode("utf-8", "replace")).replace("\r", "")
    check_output_hygiene(result, env)
    check_output_hygiene(Result(tuple(args), 0, text, text), env)
    return result, text


class Background:
    """``afilnet ARGS`` running in the background (an emulator, an import to interrupt)."""

    def __init__(
        self, args: Sequence[str], env: Mapping[str, str], *, cwd: Path | None = None
    ) -> None:
        self.env = dict(env)
        self.args = tuple(args)
        self.printed = b""  # what first_line() read of stdout
        self.process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [*AFILNET, *args],
            env=self.env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered: first_line() reads nothing beyond its line
        )

    def first_line(self, timeout: float = 15.0) -> str:
        """The first line the command printed on stdout (waits at most ``timeout``)."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while not self.printed.endswith(b"\n"):
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            assert readable, f"afilnet {' '.join(self.args)} printed no line in {timeout} s"
            byte = self.process.stdout.read(1)
            assert byte, f"afilnet {' '.join(self.args)} ended: {self.wait().stderr}"
            self.printed += byte
        return self.printed.decode()

    def interrupt(self, timeout: float = 15.0, sig: signal.Signals = signal.SIGINT) -> Result:
        """Ctrl-C (or another signal), then wait for the command to end (bounded)."""
        self.process.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout: float = 15.0) -> Result:
        """Wait for the command to end (bounded); its whole output, first line included."""
        stdout, stderr = self.process.communicate(timeout=timeout)
        result = Result(
            self.args, self.process.returncode, (self.printed + stdout).decode(), stderr.decode()
        )
        check_output_hygiene(result, self.env)
        return result

    def stop(self) -> None:
        """Make sure the process is gone (for fixtures' clean-up)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@attrs.frozen
class Seen:
    """One HTTP request as the emulator received it (the Authorization scheme only)."""

    method: str
    path: str
    query: str
    authorization: str
    body: bytes

    @property
    def fields(self) -> dict[str, Any]:
        """The request's parameters, from the query and the form or JSON body."""
        fields: dict[str, Any] = dict(parse_qsl(self.query, keep_blank_values=True))
        if self.body.startswith(b"{"):
            fields.update(json.loads(self.body))
        elif self.body:
            fields.update(parse_qsl(self.body.decode(), keep_blank_values=True))
        return fields

    @property
    def call(self) -> str | None:
        """``class.method`` of an API call (None for the token endpoint)."""
        fields = self.fields
        return f"{fields['class']}.{fields['method']}" if "class" in fields else None


class Recorder:
    """ASGI middleware keeping every request in ``seen`` (thread-safe, clearable)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._seen: list[Seen] = []
        self._lock = threading.Lock()

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def calls(self) -> list[str]:
        """The ``class.method`` of every API call received, in order."""
        return [s.call for s in self.seen if s.call is not None]

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = bytearray()

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        try:
            await self.app(scope, recording_receive, send)
        finally:
            headers = dict(scope["headers"])
            scheme = headers.get(b"authorization", b"").split(b" ")[0].decode()
            seen = Seen(
                scope["method"], scope["path"], scope["query_string"].decode(), scheme, bytes(body)
            )
            with self._lock:
                self._seen.append(seen)


@attrs.frozen
class Account:
    """A fresh account on the shared emulator, and the environment that logs in as it."""

    user: str
    password: str
    env: dict[str, str]
    emulator: Emulator = attrs.field(repr=False)


def new_group(
    account: Account,
    *fields: str,
    group_type: str = "mobile",
    contacts: Sequence[Mapping[str, str]] = (),
) -> int:
    """A group of ``account`` put straight into the emulator's state (no request), holding
    ``contacts``; its id."""
    state = account.emulator.state
    owner = state.find(account.user)
    assert owner is not None
    idgroup = state.next_id()
    group = Group(idgroup, owner, "Test group", group_type, list(fields))
    state.groups[idgroup] = group
    for contact in contacts:
        group.store(state.next_id(), dict(contact))
    return idgroup


def stored_contacts(account: Account, idgroup: int) -> list[dict[str, Any]]:
    """``afilnet contacts list``: what the emulator holds in the group."""
    result: Result = run(["contacts", "list", str(idgroup)], account.env)
    assert result.returncode == 0, result.stderr
    contacts: list[dict[str, Any]] = result.json()
    return contacts


@attrs.frozen
class Served:
    """The emulator the tests share, where it listens, and what it received."""

    emulator: Emulator
    base_url: str
    recorder: Recorder
