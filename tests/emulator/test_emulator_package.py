"""The emulator as a package of its own: boundaries, handlers against the spec, the CLI's
options generated from the fields, the one assumptions document."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import attrs
import httpx
import pytest

import afilnet_async.emulator as package
from afilnet_async import AfilnetError
from afilnet_async.emulator import (
    Emulator,
    EmulatorError,
    Faults,
    PortInUseError,
    ServerSettings,
    TranscriptError,
    assumptions,
)
from afilnet_async.emulator import methods as handlers
from afilnet_async.spec import METHODS

PACKAGE_DIR = Path(package.__file__).parent
#: The library modules the emulator may import: its public surface.
PUBLIC = {"afilnet_async", "afilnet_async.spec", "afilnet_async.redaction"}


def _library_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in ``path`` that reaches outside the emulator package."""
    depth = len(path.relative_to(PACKAGE_DIR).parts)  # 1 for emulator/x.py, 2 for methods/x.py
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if node.level == 0 and (node.module or "").startswith("afilnet_async"):
                found.append((node.module or "", names))
            elif node.level > depth:  # a relative import climbing out of the package
                found.append(("." * node.level + (node.module or ""), names))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("afilnet_async")]
    return found


def test_the_emulator_uses_only_the_librarys_public_surface() -> None:
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for module, names in _library_imports(path):
            where = path.relative_to(PACKAGE_DIR)
            assert module in PUBLIC, f"{where} imports {module}"
            assert not [n for n in names if n.startswith("_")], f"{where}: private {names}"


def test_its_exceptions_have_their_own_root() -> None:
    for error in (PortInUseError, TranscriptError):
        assert issubclass(error, EmulatorError)
    assert not issubclass(EmulatorError, AfilnetError)
    assert issubclass(PortInUseError, OSError)
    assert issubclass(TranscriptError, ValueError)


def test_every_spec_method_has_a_handler_and_every_handler_a_spec() -> None:
    assert Emulator.missing_handlers() == []
    assert handlers.unspecified_handlers() == []
    assert len(handlers.HANDLERS) == len(METHODS)


async def test_a_spec_method_without_a_handler_answers_501(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(handlers.HANDLERS, ("voice", "sendvoice"))
    assert Emulator.missing_handlers() == ["voice.sendvoice"]
    emu = Emulator.demo()
    async with httpx.AsyncClient(transport=emu.transport(), base_url="http://127.0.0.1") as http:
        answer = await http.get("/api/http/", params={
            "user": "demo", "password": "demo", "class": "voice", "method": "sendvoice",
        })  # fmt: skip
    assert answer.status_code == 501
    assert answer.headers["content-type"].startswith("text/plain")
    assert "voice.sendvoice" in answer.text


def test_one_assumptions_document() -> None:
    text = assumptions()
    for section in ("Protocol", "Error precedence", "Dialects", "Messaging", "Faults"):
        assert f"## {section}" in text, section
    for path in (PACKAGE_DIR / "__init__.py", PACKAGE_DIR / "app.py"):
        assert "ASSUMPTIONS.md" in path.read_text("utf-8")
    assert "ASSUMPTIONS\n====" not in (PACKAGE_DIR / "__init__.py").read_text("utf-8")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "afilnet_async.cli", "emulator", *args]


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def test_every_field_is_an_option_of_afilnet_emulator() -> None:
    shown = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        _cli("--help"), capture_output=True, text=True, timeout=30, check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout  # fmt: skip
    shown = " ".join(shown.split())  # click wraps the help at 80 columns
    for cls in (Faults, ServerSettings):
        for field in attrs.fields(cls):
            assert _option(field.name) in shown, f"{cls.__name__}.{field.name}"
            if not field.metadata.get("legacy"):
                assert " ".join(field.metadata["help"].split()) in shown
    for own in ("--host", "--port", "--seed", "--dialect", "--transcript"):
        assert own in shown


def test_generated_options_reach_the_server() -> None:
    child = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        _cli("--port", "0", "--dialect", "php", "--price-sms", "2.5", "--status-5xx", "500,504",
             "--delivery-delay", "0", "--no-token-endpoint-faults"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert child.stdout is not None
        base_url = child.stdout.readline().split("at ", 1)[1].split()[0]
        control = base_url.removesuffix("api/") + "_emulator/"
        assert httpx.get(control + "settings", timeout=5).json()["price_sms"] == 2.5
        assert httpx.get(control + "faults", timeout=5).json()["status_5xx"] == [500, 504]
        assert httpx.get(control + "dialect", timeout=5).json() == {"name": "php"}
        sent = httpx.get(base_url + "http/", timeout=5, params={
            "user": "demo", "password": "demo", "class": "sms", "method": "sendsms",
            "from": "Shop", "to": "34600000000", "sms": "hi",
        }).json()  # fmt: skip
        assert sent["status"] == "success"
        assert sent["result"]["credits"] == "2.5"
    finally:
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=10)
    assert child.returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--rate-429", "0.7", "--rate-503", "0.7"), "fault options: the fault rates"),
     (("--price-sms", "-1"), "server options: 'price_sms' must be >= 0"),
     (("--status-5xx", "5x0"), "is not a comma-separated list of integers")],
)  # fmt: skip
def test_bad_options_are_one_line(args: tuple[str, ...], message: str) -> None:
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        _cli("--port", "0", *args), capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreadable_transcript_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        _cli("--port", "0", "--transcript", str(bad)), capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "afilnet-doctor transcript" in done.stderr
    assert "Traceback" not in done.stderr
