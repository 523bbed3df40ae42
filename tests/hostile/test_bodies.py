"""Answers too large, endless or broken: bounded memory, one AfilnetError, never httpx's.

Memory cases run in a child process each (``memory_child.py``): its peak RSS is read from
``VmHWM`` after a reset, and must stay within ``max_response_bytes + 64 MiB`` of the start.
The answer is a gzip-of-gzip bomb (~12 KB on the wire, 5 GiB decoded) or a success envelope
whose result array never ends (no Content-Length: chunked or close-delimited). Either must
stop at the limit with :class:`ResponseTooLargeError` (a :class:`MalformedResponseError`),
the library closing the connection itself.

Broken answers (resets before, after and inside the headers, a body shorter or longer than
its Content-Length, JSON nested too deep, bytes that are not UTF-8) each raise one
:class:`AfilnetError` subclass within their bound.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from afilnet_async import AfilnetConnectionError, AfilnetError, MalformedResponseError

from .conftest import ServeFactory
from .helpers import MIB, Case, client_on
from .server import (
    Behaviour,
    HostileServer,
    endless_json,
    gzip_bomb,
    reply,
    reset_after_headers,
    reset_before_headers,
    reset_mid_body,
    short_content_length,
    truncated_body,
)

CHILD = Path(__file__).with_name("memory_child.py")
#: What a case may use over the limit: buffers, the decoder's window, the interpreter.
SLACK = 64 * MIB
SMALL_LIMIT = 16 * MIB
DEFAULT_LIMIT = 128 * MIB
#: The child's calls are stopped after this many seconds; the child itself a little later.
CHILD_BOUND = 20.0
#: A connection the library closes itself is seen closed by the server within this; the child
#: keeps its client open for HOLD seconds after the error (closing it at exit would not count).
CLOSE_WITHIN = 0.5
HOLD = 1.0


async def run_child(
    case: Case, server: HostileServer, *, call: str, max_response_bytes: int | None
) -> dict[str, Any]:
    """Run one memory case in a child process against ``server``; its JSON report."""
    config = {
        "base_url": server.base_url,
        "call": call,
        "max_response_bytes": max_response_bytes,
        "timeout": 30,
        "bound": CHILD_BOUND,
        "hold": HOLD,
        "headroom": 1536 * MIB,
    }
    with anyio.move_on_after(CHILD_BOUND + 20) as scope:
        done = await anyio.run_process(
            [sys.executable, str(CHILD), json.dumps(config)], check=False
        )
    if scope.cancelled_caught:
        case.note(exception="none: the child process was still running (killed)")
        pytest.fail(f"the child process of {case.name} hung past its bound")
    lines = done.stdout.decode(errors="replace").strip().splitlines()
    if not lines:
        stderr = done.stderr.decode(errors="replace")[-1500:]
        pytest.fail(f"the child printed nothing (exit {done.returncode}): {stderr}")
    report: dict[str, Any] = json.loads(lines[-1])
    growth = report["peak_rss"] - report["start_rss"]
    case.note(
        exception=report.get("exception") or "none",
        seconds=report["seconds"],
        peak_rss_mib=report["peak_rss"] / MIB,
        rss_growth_mib=growth / MIB,
        start_rss_mib=report["start_rss"] / MIB,
        peak_reset=report["peak_reset"],
        limit_mib=(max_response_bytes or DEFAULT_LIMIT) / MIB,
    )
    return report


def memory_problems(report: dict[str, Any], limit: int, server: HostileServer) -> list[str]:
    """What is wrong with a memory case's outcome (empty: the target behaviour)."""
    problems = []
    if "unsupported" in report:
        problems.append(f"AfilnetClient refused max_response_bytes ({report['unsupported']})")
    if "escaped" in report:
        problems.append(f"escaped the child's handler: {report['escaped']}")
    if report.get("hung"):
        problems.append(f"still running after {CHILD_BOUND:g} s")
    mro = report.get("mro", [])
    if "ResponseTooLargeError" not in mro:
        message = str(report.get("message", ""))[:150]
        problems.append(f"raised {report.get('exception')} ({message}), not ResponseTooLargeError")
    elif "MalformedResponseError" not in mro:
        problems.append("ResponseTooLargeError is not a MalformedResponseError")
    growth = report["peak_rss"] - report["start_rss"]
    if growth > limit + SLACK:
        problems.append(
            f"peak RSS grew by {growth / MIB:.0f} MiB, over the limit "
            f"{limit / MIB:.0f} MiB + {SLACK / MIB:.0f} MiB"
        )
    ended = server.ends.get(1)
    if ended is None or ended.reason not in ("peer closed", "peer gone"):
        problems.append(f"the client did not close the connection (server saw: {ended})")
    elif ended.at > report["error_at"] + CLOSE_WITHIN:
        late = ended.at - report["error_at"]
        problems.append(f"the connection was closed {late:.2f} s after the error, not with it")
    return problems


