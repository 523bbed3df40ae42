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

#: Natural Python arguments equivalent to the vendor's sample values, per method.
EXAMPLE_ARGUMENTS: dict[str, dict[str, Any]] = {
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


def coroutine(client: AfilnetClient, qualname: str) -> Callable[..., Awaitable[Any]]:
    """``client.group.add_contact_list`` for ``"group.addcontactlist"``."""
    namespace, name = PUBLIC_NAMES[qualname]
    method: Callable[..., Awaitable[Any]] = getattr(getattr(client, namespace), name)
    return method


async def call_with(client: AfilnetClient, qualname: str, **overrides: Any) -> Any:
    """Call a method with its example arguments, some replaced (``None`` = left out)."""
    arguments = EXAMPLE_ARGUMENTS[qualname] | overrides
    return await coroutine(client, qualname)(**arguments)


# --- answers ---------------------------------------------------------------------------------


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
