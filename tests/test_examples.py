"""The programs in examples/ run, against the emulator on a loopback port.

The scripts run as a user runs them (a subprocess with the ``AFILNET_*`` variables pointing at
the emulator); the web app runs in process, its lifespan included, through httpx's ASGI
transport. Each test asserts what the program did to the emulator, not only its output.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from afilnet_async import (
    AfilnetTimeoutError,
    ClientClosedError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from afilnet_async.blocking import AfilnetClient
from afilnet_async.emulator import Emulator, Faults, RunningServer
from afilnet_async.errors import api_error_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture
def server(emu: Emulator) -> Iterator[RunningServer]:
    with emu.serve_in_thread() as running:
        yield running


def _environment(server: RunningServer | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFILNET_")}
    if server is not None:
        env |= {"AFILNET_USER": "demo", "AFILNET_PASSWORD": "demo",
                "AFILNET_BASE_URL": server.base_url}  # fmt: skip
    return env


def run_example(
    name: str, *args: str, server: RunningServer | None
) -> subprocess.CompletedProcess[str]:
    """``python examples/NAME ARGS`` from the repository's root, as its docstring says."""
    return subprocess.run(  # noqa: S603 (our own interpreter and files)
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=ROOT, env=_environment(server), capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def load_example(name: str) -> ModuleType:
    """examples/NAME imported under its own name (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_example_says_how_to_run_it_against_the_api_and_the_emulator() -> None:
    for path in sorted(EXAMPLES.glob("*.py")):
        doc = load_example(path.stem).__doc__ or ""
        assert "afilnet emulator" in doc, path.name
        assert "AFILNET_BASE_URL=http://127.0.0.1:8765/api/" in doc, path.name
        assert "AFILNET_USER=you@example.com" in doc, path.name
    assert {p.name for p in EXAMPLES.glob("*.py")} == {
        "web_app.py", "blocking_script.py", "import_worker.py",
    }  # fmt: skip


# -- blocking_script.py -------------------------------------------------------------------------


def test_blocking_script(emu: Emulator, server: RunningServer) -> None:
    done = run_example("blocking_script.py", server=server)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "balance: 1000.0",
        "group: 1000",
        "contact 1001: {'mobile': '34600000000', 'name': 'Ann'}",
    ]
    assert emu.state.groups[1000].name == "Example customers"
    assert list(emu.state.groups[1000].contacts.values()) == [
        {"mobile": "34600000000", "name": "Ann"}
    ]

    done = run_example("blocking_script.py", "--delete-group", "--mobile", "34600000001",
                       server=server)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "deleted group 1002"
    assert set(emu.state.groups) == {1000}
    assert emu.counters.contacts_stored == 2


def test_blocking_script_without_credentials_says_so() -> None:
    done = run_example("blocking_script.py", server=None)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ConfigurationError: set AFILNET_USER")
    assert "Traceback" not in done.stderr


# -- import_worker.py ---------------------------------------------------------------------------

CSV = (
    "\ufeffMobile;Name\r\n"  # as Excel writes it: a BOM, ';', capitals, CRLF
    "34600000001;Ann\r\n"
    "34600000002;Bob\r\n"
    "not-a-phone;Cy\r\n"
    "34600000001;Ann again\r\n"
    "34600000003;Di\r\n"
)


def test_import_worker_imports_resumes_and_writes_the_failed_rows(
    emu: Emulator, server: RunningServer, tmp_path: Path
) -> None:
    with AfilnetClient.from_env(_environment(server)) as client:
        group = client.group.create_group(
            name="Customers", type="mobile", fields=["mobile", "name"]
        )
    assert group.idgroup == 1000
    source = tmp_path / "customers.csv"
    source.write_text(CSV, encoding="utf-8", newline="")

    done = run_example("import_worker.py", str(source), "--group", "1000", server=server)
    assert done.returncode == 1, done.stderr  # some rows failed
    assert "5 rows: 3 imported (0 by an earlier run), 2 failed, 0 skipped" in done.stdout
    assert "failed (line 4): line 4: mobile 'not-a-phone'" in done.stdout
    assert "failed (line 5): line 5: duplicate of line 2" in done.stdout
    stored = sorted(c["mobile"] for c in emu.state.groups[1000].contacts.values())
    assert stored == ["34600000001", "34600000002", "34600000003"]

    journal = tmp_path / "customers.csv.journal"
    records = [json.loads(line) for line in journal.read_text("utf-8").splitlines()]
    assert records[0]["kind"] == "import" and records[0]["idgroup"] == 1000
    assert [r["event"] for r in records[1:]] == ["sent", "confirmed"]

    failed = (tmp_path / "customers.failed.csv").read_text("utf-8").splitlines()
    assert failed == [
        "mobile,name,error,line",
        "not-a-phone,Cy,\"line 4: mobile 'not-a-phone' holds 'n', which is not a digit\",4",
        "34600000001,Ann again,line 5: duplicate of line 2,5",
    ]

    requests = emu.counters.by_method["group.addcontactlist"]
    again = run_example("import_worker.py", str(source), "--group", "1000", server=server)
    assert again.returncode == 1, again.stderr
    assert "5 rows: 3 imported (3 by an earlier run), 2 failed" in again.stdout
    assert "0 requests" in again.stdout
    assert emu.counters.by_method["group.addcontactlist"] == requests  # nothing sent again
    assert len(emu.state.groups[1000].contacts) == 3


def test_import_worker_with_every_row_good_exits_0(
    emu: Emulator, server: RunningServer, tmp_path: Path
) -> None:
    with AfilnetClient.from_env(_environment(server)) as client:
        client.group.create_group(name="Customers", type="mobile", fields=["mobile", "name"])
    source = tmp_path / "good.csv"
    source.write_text("mobile,name\n34600000001,Ann\n34600000002,Bob\n", encoding="utf-8")
    journal = tmp_path / "elsewhere.journal"
    done = run_example("import_worker.py", str(source), "--group", "1000",
                       "--journal", str(journal), server=server)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 rows: 2 imported" in done.stdout
    assert journal.exists()
    assert not (tmp_path / "good.failed.csv").exists()
    assert len(emu.state.groups[1000].contacts) == 2


# -- web_app.py ---------------------------------------------------------------------------------


@pytest.fixture
async def web(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[ModuleType, httpx.AsyncClient]]:
    """The example app with its lifespan running, configured by the environment."""
    for name, value in _environment(server).items():
        if name.startswith("AFILNET_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("AFILNET_AUTH", raising=False)
    web_app = load_example("web_app")
    app = web_app.app
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://web.test") as http,
    ):
        yield web_app, http
    assert app.state.afilnet.is_closed  # the lifespan closed its client


async def test_web_app_routes(emu: Emulator, web: tuple[ModuleType, httpx.AsyncClient]) -> None:
    _, http = web
    answer = await http.get("/balance")
    assert (answer.status_code, answer.json()) == (200, {"balance": "1000.0"})

    answer = await http.post("/groups", json={"name": "Customers", "fields": ["mobile", "name"]})
    assert (answer.status_code, answer.json()) == (201, {"idgroup": 1000})
    answer = await http.post("/groups/1000/contacts", json={"mobile": "34600000000", "name": "A"})
    assert answer.status_code == 201
    answer = await http.get("/groups/1000/contacts")
    assert answer.json() == [{"idcontact": 1001, "mobile": "34600000000", "name": "A"}]
    assert list(emu.state.groups[1000].contacts.values()) == [
        {"mobile": "34600000000", "name": "A"}
    ]


async def test_web_app_maps_library_errors(
    emu: Emulator, web: tuple[ModuleType, httpx.AsyncClient]
) -> None:
    _, http = web
    await http.post("/groups", json={"name": "Customers", "fields": ["mobile", "name"]})

    answer = await http.get("/groups/999/contacts")  # NOT_ACCESS_TO_GROUP
    assert answer.status_code == 404
    answer = await http.post("/groups/1000/contacts", json={"name": "no mobile"})
    assert answer.status_code == 422
    assert "MISSING_MAIN_FIELD" in answer.json()["error"]
    answer = await http.post("/groups", json={"fields": ["mobile"]})  # no name: not sent
    assert (answer.status_code, answer.json()) == (
        422, {"error": "name: must not be empty"},
    )  # fmt: skip
    answer = await http.post("/groups/1000/contacts", content=b"{not json")
    assert (answer.status_code, answer.json()) == (400, {"error": "the body is not JSON"})

    emu.faults = Faults(rate_429=1.0)
    answer = await http.get("/balance")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json() == {"error": "Afilnet is unavailable"}
    emu.faults = Faults()


async def test_web_app_answers_504_when_afilnet_is_slow(
    emu: Emulator, web: tuple[ModuleType, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    web_app, http = web
    monkeypatch.setattr(web_app, "CALL_TIMEOUT", 0.2)
    emu.faults = Faults(latency=1.0)
    started = time.monotonic()
    answer = await http.get("/balance")
    assert time.monotonic() - started < 0.9  # max_retries=0: one attempt, then the answer
    assert (answer.status_code, answer.json()) == (504, {"error": "Afilnet did not answer in time"})
    emu.faults = Faults()


def test_web_app_status_table() -> None:
    http_status = load_example("web_app").http_status
    timeout = AfilnetTimeoutError("slow")
    assert http_status(ValidationError("bad")) == (422, {})
    assert http_status(api_error_for("INCORRECT_TYPE")) == (422, {})
    assert http_status(api_error_for("NOT_ACCESS_TO_CONTACT")) == (404, {})
    assert http_status(api_error_for("ACCOUNT_NOT_FOUND")) == (404, {})
    assert http_status(api_error_for("CONTACT_EXISTS")) == (409, {})
    assert http_status(RateLimitError("429", retry_after=7.2)) == (503, {"Retry-After": "8"})
    assert http_status(RateLimitError("429")) == (503, {"Retry-After": "1"})
    assert http_status(timeout) == (504, {})
    assert http_status(OutcomeUnknownError("group.addcontact", timeout)) == (504, {})
    assert http_status(ClientClosedError("closed")) == (503, {})
    assert http_status(ServerError("500", status_code=500)) == (502, {})
    assert http_status(api_error_for("INCORRECT_USER_PASSWORD")) == (502, {})


# -- types --------------------------------------------------------------------------------------


def test_the_examples_pass_mypy_strict() -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "mypy", *sorted(str(p) for p in EXAMPLES.glob("*.py"))],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
