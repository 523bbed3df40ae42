"""Shared test data: secrets, the auth strategies, natural arguments for every method, and
helpers that read back what went over the (mocked) wire."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

from afilnet_async import (
    AfilnetClient,
    AuthStrategy,
    BasicAuth,
    BearerAuth,
    FormAuth,
    OAuth2Auth,
    QueryAuth,
)
from afilnet_async.spec import METHODS, NAMESPACES, method

BASE_URL = "https://www.afilnet.com/api/"
TOKEN_URL = BASE_URL + "oauth/token"

#: Distinctive secrets: a whole-run DEBUG log is grepped for "S3cr3t" and "tok-XYZ".
USER = "ann@example.com"
PASSWORD = "pw-S3cr3t!"
ACCOUNT_PASSWORD = "sub-S3cr3t#2"
TOKEN = "tok-XYZ"

#: Where each strategy sends its calls (the library's documented defaults).
STRATEGY_PATHS = {
    "query": ("GET", "http/"),
    "form": ("POST", "http/"),
    "basic": ("POST", "basic/"),
    "oauth2": ("POST", "json/"),
    "bearer": ("POST", "json/"),
}
STRATEGIES = tuple(STRATEGY_PATHS)


def make_auth(
    strategy: str, *, user: str = USER, password: str = PASSWORD, token: str = TOKEN
) -> AuthStrategy:
    """The auth strategy called ``strategy``, with the given credentials."""
    factories: dict[str, Callable[[], AuthStrategy]] = {
        "query": lambda: QueryAuth(user, password),
        "form": lambda: FormAuth(user, password),
        "basic": lambda: BasicAuth(user, password),
        "oauth2": lambda: OAuth2Auth(user, password),
        "bearer": lambda: BearerAuth(token),
    }
    return factories[strategy]()


#: The public coroutine of every Afilnet method, as the issue names it.
PUBLIC_NAMES: dict[str, tuple[str, str]] = {
    "user.getbalance": ("user", "get_balance"),
    "user.addaddress": ("user", "add_address"),
    "user.deleteaddress": ("user", "delete_address"),
    "user.getaddresses": ("user", "get_addresses"),
    "user.getchannels": ("user", "get_channels"),
    "user.modifychannel": ("user", "modify_channel"),
    "subaccount.addsubaccount": ("subaccount", "add_subaccount"),
    "subaccount.modifysubaccount": ("subaccount", "modify_subaccount"),
    "subaccount.getsubaccounts": ("subaccount", "get_subaccounts"),
    "subaccount.deletesubaccount": ("subaccount", "delete_subaccount"),
    "subaccount.transferbalance": ("subaccount", "transfer_balance"),
    "group.creategroup": ("group", "create_group"),
    "group.getgroupcolumns": ("group", "get_group_columns"),
    "group.addcolumntogroup": ("group", "add_column_to_group"),
    "group.deletecolumnfromgroup": ("group", "delete_column_from_group"),
    "group.deletegroup": ("group", "delete_group"),
    "group.assigncountrytogroup": ("group", "assign_country_to_group"),
    "group.getcontacts": ("group", "get_contacts"),
    "group.getcontact": ("group", "get_contact"),
    "group.addcontact": ("group", "add_contact"),
    "group.addcontactlist": ("group", "add_contact_list"),
    "group.modifycontact": ("group", "modify_contact"),
    "group.deletecontact": ("group", "delete_contact"),
    "sms.sendsms": ("sms", "send_sms"),
    "sms.sendsmsfromtemplate": ("sms", "send_sms_from_template"),
    "sms.sendsmstogroup": ("sms", "send_sms_to_group"),
    "sms.sendsmstogroupfromtemplate": ("sms", "send_sms_to_group_from_template"),
    "sms.getdeliverystatus": ("sms", "get_delivery_status"),
    "email.sendemail": ("email", "send_email"),
    "email.sendemailfromtemplate": ("email", "send_email_from_template"),
    "email.sendemailtogroup": ("email", "send_email_to_group"),
    "email.sendemailtogroupfromtemplate": ("email", "send_email_to_group_from_template"),
    "email.getdeliverystatus": ("email", "get_delivery_status"),
    "voice.sendvoice": ("voice", "send_voice"),
    "voice.sendvoicefromtemplate": ("voice", "send_voice_from_template"),
    "voice.sendvoicetogroup": ("voice", "send_voice_to_group"),
    "voice.sendvoicetogroupfromtemplate": ("voice", "send_voice_to_group_from_template"),
    "voice.getdeliverystatus": ("voice", "get_delivery_status"),
    "whatsapp.sendmessage": ("whatsapp", "send_message"),
    "whatsapp.sendfile": ("whatsapp", "send_file"),
    "whatsapp.sendmessagefromtemplate": ("whatsapp", "send_message_from_template"),
}

_ADDRESS: dict[str, Any] = {
    "namelastname": "name lastname",
    "iscompany": True,
    "companyname": "mycompany",
    "documentid": "123456789A",
}
_PLACE: dict[str, Any] = {
    "countrycode": "us",
    "cityid": 1,
    "cityname": "town",
    "zipcode": "123456",
    "address": "address",
}
_CONTACT = {"mobile": "123456789", "name": "testname"}

#: Natural Python arguments equivalent to the vendor's sample values, per documented method.
DOCUMENTED_EXAMPLES: dict[str, dict[str, Any]] = {
    "user.getbalance": {},
    "user.addaddress": {**_ADDRESS, **_PLACE},
    "user.deleteaddress": {"idaddress": 1000},
    "user.getaddresses": {},
    "user.getchannels": {},
    "user.modifychannel": {"channelname": "sms", "active": True},
    "subaccount.addsubaccount": {
        "accountemail": "email@email.com",
        "accountpassword": "password",
        **_ADDRESS,
        "language": "en",
        **_PLACE,
    },
    "subaccount.modifysubaccount": {
        "accountemail": "email@email.com",
        "modifypassword": True,
        "accountpassword": "password",
        **_ADDRESS,
        "language": "en",
        **_PLACE,
    },
    "subaccount.getsubaccounts": {},
    "subaccount.deletesubaccount": {"accountemail": "email@email.com"},
    "subaccount.transferbalance": {"accountemail": "email@email.com", "balancetotransfer": 10},
    "group.creategroup": {
        "name": "test name",
        "type": "mobile",
        "fields": ["mobile", "name", "address"],
    },
    "group.getgroupcolumns": {"idgroup": 1000},
    "group.addcolumntogroup": {"idgroup": 1000, "field": "name"},
    "group.deletecolumnfromgroup": {"idgroup": 1000, "field": "name"},
    "group.deletegroup": {"idgroup": 1000},
    "group.assigncountrytogroup": {"idgroup": 1000, "countryiso3": "esp"},
    "group.getcontacts": {"idgroup": 1000},
    "group.getcontact": {"idgroup": 1000, "idcontact": 1000},
    "group.addcontact": {"idgroup": 1000, "contact": _CONTACT},
    "group.addcontactlist": {
        "idgroup": 1000,
        "contacts": [
            {"name": "Test", "mobile": "34600000000"},
            {"name": "Test", "mobile": "34600000001"},
        ],
    },
    "group.modifycontact": {"idgroup": 1000, "idcontact": 1000, "contact": _CONTACT},
    "group.deletecontact": {"idgroup": 1000, "idcontact": 1000},
}


_TEMPLATE = {"idtemplate": 7, "params": {"name": "Ann"}}
_WHEN = {"scheduledatetime": "2026-12-24 18:00:00"}
#: Natural Python arguments for the messaging methods (keyword names: ``from_`` for ``from``);
#: the vendor's clients show parameter names but few values.
MESSAGING_EXAMPLES: dict[str, dict[str, Any]] = {
    "sms.sendsms": {"from_": "Darth Vader", "to": "34600000000", "sms": "I am your father."},
    "sms.sendsmsfromtemplate": {"to": "34600000000", **_TEMPLATE},
    "sms.sendsmstogroup": {
        "from_": "Afilnet", "countrycode": "es", "idgroup": 1000, "sms": "Hello", **_WHEN,
    },
    "sms.sendsmstogroupfromtemplate": {"countrycode": "es", "idgroup": 1000, "idtemplate": 7},
    "sms.getdeliverystatus": {"messages": ["1001", "1002"]},
    "email.sendemail": {
        "subject": "A surprise", "to": "luke_skywalker@newjediorder.com", "email": "<p>Hi</p>",
    },
    "email.sendemailfromtemplate": {"to": "luke_skywalker@newjediorder.com", **_TEMPLATE},
    "email.sendemailtogroup": {"subject": "News", "idgroup": 1000, "email": "<p>Hi</p>"},
    "email.sendemailtogroupfromtemplate": {"idgroup": 1000, "idtemplate": 7},
    "email.getdeliverystatus": {"messages": ["1001"]},
    "voice.sendvoice": {"to": "34600000000", "message": "I am your father.", "language": "EN"},
    "voice.sendvoicefromtemplate": {"to": "34600000000", **_TEMPLATE},
    "voice.sendvoicetogroup": {"countrycode": "34", "idgroup": 1000, "message": "Hello"},
    "voice.sendvoicetogroupfromtemplate": {"countrycode": "34", "idgroup": 1000, "idtemplate": 7},
    "voice.getdeliverystatus": {"messages": ["1001"]},
    "whatsapp.sendmessage": {"platformid": "77", "destination": "34600000000", "message": "Hi"},
    "whatsapp.sendfile": {
        "platformid": "77", "destination": "34600000000", "type": "image",
        "fileurl": "https://example.com/a.png",
    },
    "whatsapp.sendmessagefromtemplate": {
        "platformid": "77", "destination": "34600000000", **_TEMPLATE,
    },
}  # fmt: skip
#: Kinds whose spec example (wire text) is a different Python value.
_FROM_WIRE: dict[str, Callable[[str], Any]] = {
    "id": int,
    "flag": lambda text: text.strip().lower() in ("1", "true", "yes"),
    "amount": float,
    "fields": lambda text: text.split(","),
}


def spec_examples(qualname: str) -> dict[str, Any]:
    """Keyword arguments made from the spec's ``example`` of each compulsory parameter: what a
    method the tables above do not know (a new one) is called with."""
    arguments: dict[str, Any] = {}
    for param in method(qualname).params:
        if not param.optional and param.example is not None:
            convert = _FROM_WIRE.get(param.kind, str)
            arguments[param.python_name] = convert(param.example)
    return arguments


#: Every method's example keyword arguments: the tables above, else the spec's examples.
EXAMPLE_ARGUMENTS: dict[str, dict[str, Any]] = {
    spec.qualname: {**DOCUMENTED_EXAMPLES, **MESSAGING_EXAMPLES}.get(spec.qualname)
    or spec_examples(spec.qualname)
    for spec in METHODS
}


def coroutine(client: AfilnetClient, qualname: str) -> Callable[..., Awaitable[Any]]:
    """``client.group.add_contact_list`` for ``"group.addcontactlist"`` (names from the spec)."""
    spec = method(qualname)
    namespace = next(n.attribute for n in NAMESPACES if n.api_class == spec.api_class)
    bound: Callable[..., Awaitable[Any]] = getattr(getattr(client, namespace), spec.name)
    return bound


async def call_with(client: AfilnetClient, qualname: str, **overrides: Any) -> Any:
    """Call a method with its example arguments, some replaced (``None`` = left out)."""
    arguments = EXAMPLE_ARGUMENTS[qualname] | overrides
    return await coroutine(client, qualname)(**arguments)


# --- answers ---------------------------------------------------------------------------------

#: What each reading method answers by default in the mocked Afilnet (one plausible shape;
#: the readers' own tests try every shape); the other methods answer ``result: null``.
PLAUSIBLE_RESULTS: dict[str, Any] = {
    "user.getbalance": 1000,
    "user.getaddresses": [],
    "user.getchannels": [],
    "subaccount.getsubaccounts": [],
    "group.creategroup": {"idgroup": 1000},
    "group.getgroupcolumns": ["mobile", "name"],
    "group.getcontacts": [],
    "group.getcontact": {"idcontact": 1000, "mobile": "34600000000"},
}
_SEND = {"messageid": "1000", "credits": "1"}


def called_method(request: httpx.Request) -> str:
    """``class.method`` of a request in any access style."""
    if request.method == "GET":
        fields = dict(parse_qsl(request.url.query.decode("ascii")))
    elif request.headers.get("content-type", "").startswith("application/json"):
        fields = json.loads(request.content)
    else:
        fields = dict(parse_qsl(request.content.decode("ascii")))
    return f"{fields.get('class')}.{fields.get('method')}"


def plausible_answer(request: httpx.Request) -> httpx.Response:
    """A success whose result has a shape the method's reader accepts."""
    qualname = called_method(request)
    if qualname.split(".")[1].startswith("send"):
        return success(_SEND)
    if qualname.endswith(".getdeliverystatus"):
        return success([])
    return success(PLAUSIBLE_RESULTS.get(qualname))


