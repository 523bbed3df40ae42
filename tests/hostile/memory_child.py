"""One memory case in a process of its own: ``python memory_child.py '<json config>'``.

Builds a client on the hostile server's URL, resets the peak RSS (``5`` into
/proc/self/clear_refs), caps the address space (so a regression raises MemoryError here
instead of eating the machine), makes one call under a deadline, keeps the client open for
``hold`` seconds (the server sees whether the library closed the connection itself), and
prints one JSON line: the exception, the seconds, the start and peak RSS.

Config keys: ``base_url``, ``call`` (``get_balance`` or ``get_contacts``),
``max_response_bytes`` (None: the library's default), ``timeout``, ``bound``, ``hold``,
``headroom`` (bytes of address space allowed over the start, besides the limit).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

import anyio
from rss import proc_status, reset_peak_rss  # this script's directory

from afilnet_async import AfilnetClient, FormAuth

DEFAULT_LIMIT = 128 * 2**20  # the documented default, to size the address-space cap


async def _main(config: dict[str, Any], out: dict[str, Any]) -> None:
    options: dict[str, Any] = {"max_retries": 0, "timeout": config["timeout"]}
    if config["max_response_bytes"] is not None:
        options["max_response_bytes"] = config["max_response_bytes"]
    auth = FormAuth("hostile@example.com", "pw-S3cr3t-hostile!")
    try:
        client = AfilnetClient(auth, base_url=config["base_url"], **options)
    except TypeError as missing:  # today's library: measure what it does without the limit
        out["unsupported"] = str(missing)
        options.pop("max_response_bytes", None)
        client = AfilnetClient(auth, base_url=config["base_url"], **options)
    limit = config["max_response_bytes"] or DEFAULT_LIMIT
    async with client:
        start = proc_status()
        cap = start["VmSize"] + limit + config["headroom"]
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        out["peak_reset"] = reset_peak_rss()
        out["start_rss"] = proc_status()["VmRSS"]
        began = time.perf_counter()
        with anyio.move_on_after(config["bound"]) as scope:
            try:
                if config["call"] == "get_balance":
                    await client.user.get_balance()
                else:
                    await client.group.get_contacts(idgroup=1000)
                out["exception"] = None
            except BaseException as exc:  # MemoryError too: it is what is being measured
                out["exception"] = type(exc).__name__
                out["mro"] = [cls.__name__ for cls in type(exc).__mro__]
                out["message"] = str(exc)[:300]
        out["error_at"] = time.monotonic()
        out["seconds"] = time.perf_counter() - began
        out["hung"] = scope.cancelled_caught
        out["peak_rss"] = proc_status()["VmHWM"]
        await anyio.sleep(config["hold"])  # the connection must be closed by now, not at exit


def main() -> None:
    config = json.loads(sys.argv[1])
    out: dict[str, Any] = {}
    try:
        anyio.run(_main, config, out)
    except BaseException as exc:  # report it rather than a traceback
        out.setdefault("exception", type(exc).__name__)
        out["escaped"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
