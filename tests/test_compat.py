"""The httpcore pool repair is active on the installed httpx/httpcore (the cancellation
regression tests in tests/hardening/test_cancellation.py prove it is needed and works)."""

from __future__ import annotations

import httpcore
import httpx

from afilnet_async import _compat


def test_every_private_name_the_repair_uses_exists_on_the_installed_versions() -> None:
    assert _compat.POOL_REPAIR_AVAILABLE, (
        f"httpcore {httpcore.__version__} / httpx {httpx.__version__} changed the pool: "
        "check afilnet_async/_compat.py against the new release"
    )
    for owner, name in _compat.REQUIRED:
        assert hasattr(owner, name)
    pool = httpcore.AsyncConnectionPool()
    assert all(hasattr(pool, name) for name in _compat.REQUIRED_POOL_INSTANCE)


async def test_the_repair_leaves_other_transports_alone() -> None:
    """A transport that is not httpx's default one (no httpcore pool) is never touched."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(httpx.Response)) as http:
        request = http.build_request("GET", "https://example.invalid/")
        await _compat.release_leftovers(http, request)  # no error, nothing to repair
