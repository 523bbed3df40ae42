"""Wire parity with the vendor's own ``afilnet`` 1.0.1 package, function by function.

Each of its 13 messaging functions and the matching call of this library (under QueryAuth,
the vendor's style) go to one capturing server on 127.0.0.1; the decoded parameters must be
the same, except where the vendor package is wrong: it drops the ``=`` after ``countrycode``
(sendSmsToGroup), ``idgroup`` (sendSmsToGroupFromTemplate) and ``to`` (sendEmail), gluing the
value to the name. An empty optional value it always sends (``scheduledatetime=``,
``language=``) counts as absent: this library does not send what was not given.

The vendor package runs in a child process, its ``http://www.afilnet.com/api/http/`` URL
reaching the capturing server through the standard ``http_proxy`` variable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest

from afilnet_async import AfilnetClient, QueryAuth

USER, PASSWORD = "shop", "pw-1"
#: What each vendor function is called with (values without spaces: the package does not
#: escape, and urllib refuses a URL with a space).
VENDOR_CALLS = {
    "sendSms": 'afilnet.sendSms(U, P, "34600000001", "Hola", "Shop", "2026-12-24T18:00:00")',
    "sendSmsFromTemplate": 'afilnet.sendSmsFromTemplate(U, P, "34600000001", "7", "name:Ann")',
    "sendSmsToGroup": 'afilnet.sendSmsToGroup(U, P, "Shop", "34", "1000", "Oferta")',
    "sendSmsToGroupFromTemplate": 'afilnet.sendSmsToGroupFromTemplate(U, P, "es", "1000", "7")',
    "sendEmail": 'afilnet.sendEmail(U, P, "News", "ann@example.com", "<p>Hola</p>")',
    "sendEmailFromTemplate": (
        'afilnet.sendEmailFromTemplate(U, P, "ann@example.com", "7", "code:42")'
    ),
    "sendEmailToGroup": 'afilnet.sendEmailToGroup(U, P, "News", "1000", "<p>Hola</p>")',
    "sendEmailToGroupFromTemplate": 'afilnet.sendEmailToGroupFromTemplate(U, P, "1000", "7")',
    "sendVoice": 'afilnet.sendVoice(U, P, "34600000001", "Hola", "ES")',
    "sendVoiceFromTemplate": 'afilnet.sendVoiceFromTemplate(U, P, "34600000001", "7", "a:1")',
    "sendVoiceToGroup": 'afilnet.sendVoiceToGroup(U, P, "34", "1000", "Hola")',
    "sendVoiceToGroupFromTemplate": 'afilnet.sendVoiceToGroupFromTemplate(U, P, "34", "1000", "7")',
    "getDeliveryStatus": 'afilnet.getDeliveryStatus(U, P, "sms", "1001,1002")',
}  # fmt: skip
Ours = Callable[[AfilnetClient], Awaitable[Any]]
#: The same calls through this library, with natural Python values.
OUR_CALLS: dict[str, Ours] = {
    "sendSms": lambda c: c.sms.send_sms(
        from_="Shop", to="34600000001", sms="Hola", scheduledatetime="2026-12-24T18:00:00"
    ),
    "sendSmsFromTemplate": lambda c: c.sms.send_sms_from_template(
        to="34600000001", idtemplate=7, params={"name": "Ann"}
    ),
    "sendSmsToGroup": lambda c: c.sms.send_sms_to_group(
        from_="Shop", countrycode=34, idgroup=1000, sms="Oferta"
    ),
    "sendSmsToGroupFromTemplate": lambda c: c.sms.send_sms_to_group_from_template(
        countrycode="es", idgroup=1000, idtemplate=7
    ),
    "sendEmail": lambda c: c.email.send_email(
        subject="News", to="ann@example.com", email="<p>Hola</p>"
    ),
    "sendEmailFromTemplate": lambda c: c.email.send_email_from_template(
        to="ann@example.com", idtemplate=7, params={"code": 42}
    ),
    "sendEmailToGroup": lambda c: c.email.send_email_to_group(
        subject="News", idgroup=1000, email="<p>Hola</p>"
    ),
    "sendEmailToGroupFromTemplate": lambda c: c.email.send_email_to_group_from_template(
        idgroup=1000, idtemplate=7
    ),
    "sendVoice": lambda c: c.voice.send_voice(to="34600000001", message="Hola", language="ES"),
    "sendVoiceFromTemplate": lambda c: c.voice.send_voice_from_template(
        to="34600000001", idtemplate=7, params={"a": 1}
    ),
    "sendVoiceToGroup": lambda c: c.voice.send_voice_to_group(
        countrycode="34", idgroup=1000, message="Hola"
    ),
    "sendVoiceToGroupFromTemplate": lambda c: c.voice.send_voice_to_group_from_template(
        countrycode="34", idgroup=1000, idtemplate=7
    ),
    "getDeliveryStatus": lambda c: c.sms.get_delivery_status(messages=["1001", 1002]),
}
#: Where the vendor package is wrong: the parameter it garbles, and what arrives instead.
VENDOR_BUGS = {
    "sendSmsToGroup": ("countrycode", "countrycode34"),
    "sendSmsToGroupFromTemplate": ("idgroup", "idgroup1000"),
    "sendEmail": ("to", "toann@example.com"),
}


class Capture(BaseHTTPRequestHandler):
    """Records each request's decoded query pairs; answers a success envelope."""

    seen: ClassVar[list[list[tuple[str, str]]]] = []

    def do_GET(self) -> None:
        query = urlsplit(self.path).query
        Capture.seen.append(parse_qsl(query, keep_blank_values=True))
        body = json.dumps({"status": "SUCCESS", "result": {"messageid": "1", "credits": "1"}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def capture() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def vendor_sends(url: str, name: str) -> list[tuple[str, str]]:
    """The pairs the vendor package's ``name`` sends (run in a child, through http_proxy)."""
    Capture.seen.clear()
    code = f"import afilnet\nU, P = {USER!r}, {PASSWORD!r}\n{VENDOR_CALLS[name]}\n"
    env = {**os.environ, "http_proxy": url, "no_proxy": ""}
    subprocess.run(  # noqa: S603 (our interpreter, our code)
        [sys.executable, "-c", code], env=env, check=True, timeout=30, capture_output=True
    )
    (pairs,) = Capture.seen
    return pairs


async def we_send(url: str, name: str) -> list[tuple[str, str]]:
    Capture.seen.clear()
    async with AfilnetClient(QueryAuth(USER, PASSWORD), base_url=url + "/api/") as client:
        await OUR_CALLS[name](client)
    (pairs,) = Capture.seen
    return pairs


def _meaning(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The parameters, empty ones left out (the vendor package sends every optional one)."""
    return {key: value for key, value in pairs if value != ""}


@pytest.mark.parametrize("name", sorted(VENDOR_CALLS))
async def test_the_same_parameters_as_the_vendor_package(capture: str, name: str) -> None:
    sent_by_vendor = vendor_sends(capture, name)
    vendor, ours = _meaning(sent_by_vendor), _meaning(await we_send(capture, name))
    if name in VENDOR_BUGS:  # the vendor's is wrong: its value is glued to the name
        meant, garbled = VENDOR_BUGS[name]
        assert (garbled, "") in sent_by_vendor
        assert meant not in vendor
        assert ours.pop(meant) == garbled.removeprefix(meant)
    assert ours == vendor


def test_every_vendor_messaging_function_is_compared() -> None:
    import afilnet

    functions = {
        name for name in dir(afilnet) if name.startswith(("send", "getDelivery"))
    }  # the package's own list, not ours
    assert functions == set(VENDOR_CALLS) == set(OUR_CALLS)
    assert len(functions) == 13
