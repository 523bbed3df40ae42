"""The blocking client: the async client's methods without ``await``, on a private event loop.

Every spec method runs through it against the emulator and answers exactly what the async
client answers on a twin emulator; eight threads share one client; errors are the same
classes; ``close()`` leaves no thread; ``with_options`` shares the pool and the token; the
signatures are the async ones, as ``inspect`` and mypy see them.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
from support import EXAMPLE_ARGUMENTS

from afilnet_async import (
    AfilnetClient as AsyncAfilnetClient,
)
from afilnet_async import (
    AfilnetConnectionError,
    AuthenticationError,
    ClientClosedError,
    FormAuth,
    ImportProgress,
    InvalidRequestError,
    OAuth2Auth,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)
from afilnet_async.blocking import AfilnetClient
from afilnet_async.blocking.endpoints import NAMESPACE_CLASSES
from afilnet_async.blocking.portal import THREAD_NAME
from afilnet_async.emulator import Emulator, Faults, RunningServer
from afilnet_async.endpoints import NAMESPACE_CLASSES as ASYNC_NAMESPACE_CLASSES
from afilnet_async.spec import METHODS, NAMESPACES, MethodSpec, method

ROOT = Path(__file__).resolve().parent.parent
IN_PROCESS = "http://127.0.0.1/api/"
DEMO = FormAuth("demo", "demo")

ADDRESS = EXAMPLE_ARGUMENTS["user.addaddress"]
SUBACCOUNT = EXAMPLE_ARGUMENTS["subaccount.addsubaccount"]  # email@email.com
#: What each getdeliverystatus needs sent first.
FIRST_SEND = {"sms": "sms.sendsms", "email": "email.sendemail", "voice": "voice.sendvoice"}


def _portal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


@pytest.fixture
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture
def client(emu: Emulator) -> Iterator[AfilnetClient]:
    """A blocking client on ``emu``, in process (no sockets)."""
    with AfilnetClient(DEMO, base_url=IN_PROCESS, transport=emu.transport()) as blocking:
        yield blocking


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Emulator, RunningServer]]:
    """A demo emulator on a loopback port, for the whole module."""
    emulator = Emulator.demo()
    with emulator.serve_in_thread() as server:
        yield emulator, server


# -- every method, against a twin run of the async client --------------------------------------

Step = tuple[str, dict[str, Any]]
Plan = Generator[Step, Any, Any]


def plan(spec: MethodSpec, emu: Emulator) -> Plan:
    """The calls that make ``spec``'s call meaningful, then that call; returns its result.

    Ids (groups, contacts, addresses, messages) are read from the emulator, so the same plan
    gives the same calls on twin emulators.
    """
    mobiles = (yield "group.creategroup", {"name": "m", "type": "mobile",
                                           "fields": ["mobile", "name"]}).idgroup  # fmt: skip
    yield "group.addcontactlist", {"idgroup": mobiles, "contacts": [
        {"mobile": "34600000001", "name": "Ann"}, {"mobile": "34600000002", "name": "Bob"},
    ]}  # fmt: skip
    emails = (yield "group.creategroup", {"name": "e", "type": "email",
                                          "fields": ["email", "name"]}).idgroup  # fmt: skip
    yield "group.addcontact", {"idgroup": emails, "contact": {"email": "ann@example.com"}}
    yield "user.addaddress", ADDRESS
    if spec.qualname != "subaccount.addsubaccount":  # its e-mail would be taken
        yield "subaccount.addsubaccount", SUBACCOUNT
    if spec.api_method == "getdeliverystatus":
        yield FIRST_SEND[spec.api_class], EXAMPLE_ARGUMENTS[FIRST_SEND[spec.api_class]]
    account = emu.state.find("demo")
    assert account is not None
    arguments = dict(EXAMPLE_ARGUMENTS[spec.qualname])
    known = {
        "idgroup": emails if spec.api_class == "email" else mobiles,
        "idcontact": min(emu.state.groups[mobiles].contacts),
        "idaddress": min(account.addresses),
        "idtemplate": 1,
        "field": "city",
        "messages": [
            str(n) for n, m in emu.state.messages.items() if m.api_class == spec.api_class
        ],
    }
    arguments |= {name: value for name, value in known.items() if name in arguments}
    return (yield spec.qualname, arguments)


def _method(client: Any, qualname: str) -> Any:
    spec = method(qualname)
    namespace = next(n.attribute for n in NAMESPACES if n.api_class == spec.api_class)
    return getattr(getattr(client, namespace), spec.name)


def run_blocking(client: AfilnetClient, steps: Plan) -> Any:
    result: Any = None
    while True:
        try:
            qualname, arguments = steps.send(result)
        except StopIteration as done:
            return done.value
        result = _method(client, qualname)(**arguments)


async def run_async(client: AsyncAfilnetClient, steps: Plan) -> Any:
    result: Any = None
    while True:
        try:
            qualname, arguments = steps.send(result)
        except StopIteration as done:
            return done.value
        result = await _method(client, qualname)(**arguments)


@pytest.mark.parametrize("spec", METHODS, ids=[spec.qualname for spec in METHODS])
def test_every_method_answers_as_the_async_client_does(spec: MethodSpec) -> None:
    twin = Emulator.demo()

    async def with_the_async_client() -> Any:
        async with twin.client(DEMO) as asynchronous:
            return await run_async(asynchronous, plan(spec, twin))

    expected = anyio.run(with_the_async_client)

    emu = Emulator.demo()
    with AfilnetClient(DEMO, base_url=IN_PROCESS, transport=emu.transport()) as client:
        result = run_blocking(client, plan(spec, emu))

    assert type(result) is type(expected)
    assert result == expected
    assert emu.counters.by_method == twin.counters.by_method  # the same calls on the wire
    assert emu.counters.by_method[spec.qualname] >= 1
    assert emu.counters.by_status.keys() == {200}
    assert emu.state.messages.keys() == twin.state.messages.keys()


# -- threads ------------------------------------------------------------------------------------


def test_eight_threads_share_one_client(served: tuple[Emulator, RunningServer]) -> None:
    emu, server = served
    emu.faults = Faults(latency=0.05)
    emu.counters.reset()
    start = threading.Barrier(8, timeout=10)

    def work(number: int) -> tuple[str, list[str]]:
        start.wait()
        group = client.group.create_group(name=f"t{number}", type="mobile", fields=["mobile"])
        assert group.idgroup is not None
        for n in range(4):
            client.group.add_contact(
                idgroup=group.idgroup, contact={"mobile": f"34{number:02}00000{n:02}"}
            )
        assert client.user.get_balance().balance == 1000
        stored = client.group.get_contacts(idgroup=group.idgroup)
        return threading.current_thread().name, sorted(c.fields["mobile"] for c in stored)

    try:
        with (
            AfilnetClient(DEMO, base_url=server.base_url, max_retries=0) as client,
            ThreadPoolExecutor(8) as pool,
        ):
            started = time.monotonic()
            futures = [pool.submit(work, number) for number in range(8)]
            results = [future.result(timeout=30) for future in futures]
            elapsed = time.monotonic() - started
    finally:
        emu.faults = Faults()

    assert len({name for name, _ in results}) == 8
    for number, (_, mobiles) in enumerate(results):
        assert mobiles == [f"34{number:02}00000{n:02}" for n in range(4)]
    assert emu.counters.by_method["group.addcontact"] == 32
    # concurrent on the loop, not one at a time: 56 calls of 50 ms would take 2.8 s serially
    assert emu.counters.peak_in_flight >= 4
    assert elapsed < 2.0
    assert _portal_threads() == []


def test_a_call_from_inside_a_running_event_loop_works(client: AfilnetClient) -> None:
    """A notebook cell, or code already under asyncio.run(): the thread just waits."""

    async def cell() -> Any:
        return client.user.get_balance()

    assert asyncio.run(cell()).balance == 1000


# -- errors -------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ERROR_CASES: dict[str, tuple[type[Exception], dict[str, Any], str, dict[str, Any]]] = {
    "unknown group": (PermissionDeniedError, {}, "group.getcontacts", {"idgroup": 999999}),
    "bad argument": (ValidationError, {}, "group.getcontacts", {"idgroup": 0}),
    "no main field": (InvalidRequestError, {}, "group.addcontact",
                      {"idgroup": 1000, "contact": {"name": "Ann"}}),
    "bad password": (AuthenticationError, {"auth": FormAuth("demo", "wrong")},
                     "user.getbalance", {}),
    "429": (RateLimitError, {"faults": Faults(rate_429=1.0)}, "user.getbalance", {}),
    "refused": (AfilnetConnectionError, {"closed_port": True}, "user.getbalance", {}),
}  # fmt: skip


def _client_options(options: dict[str, Any]) -> dict[str, Any]:
    """Client keywords for an error case, on a fresh emulator (or on a port nobody serves)."""
    emu = Emulator.demo()
    kwargs: dict[str, Any] = {"max_retries": 0}
    if options.get("closed_port"):
        kwargs["base_url"] = f"http://127.0.0.1:{_closed_port()}/api/"
    else:
        kwargs |= {"base_url": IN_PROCESS, "transport": emu.transport()}
    if "faults" in options:
        emu.faults = options["faults"]
    return kwargs


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors_are_the_async_clients_exceptions(case: str) -> None:
    kind, options, qualname, arguments = ERROR_CASES[case]
    auth = options.get("auth", DEMO)
    kwargs = _client_options(options)

    async def asynchronous() -> BaseException:
        async with AsyncAfilnetClient(auth, **kwargs) as async_client:
            if "contact" in arguments:
                await async_client.group.create_group(name="m", type="mobile", fields=["mobile"])
            with pytest.raises(kind) as raised:
                await _method(async_client, qualname)(**arguments)
            return raised.value

    expected = anyio.run(asynchronous)

    kwargs = _client_options(options)
    with AfilnetClient(auth, **kwargs) as client:
        if "contact" in arguments:
            client.group.create_group(name="m", type="mobile", fields=["mobile"])
        with pytest.raises(kind) as raised:
            _method(client, qualname)(**arguments)
    assert type(raised.value) is type(expected)
    assert str(raised.value) == str(expected)
    assert getattr(raised.value, "code", None) == getattr(expected, "code", None)
    assert getattr(raised.value, "retry_after", None) == getattr(expected, "retry_after", None)


def test_a_missing_argument_is_a_type_error_before_anything_runs(client: AfilnetClient) -> None:
    with pytest.raises(TypeError, match="idgroup"):
        client.group.get_contacts()  # type: ignore[call-arg]
    assert _portal_threads() == []  # refused by the signature: the loop never started


# -- lifecycle ----------------------------------------------------------------------------------


def test_close_stops_the_loop_and_leaves_no_thread(emu: Emulator) -> None:
    before = set(threading.enumerate())
    client = AfilnetClient(DEMO, base_url=IN_PROCESS, transport=emu.transport())
    assert set(threading.enumerate()) == before  # started by the first call, not before
    assert client.user.get_balance().balance == 1000
    assert [t.name for t in set(threading.enumerate()) - before] == [THREAD_NAME]
    derived = client.with_options(timeout=5)
    assert derived.user.get_balance().balance == 1000
    assert len(_portal_threads()) == 1  # the derived client runs on the same loop

    client.close()
    assert set(threading.enumerate()) == before
    assert client.is_closed and derived.is_closed
    with pytest.raises(ClientClosedError):
        client.user.get_balance()
    with pytest.raises(ClientClosedError):
        derived.group.get_contacts(idgroup=1000)
    client.close()  # idempotent
    derived.close()


def test_close_lets_calls_in_other_threads_finish(served: tuple[Emulator, RunningServer]) -> None:
    emu, server = served
    client = AfilnetClient(DEMO, base_url=server.base_url, max_retries=0)
    client.user.get_balance()
    emu.faults = Faults(latency=0.5)
    answers: list[Any] = []
    try:
        slow = threading.Thread(target=lambda: answers.append(client.user.get_balance()))
        slow.start()
        time.sleep(0.1)  # the slow call is on the loop
        client.close()  # waits for it, then closes the pool
        slow.join(5)
    finally:
        emu.faults = Faults()
    assert [answer.balance for answer in answers] == [1000]
    assert _portal_threads() == []
    with pytest.raises(ClientClosedError):
        client.user.get_balance()


def test_a_client_never_used_closes_without_a_thread_left() -> None:
    before = set(threading.enumerate())
    client = AfilnetClient(DEMO)  # the real API's URL: nothing is sent
    client.close()
    assert set(threading.enumerate()) == before
    assert client.is_closed


def test_with_closes_the_client(emu: Emulator) -> None:
    with AfilnetClient(DEMO, base_url=IN_PROCESS, transport=emu.transport()) as client:
        assert client.user.get_balance().balance == 1000
        assert not client.is_closed
    assert client.is_closed
    assert _portal_threads() == []
    with pytest.raises(ClientClosedError):
        client.user.get_balance()


def test_with_options_shares_the_pool_the_token_and_the_loop(emu: Emulator) -> None:
    auth = OAuth2Auth("demo", "demo")
    with AfilnetClient(auth, base_url=IN_PROCESS, transport=emu.transport()) as client:
        client.user.get_balance()
        fast = client.with_options(timeout=2, max_retries=0)
        assert fast.retry.max_retries == 0 and client.retry.max_retries == 2
        assert fast.user.get_balance().balance == 1000
        assert fast.group.get_contacts is not client.group.get_contacts
        assert emu.counters.tokens_issued == 1  # one token for both: one auth, one cache
        assert len(_portal_threads()) == 1  # one loop for both

        fast.close()  # stops the derived client only
        assert fast.is_closed and not client.is_closed
        with pytest.raises(ClientClosedError):
            fast.user.get_balance()
        assert client.user.get_balance().balance == 1000
        other = client.with_options(max_retries=1)
    assert _portal_threads() == []
    with pytest.raises(ClientClosedError):  # its pool was the parent's, closed with it
        other.user.get_balance()


def test_from_env(served: tuple[Emulator, RunningServer], monkeypatch: pytest.MonkeyPatch) -> None:
    _, server = served
    environ = {"AFILNET_USER": "demo", "AFILNET_PASSWORD": "demo",
               "AFILNET_BASE_URL": server.base_url, "AFILNET_AUTH": "basic"}  # fmt: skip
    with AfilnetClient.from_env(environ, max_retries=0) as client:
        assert str(client.base_url) == server.base_url
        assert type(client.auth).__name__ == "BasicAuth"
        assert client.retry.max_retries == 0
        assert client.user.get_balance().balance == 1000
        assert "blocking.AfilnetClient(base_url=" in repr(client)
        assert "password='***'" in repr(client)
    assert _portal_threads() == []


def test_call_reaches_any_method_by_name(client: AfilnetClient) -> None:
    assert client.call("user", "getbalance") in (1000, 1000.0, {"balance": 1000.0})
    with pytest.raises(InvalidRequestError):
        client.call("user", "nosuchmethod")


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX signals")
def test_ctrl_c_cancels_the_call_on_the_loop(emu: Emulator, client: AfilnetClient) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("SIGINT reaches the main thread only")
    client.user.get_balance()  # the loop is running
    emu.faults = Faults(latency=5)
    interrupt = threading.Timer(
        0.2, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT)
    )
    started = time.monotonic()
    interrupt.start()
    with pytest.raises(KeyboardInterrupt):
        client.user.get_balance()
    assert time.monotonic() - started < 3
    assert emu.counters.in_flight == 0  # cancelled on the loop, not left running there
    emu.faults = Faults()
    assert client.user.get_balance().balance == 1000  # and the client goes on


# -- bulk ---------------------------------------------------------------------------------------


def test_import_contacts_streams_a_plain_iterable(emu: Emulator, client: AfilnetClient) -> None:
    group = client.group.create_group(name="big", type="mobile", fields=["mobile", "name"])
    assert group.idgroup is not None
    pulled: list[str] = []
    seen_at_first_progress: list[int] = []
    progress_threads: set[str] = set()

    def rows() -> Iterator[dict[str, str]]:
        for n in range(5000):
            pulled.append(threading.current_thread().name)
            yield {"mobile": f"3460{n:07}", "name": f"n{n}"}

    def progress(done: ImportProgress) -> None:
        progress_threads.add(threading.current_thread().name)
        if not seen_at_first_progress:
            seen_at_first_progress.append(len(pulled))

    report = client.group.import_contacts(
        group.idgroup, rows(), chunk_size=100, concurrency=4, on_progress=progress
    )
    assert (report.total, report.imported, report.failed) == (5000, 5000, 0)
    assert len(emu.state.groups[group.idgroup].contacts) == 5000
    assert seen_at_first_progress[0] < 2500  # read as it goes, not materialised first
    assert set(pulled) == {THREAD_NAME}  # read on the loop's thread, lazily
    assert progress_threads == {THREAD_NAME}  # on_progress is called on the loop's thread


def test_send_bulk_sends_each_row_once_and_resumes_from_its_journal(
    emu: Emulator, client: AfilnetClient, tmp_path: Path
) -> None:
    rows = [{"mobile": f"3460{n:07}", "name": f"n{n}"} for n in range(40)]
    journal = tmp_path / "sends.journal"
    report = client.sms.send_bulk(
        rows, text="Hola {name}", from_="Shop", journal=journal, concurrency=4
    )
    assert (report.total, report.sent, report.failed, report.unknown) == (40, 40, 0, 0)
    assert emu.counters.messages_sent == 40
    again = client.sms.send_bulk(
        rows, text="Hola {name}", from_="Shop", journal=journal, concurrency=4
    )
    assert (again.sent, again.resumed) == (40, 40)
    assert emu.counters.messages_sent == 40  # nothing went out twice


def test_a_callback_calling_the_client_is_refused_not_deadlocked(client: AfilnetClient) -> None:
    group = client.group.create_group(name="g", type="mobile", fields=["mobile"])
    assert group.idgroup is not None
    refused: list[RuntimeError] = []

    def progress(done: ImportProgress) -> None:
        try:
            client.user.get_balance()
        except RuntimeError as error:
            refused.append(error)

    report = client.group.import_contacts(
        group.idgroup, [{"mobile": "34600000001"}], on_progress=progress
    )
    assert report.imported == 1
    assert refused and "own event loop thread" in str(refused[0])
    assert not isinstance(refused[0], ClientClosedError)


# -- signatures ---------------------------------------------------------------------------------


def _namespace_of(spec: MethodSpec) -> str:
    return next(n.attribute for n in NAMESPACES if n.api_class == spec.api_class)


def _mixin_methods() -> list[tuple[str, str]]:
    found = []
    for namespace in NAMESPACES:
        async_class = ASYNC_NAMESPACE_CLASSES[namespace.attribute]
        for name in dir(async_class):
            value = getattr(async_class, name)
            if not name.startswith("_") and name not in vars(async_class):
                assert inspect.iscoroutinefunction(value), name
                found.append((namespace.attribute, name))
    return found


MIXIN_METHODS = _mixin_methods()


@pytest.mark.parametrize("spec", METHODS, ids=[spec.qualname for spec in METHODS])
def test_every_spec_method_has_the_async_signature(spec: MethodSpec) -> None:
    attribute = _namespace_of(spec)
    blocking = getattr(NAMESPACE_CLASSES[attribute], spec.name)
    asynchronous = getattr(ASYNC_NAMESPACE_CLASSES[attribute], spec.name)
    assert not inspect.iscoroutinefunction(blocking)
    assert inspect.signature(blocking) == inspect.signature(asynchronous)
    assert blocking.__doc__ == asynchronous.__doc__


@pytest.mark.parametrize(("attribute", "name"), MIXIN_METHODS)
def test_every_mixin_coroutine_has_a_blocking_twin(attribute: str, name: str) -> None:
    blocking = getattr(NAMESPACE_CLASSES[attribute], name)
    asynchronous = getattr(ASYNC_NAMESPACE_CLASSES[attribute], name)
    assert not inspect.iscoroutinefunction(blocking)
    assert inspect.signature(blocking) == inspect.signature(asynchronous)
    assert inspect.getdoc(blocking).startswith(inspect.getdoc(asynchronous))  # type: ignore[union-attr]
    assert "event loop thread" in (blocking.__doc__ or "")


def test_import_contacts_is_mirrored() -> None:
    assert ("group", "import_contacts") in MIXIN_METHODS


def test_each_blocking_namespace_has_exactly_the_async_ones_methods() -> None:
    for namespace in NAMESPACES:
        blocking = NAMESPACE_CLASSES[namespace.attribute]
        asynchronous = ASYNC_NAMESPACE_CLASSES[namespace.attribute]
        assert {n for n in dir(blocking) if not n.startswith("_")} == {
            n for n in dir(asynchronous) if not n.startswith("_")
        }
        assert blocking.__name__ == asynchronous.__name__


def test_the_client_mirrors_the_async_clients_api() -> None:
    for name in ("__init__", "from_env", "with_options", "call"):
        assert inspect.signature(getattr(AfilnetClient, name)) == inspect.signature(
            getattr(AsyncAfilnetClient, name)
        ), name
    renamed = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}
    public = {n for n in dir(AsyncAfilnetClient) if not n.startswith("_") or n in renamed}
    assert {renamed.get(n, n) for n in public} <= set(dir(AfilnetClient))
    annotations = inspect.get_annotations(AfilnetClient)
    for namespace in NAMESPACES:
        assert annotations[namespace.attribute] == NAMESPACE_CLASSES[namespace.attribute].__name__


def test_mypy_sees_the_models_not_coroutines(tmp_path: Path) -> None:
    """mypy (strict, the project's settings) reveals each blocking method as the async one
    with its Coroutine[..., Model] return unwrapped to Model."""
    pairs = [(_namespace_of(s), s.name) for s in METHODS] + MIXIN_METHODS
    lines = [
        "from afilnet_async import AfilnetClient as AsyncClient, FormAuth",
        "from afilnet_async.blocking import AfilnetClient",
        'blocking = AfilnetClient(FormAuth("a", "b"))',
        'asynchronous = AsyncClient(FormAuth("a", "b"))',
    ]
    for attribute, name in pairs:
        lines += [f"reveal_type(blocking.{attribute}.{name})",
                  f"reveal_type(asynchronous.{attribute}.{name})"]  # fmt: skip
    lines += ["reveal_type(blocking.call)", "reveal_type(asynchronous.call)"]
    lines += ["reveal_type(blocking.with_options(timeout=1).user.get_balance())"]
    snippet = tmp_path / "reveal.py"
    snippet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "mypy", "--no-error-summary", str(snippet)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    revealed = re.findall(r'Revealed type is "(.*)"', result.stdout)
    assert len(revealed) == 2 * len(pairs) + 3, result.stdout + result.stderr
    assert "error:" not in result.stdout, result.stdout
    for (attribute, name), blocking, asynchronous in zip(
        [*pairs, ("client", "call")], revealed[0::2], revealed[1::2], strict=False
    ):
        assert "Coroutine" not in blocking and "Awaitable" not in blocking, blocking
        unwrapped = re.sub(r"-> typing\.Coroutine\[Any, Any, (.*)\]$", r"-> \1", asynchronous)
        assert blocking == unwrapped, f"{attribute}.{name}"
    assert revealed[-1] == "afilnet_async.models.Balance"


def test_the_portal_thread_is_gone_after_every_test() -> None:
    assert _portal_threads() == []
