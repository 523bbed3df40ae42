"""The vendor's own ``afilnet`` 1.0.1 package (synchronous urllib) gets correct answers.

It hard-codes ``http://www.afilnet.com/api/http/?class=...&user=U&password=P`` (no escaping).
Honestly pointed at the emulator the way any urllib program can be: through the standard
``http_proxy`` variable, which makes urllib send ``GET http://www.afilnet.com/api/http/?...``
(an absolute-form target) to the emulator on a loopback port. It runs in a child process, so
the proxy setting cannot leak into other tests, and with no network a request that bypassed
the proxy would fail instead of reaching the real Afilnet.

Its 13 messaging functions are called too. Three fail because of the package's own bugs, not
the emulator's: it drops the ``=`` after ``countrycode`` (sendSmsToGroup), after ``idgroup``
(sendSmsToGroupFromTemplate) and after ``to`` (sendEmail), so the parameter never arrives
(MISSING_COMPULSORY_PARAM). It also cannot send a text with a space: it does not escape, and
urllib refuses such a URL before sending anything.
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

from .helpers import add_group

_BALANCE = """
import json, sys
import afilnet
print(json.dumps({
    "good": afilnet.getBalance("demo", "demo"),
    "bad": afilnet.getBalance("demo", "wrong-password"),
    "is_user": afilnet.isUser("demo", "demo"),
}))
"""

_MESSAGING = """
import json, sys
import afilnet
u, p = "demo", "demo"
mobiles, emails = sys.argv[1], sys.argv[2]
calls = {
    "sendSms": lambda: afilnet.sendSms(u, p, "34600000000", "Hello", "Shop"),
    "sendSmsFromTemplate": lambda: afilnet.sendSmsFromTemplate(
        u, p, "34600000001", "1", "name:Ann"),
    "sendSmsToGroup": lambda: afilnet.sendSmsToGroup(u, p, "Shop", "34", mobiles, "Sale"),
    "sendSmsToGroupFromTemplate": lambda: afilnet.sendSmsToGroupFromTemplate(
        u, p, "34", mobiles, "1"),
    "sendEmail": lambda: afilnet.sendEmail(u, p, "Subject", "ann@example.com", "Body"),
    "sendEmailFromTemplate": lambda: afilnet.sendEmailFromTemplate(
        u, p, "ann@example.com", "2", "code:42"),
    "sendEmailToGroup": lambda: afilnet.sendEmailToGroup(u, p, "News", emails, "Hello"),
    "sendEmailToGroupFromTemplate": lambda: afilnet.sendEmailToGroupFromTemplate(
        u, p, emails, "1"),
    "sendVoice": lambda: afilnet.sendVoice(u, p, "34600000000", "Hello", "EN"),
    "sendVoiceFromTemplate": lambda: afilnet.sendVoiceFromTemplate(
        u, p, "34600000000", "2", "code:7"),
    "sendVoiceToGroup": lambda: afilnet.sendVoiceToGroup(u, p, "34", mobiles, "Call"),
    "sendVoiceToGroupFromTemplate": lambda: afilnet.sendVoiceToGroupFromTemplate(
        u, p, "es", mobiles, "3"),
    "sendSmsWithASpace": lambda: afilnet.sendSms(u, p, "34600000000", "Hello there", "Shop"),
}
answers = {}
for name, call in calls.items():
    try:
        answers[name] = call()
    except Exception as error:
        answers[name] = {"raised": type(error).__name__}
sms_ids = answers["sendSms"]["result"]["messageid"]
answers["getDeliveryStatus"] = afilnet.getDeliveryStatus(u, p, "sms", sms_ids + ",1")
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator.demo()


@pytest.fixture(scope="module")
def server(emu: Emulator) -> Iterator[RunningServer]:
    with emu.serve_in_thread(host="127.0.0.1", port=0) as running:
        yield running


def _run_vendor_client(proxy: str, script: str, *args: str) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    env |= {"http_proxy": proxy, "HTTP_PROXY": proxy}
    child = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    answers: dict[str, Any] = json.loads(child.stdout)
    return answers


def test_the_vendor_package_is_the_documented_release() -> None:
    assert importlib.metadata.version("afilnet") == "1.0.1", (
        "install the vendor package: pip install afilnet==1.0.1 (part of the test extra)"
    )


def test_vendor_get_balance(emu: Emulator, server: RunningServer) -> None:
    answers = _run_vendor_client(server.url, _BALANCE)
    assert answers["good"] == {"status": "SUCCESS", "result": 1000.0}
    assert answers["bad"] == {"status": "ERROR", "error": "INCORRECT_USER_PASSWORD"}
    assert answers["is_user"] is True
    assert emu.counters.by_method["user.getbalance"] == 3


def _sent(answer: dict[str, Any], credits: str, count: int = 1) -> None:
    assert answer["status"] == "SUCCESS", answer
    assert answer["result"]["credits"] == credits
    assert len(answer["result"]["messageid"].split(",")) == count


def test_vendor_messaging_functions(emu: Emulator, server: RunningServer) -> None:
    mobiles = add_group(emu, "demo", "mobile", {"mobile": "34600000001", "name": "Ann"},
                        {"mobile": "34600000002", "name": "Bob"})  # fmt: skip
    emails = add_group(emu, "demo", "email", {"email": "ann@example.com", "name": "Ann"})
    answers = _run_vendor_client(server.url, _MESSAGING, str(mobiles), str(emails))

    _sent(answers["sendSms"], "1")
    _sent(answers["sendSmsFromTemplate"], "1")
    _sent(answers["sendEmailFromTemplate"], "0.1")
    _sent(answers["sendEmailToGroup"], "0.1")
    _sent(answers["sendEmailToGroupFromTemplate"], "0.1")
    _sent(answers["sendVoice"], "2")
    _sent(answers["sendVoiceFromTemplate"], "2")
    _sent(answers["sendVoiceToGroup"], "4", count=2)
    _sent(answers["sendVoiceToGroupFromTemplate"], "4", count=2)
    # the package's own bugs: "countrycode34", "idgroup1000", "toann@example.com" as keys
    missing = {"status": "ERROR", "error": "MISSING_COMPULSORY_PARAM"}
    for broken in ("sendSmsToGroup", "sendSmsToGroupFromTemplate", "sendEmail"):
        assert answers[broken] == missing, broken
    assert answers["sendSmsWithASpace"] == {"raised": "InvalidURL"}  # never sent

    sms_id = int(answers["sendSms"]["result"]["messageid"])
    assert answers["getDeliveryStatus"] == {"status": "SUCCESS", "result": [
        {"messageid": sms_id, "status": "PENDING"}, {"messageid": 1, "status": "UNKNOWN"},
    ]}  # fmt: skip
    texts = {(m.api_class, m.destination, m.text) for m in emu.state.messages.values()}
    assert ("sms", "34600000001", "Hello Ann, welcome!") in texts
    assert ("voice", "34600000002", "Dear Bob, see you on .") in texts
    assert emu.counters.messages_sent == 11
    assert emu.counters.by_method["sms.getdeliverystatus"] == 1