def success(result: Any = None) -> httpx.Response:
    """An Afilnet success envelope."""
    return httpx.Response(200, json={"status": "SUCCESS", "result": result})


def failure(code: str, status_code: int = 200) -> httpx.Response:
    """An Afilnet error envelope."""
    return httpx.Response(status_code, json={"status": "ERROR", "error": code})


def token_answer(token: str = TOKEN, expires_in: float = 3600) -> httpx.Response:
    """An RFC 6749 token endpoint answer."""
    return httpx.Response(
        200, json={"access_token": token, "token_type": "bearer", "expires_in": expires_in}
    )


# --- reading the wire ------------------------------------------------------------------------


def wire_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    """The (key, value) pairs a request carries, decoded, in order: query, form or JSON."""
    if request.method == "GET":
        assert request.content == b""
        return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
    content_type = request.headers.get("content-type", "")
    assert request.url.query == b"", "a POST must carry nothing in its URL"
    if content_type.startswith("application/json"):
        body = json.loads(request.content)
        assert isinstance(body, dict)
        assert all(isinstance(v, str) for v in body.values())
        return list(body.items())
    assert content_type.startswith("application/x-www-form-urlencoded"), content_type
    return parse_qsl(request.content.decode("ascii"), keep_blank_values=True, strict_parsing=True)


def basic_header(user: str, password: str) -> str:
    """The Authorization header of HTTP Basic for ``user``/``password``."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
