"""The control endpoints other processes (benchmarks) use to read counters and set faults."""

from __future__ import annotations

import httpx

from afilnet_async import FormAuth
from afilnet_async.emulator import Emulator


async def test_counters_and_faults_are_readable_and_settable_over_http() -> None:
    emulator = Emulator.demo()
    async with httpx.AsyncClient(
        transport=emulator.transport(), base_url="http://127.0.0.1"
    ) as http:
        async with emulator.client(FormAuth("demo", "demo")) as client:
            await client.user.get_balance()
        counters = (await http.get("/_emulator/counters")).json()
        assert counters["requests"] == 1
        assert counters["by_method"] == {"user.getbalance": 1}

        changed = await http.put("/_emulator/faults", json={"latency": 0.01, "rate_429": 0.5})
        assert changed.status_code == 200
        assert changed.json()["rate_429"] == 0.5
        assert emulator.faults.latency == 0.01

        refused = await http.put("/_emulator/faults", json={"rate_429": 2})
        assert refused.status_code == 400
        assert "rate_429" in refused.json()["error"]
        assert emulator.faults.rate_429 == 0.5

        reset = (await http.post("/_emulator/counters/reset")).json()
        assert reset["requests"] == 0
        assert (await http.get("/_emulator/counters")).json()["requests"] == 0  # not counted