# --- gzip, gzip ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", [SMALL_LIMIT, None], ids=["max_response_bytes=16MiB", "default-limit"]
)
async def test_gzip_gzip_bomb_stops_at_the_limit(
    serve: ServeFactory, case: Case, limit: int | None
) -> None:
    server = await serve(gzip_bomb(decoded_mib=5 * 1024))
    report = await run_child(case, server, call="get_balance", max_response_bytes=limit)
    accept = server.requests[0].header("accept-encoding") or ""
    case.note(accept_encoding=accept, wire_bytes=server.bytes_sent)
    assert server.count() == 1
    problems = memory_problems(report, limit or DEFAULT_LIMIT, server)
    if {coding.strip() for coding in accept.split(",")} != {"gzip", "deflate"}:
        problems.append(f"the request advertised Accept-Encoding {accept!r}, not 'gzip, deflate'")
    assert not problems, "; ".join(problems)


# --- endless bodies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framing", "limit"),
    [("chunked", SMALL_LIMIT), ("close", SMALL_LIMIT), ("chunked", None)],
    ids=["chunked", "close-delimited", "chunked-default-limit"],
)
async def test_endless_json_array_stops_at_the_limit(
    serve: ServeFactory, case: Case, framing: Any, limit: int | None
) -> None:
    server = await serve(endless_json(framing, max_bytes=256 * MIB))
    report = await run_child(case, server, call="get_contacts", max_response_bytes=limit)
    streamed = server.streamed.get(1, 0)
    case.note(server_streamed_mib=streamed / MIB)
    problems = memory_problems(report, limit or DEFAULT_LIMIT, server)
    if not server.stream_cut_by_peer.get(1):
        problems.append(f"the server streamed {streamed / MIB:.0f} MiB: its own bound ended it")
    assert not problems, "; ".join(problems)
    # The client stopped reading at the limit: what it let through is the limit plus what
    # the kernel buffers held.
    assert streamed < (limit or DEFAULT_LIMIT) + 48 * MIB


# --- broken answers (these pass today and must keep passing) ---------------------------------

ENVELOPE = b'{"status":"SUCCESS","result":{"balance":12.5}}'
BROKEN: dict[str, tuple[Behaviour, type[AfilnetError]]] = {
    "reset-before-headers": (reset_before_headers(), AfilnetConnectionError),
    "reset-after-headers": (reset_after_headers(declared=1000), AfilnetConnectionError),
    "reset-mid-body": (
        reset_mid_body(ENVELOPE[:20], declared=len(ENVELOPE)),
        AfilnetConnectionError,
    ),
    "content-length-larger-than-sent": (
        truncated_body(ENVELOPE[:20], declared=len(ENVELOPE)),
        AfilnetConnectionError,
    ),
    "content-length-smaller-than-sent": (
        short_content_length(ENVELOPE, declared=len(ENVELOPE) - 5),
        MalformedResponseError,
    ),
    "deeply-nested-json": (
        reply(200, b'{"status":"SUCCESS","result":' + b"[" * 200_000 + b"]" * 200_000 + b"}"),
        MalformedResponseError,
    ),
    "invalid-utf8": (
        reply(200, b'{"status":"SUCCESS","result":"\xff\xfe\xc3\x28"}'),
        MalformedResponseError,
    ),
}


@pytest.mark.parametrize(("behaviour", "expected"), BROKEN.values(), ids=BROKEN.keys())
async def test_a_broken_answer_is_one_afilnet_error(
    serve: ServeFactory, case: Case, behaviour: Behaviour, expected: type[AfilnetError]
) -> None:
    server = await serve(behaviour)
    async with client_on(server.base_url, timeout=5, max_retries=0) as client:
        outcome = await case.run(client.user.get_balance, bound=8)
    error = outcome.error
    assert not isinstance(error, httpx.HTTPError), outcome.describe()
    assert isinstance(error, expected), outcome.describe()
    assert outcome.seconds < 3.0
    assert server.count() == 1
