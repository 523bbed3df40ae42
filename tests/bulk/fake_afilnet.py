"""A small in-memory Afilnet for the importer's unit tests (httpx.MockTransport, no sockets).

It knows only what the importer uses (getgroupcolumns, getcontacts, addcontactlist) and can
inject faults from a seeded RNG; the full emulator is tested in tests/emulator.
"""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qsl

import anyio
import httpx

from afilnet_async import AfilnetClient, FormAuth
from afilnet_async.auth import AuthStrategy


class FakeAfilnet:
    """Stores every addcontactlist row (duplicates included) and counts what it saw."""

    def __init__(
        self,
        *,
        columns: list[str] | None = None,
        rate_429: float = 0.0,
        rate_503: float = 0.0,
        rate_lost_answer: float = 0.0,
        latency: float = 0.0,
        error_code: str | None = None,
        contacts_answer: object = None,
        seed: int = 7,
    ) -> None:
        self.columns = columns if columns is not None else ["mobile", "name"]
        self.rate_429, self.rate_503, self.rate_lost_answer = rate_429, rate_503, rate_lost_answer
        self.latency = latency
        self.error_code = error_code
        self.contacts_answer = contacts_answer  # what getcontacts answers instead of the rows
        self.stored: list[dict[str, str]] = []
        self.requests: list[str] = []
        self.in_flight = self.peak_in_flight = 0
        self._random = random.Random(seed)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.query if request.method == "GET" else request.content
        params = dict(parse_qsl(raw.decode()))
        method = params["method"]
        self.requests.append(method)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                await anyio.sleep(self.latency)
            return self._answer(method, params)
        finally:
            self.in_flight -= 1

    def _answer(self, method: str, params: dict[str, str]) -> httpx.Response:
        if method == "getgroupcolumns":
            return _success(self.columns)
        if method == "getcontacts":
            if self.contacts_answer is not None:
                return _success(self.contacts_answer)
            return _success([{"idcontact": i, **row} for i, row in enumerate(self.stored)])
        if self.error_code is not None:
            return httpx.Response(200, json={"status": "ERROR", "error": self.error_code})
        dice = self._random.random()
        if dice < self.rate_429:
            return httpx.Response(429, headers={"Retry-After": "0.01"})
        if dice < self.rate_429 + self.rate_503:
            return httpx.Response(503, text="busy")
        rows = json.loads(params["contacts"])
        self.stored.extend(rows)
        if dice < self.rate_429 + self.rate_503 + self.rate_lost_answer:
            return httpx.Response(500, text="<html>the answer was lost</html>")
        return _success({"added": len(rows), "invalid": 0})

    def mobiles(self) -> list[str]:
        return [row["mobile"] for row in self.stored]


def _success(result: object) -> httpx.Response:
    return httpx.Response(200, json={"status": "SUCCESS", "result": result})


def client_for(fake: FakeAfilnet, auth: AuthStrategy | None = None) -> AfilnetClient:
    """A client of ``fake`` (FormAuth by default)."""
    return AfilnetClient(auth or FormAuth("user", "pw"), transport=fake.transport())


def contacts(count: int, start: int = 0) -> list[dict[str, str]]:
    """``count`` distinct, valid contacts of a mobile group."""
    return [{"mobile": f"346{n:08d}", "name": f"Contact {n}"} for n in range(start, start + count)]
