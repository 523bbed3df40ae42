"""What every command shares: the global options, the client they build, how they print.

The client comes from :meth:`AfilnetClient.from_env` (``AFILNET_USER``, ``AFILNET_PASSWORD``
or ``AFILNET_TOKEN``, ``AFILNET_AUTH``, ``AFILNET_BASE_URL``, ``AFILNET_COUNTRY``), the
flags winning over the environment: the CLI reads no variable of its own.

With ``-v`` every HTTP attempt is one line on stderr, from the library's hooks: method, URL
without its query (credentials of the query style live there), the call, its request id,
the attempt, then the status and time. Never a password or a token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import attrs
import click
import httpx
from rich.console import Console

from .. import CallEvent
from ..call import Call
from ..client import AfilnetClient
from .output import emit

__all__ = ["CliState", "VerboseLog", "pass_state"]

T = TypeVar("T")


def _safe_url(url: httpx.URL) -> str:
    """``scheme://host[:port]/path``: no user info, no query."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}"


class VerboseLog:
    """An ``on_response`` hook printing one redacted line per HTTP attempt on stderr."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.client: AfilnetClient | None = None
        self._endpoints: dict[str, str] = {}

    def _where(self, qualname: str) -> str:
        if self.client is None:
            return ""
        if qualname not in self._endpoints:
            self._endpoints[qualname] = _endpoint(self.client, qualname)
        return self._endpoints[qualname]

    def __call__(self, event: CallEvent) -> None:
        elapsed = f"{event.elapsed * 1000:,.0f} ms"
        if event.error is None:
            outcome = f"{event.status} in {elapsed}"
        elif event.status is not None:
            outcome = f"{event.status} {event.error} in {elapsed}"
        else:
            outcome = f"{event.error} after {elapsed}"
        where = self._where(event.method)
        line = (
            f"→ {where + ' ' if where else ''}{event.method} [{event.request_id}] "
            f"attempt {event.attempt} … {outcome}"
        )
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)


def _endpoint(client: AfilnetClient, qualname: str) -> str:
    """``POST http://host/api/http/``: where the client's auth style sends ``qualname``."""
    api_class, _, api_method = qualname.partition(".")
    try:
        request = client.auth.build_request(Call(api_class, api_method), client.base_url)
    except Exception:  # a strategy that cannot build an empty call: no URL then
        return ""
    return f"{request.method} {_safe_url(request.url)}"


@attrs.define
class CliState:
    """The global options (``afilnet [OPTIONS] COMMAND``), set again by a command's own
    ``--json``/``--table``/``-v`` when given after it."""

    auth: str | None = None
    base_url: str | None = None
    as_json: bool | None = None
    verbose: bool = False
    allow_insecure_http: bool = False
    stderr: Console = attrs.field(factory=lambda: Console(stderr=True, highlight=False))

    def client(
        self, *, auth_style: str | None = None, default_country: str | None = None, **options: Any
    ) -> AfilnetClient:
        """A client from the environment and the flags (``ConfigurationError`` naming a
        missing variable)."""
        log = VerboseLog(self.stderr) if self.verbose else None
        client = AfilnetClient.from_env(
            auth_style=auth_style or self.auth,
            base_url=self.base_url,
            default_country=default_country,
            allow_insecure_http=self.allow_insecure_http,
            on_response=log,
            **options,
        )
        if log is not None:
            log.client = client
        return client

    def run(
        self,
        action: Callable[[AfilnetClient], Awaitable[T]],
        *,
        default_country: str | None = None,
    ) -> T:
        """Open a client, run ``action`` with it, return the result."""
        client = self.client(default_country=default_country)

        async def main() -> T:
            async with client:
                return await action(client)

        return anyio.run(main)

    def call(
        self,
        action: Callable[[AfilnetClient], Awaitable[Any]],
        *,
        default_country: str | None = None,
    ) -> None:
        """Open a client, run ``action`` with it, print the result."""
        self.emit(self.run(action, default_country=default_country))

    def emit(self, value: Any) -> None:
        """Print ``value`` in the chosen format."""
        emit(value, as_json=self.as_json)

    def warn(self, message: str) -> None:
        """One ``afilnet: warning: ...`` line on stderr."""
        self.stderr.print(f"afilnet: warning: {message}", markup=False, soft_wrap=True)

    def note(self, message: str) -> None:
        """One line for the user on stderr (not part of the result)."""
        self.stderr.print(message, markup=False, highlight=False, soft_wrap=True)


pass_state = click.make_pass_decorator(CliState, ensure=True)
