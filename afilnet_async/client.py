"""AfilnetClient: the async session every call goes through."""

from __future__ import annotations

import functools
import ipaddress
import ssl
from types import TracebackType
from typing import Any, Self

import httpx

from ._version import __version__
from .auth.base import AuthStrategy
from .call import Call
from .endpoints import SubaccountAPI, UserAPI
from .errors import ClientClosedError, ConfigurationError
from .groups import Groups
from .models import convert_result
from .params import encode_arguments, encode_raw_arguments
from .redaction import install_log_redaction
from .retry import RetryPolicy
from .spec import MethodSpec
from .transport import send_call

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AfilnetClient"]

DEFAULT_BASE_URL = "https://www.afilnet.com/api/"
#: Used when the client creates its own httpx client and no ``timeout`` is given.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_NO_RETRY = RetryPolicy(max_retries=0)
_HEADERS = {"User-Agent": f"afilnet-async/{__version__}", "Accept": "application/json"}


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying TLS context, built once per process (it costs ~0.1 s)."""
    return httpx.create_ssl_context()


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _require_secure(url: httpx.URL, allow_insecure_http: bool) -> None:
    if url.scheme == "https" or allow_insecure_http:
        return
    if url.scheme != "http":
        raise ConfigurationError(f"unsupported URL scheme {url.scheme!r}: use https")
    if not _is_loopback(url.host):
        raise ConfigurationError(
            f"refusing to send credentials over plain http to {url.host!r}; use https, "
            "or pass allow_insecure_http=True if you really mean it"
        )


class AfilnetClient:
    """An async session with the Afilnet API.

    Use as ``async with AfilnetClient(auth) as client:`` or call :meth:`aclose`. Pass
    ``http_client`` to share one :class:`httpx.AsyncClient` (its pool, proxies, TLS settings)
    with the rest of a service; a client passed in is never closed by this library. Or pass
    ``transport`` (e.g. ``Emulator().transport()``) for a client of the library's own on it.
    ``max_connections`` sizes the pool the library creates; the bulk importer keeps its
    concurrency within it.

    ``client.user``, ``client.subaccount`` and ``client.group`` hold one coroutine per Afilnet
    method; :meth:`call` reaches any method by its Afilnet name.
    """

    def __init__(
        self,
        auth: AuthStrategy,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        max_connections: int = 100,
        allow_insecure_http: bool = False,
    ) -> None:
        if not isinstance(auth, AuthStrategy):
            raise ConfigurationError(
                "auth must be an auth strategy such as QueryAuth or FormAuth, "
                f"got {type(auth).__name__}"
            )
        if max_retries < 0:
            raise ConfigurationError("max_retries must be >= 0")
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client or transport, not both")
        url = httpx.URL(base_url if base_url.endswith("/") else base_url + "/")
        for credential_url in auth.credential_urls(url):
            _require_secure(credential_url, allow_insecure_http)
        self._base_url = url
        self._auth = auth
        self._httpx_auth = auth.httpx_auth(url)
        self._retry = RetryPolicy(max_retries=max_retries)
        self._owns_http = http_client is None
        self.max_connections = max_connections
        self._http = http_client or httpx.AsyncClient(
            timeout=timeout or DEFAULT_TIMEOUT,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            verify=_tls_context(),
        )
        resolved = httpx.Timeout(timeout) if timeout is not None else self._http.timeout
        self._extensions = {"timeout": resolved.as_dict()}
        self._closed = False
        self.user = UserAPI(self)
        self.subaccount = SubaccountAPI(self)
        self.group = Groups(self)
        install_log_redaction()

    def __repr__(self) -> str:
        return f"AfilnetClient(base_url='{self._base_url}', auth={self._auth!r})"

    @property
    def base_url(self) -> httpx.URL:
        """The API root the auth strategy's paths are joined to."""
        return self._base_url

    @property
    def auth(self) -> AuthStrategy:
        """The auth strategy this client sends every call through."""
        return self._auth

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool, unless it belongs to a caller-supplied ``http_client``."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    async def call(self, api_class: str, api_method: str, /, **params: Any) -> Any:
        """Call any Afilnet method by name; values are encoded by type, the result returned raw.

        ``bool`` -> 1/0, numbers as text, a list of names -> comma-joined, a dict ->
        ``k:v,k:v``, a list of dicts -> JSON; ``None`` values are not sent.
        """
        return await self.send(Call(api_class, api_method, encode_raw_arguments(params)))

    async def invoke(self, spec: MethodSpec, arguments: dict[str, Any]) -> Any:
        """Validate ``arguments`` against ``spec``, send the call, and structure its result."""
        call = Call(spec.api_class, spec.api_method, encode_arguments(spec, arguments))
        return convert_result(spec.result, await self.send(call), spec.qualname)

    async def send(self, call: Call) -> Any:
        """Send an already-encoded call (with retries) and return the decoded result."""
        request = self._build_request(call)
        return await send_call(self._http, request, self._httpx_auth, self._retry, call.qualname)

    async def send_once(self, call: Call) -> Any:
        """Send an already-encoded call exactly once, for callers that decide on retries."""
        request = self._build_request(call)
        return await send_call(self._http, request, self._httpx_auth, _NO_RETRY, call.qualname)

    def _build_request(self, call: Call) -> httpx.Request:
        if self._closed:
            raise ClientClosedError("this AfilnetClient is closed")
        if self._http.is_closed:  # a caller's http_client, closed by its owner
            raise ClientClosedError("the http_client of this AfilnetClient is closed")
        request = self._auth.build_request(call, self._base_url)
        request.headers.update(_HEADERS)
        request.extensions = self._extensions
        return request
