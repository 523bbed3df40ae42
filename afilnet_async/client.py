"""AfilnetClient: the async session every call goes through."""

from __future__ import annotations

import functools
import ipaddress
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from .auth.base import AuthStrategy
from .call import Call
from .config import settings_from_env
from .errors import ConfigurationError
from .params import encode_raw_arguments
from .redaction import install_log_redaction
from .retry import RetryPolicy
from .sending import Hook, Hooks
from .session import Lifecycle, Session
from .spec import by_qualname

if TYPE_CHECKING:
    from .endpoints import (
        EmailAPI,
        GroupAPI,
        SmsAPI,
        SubaccountAPI,
        UserAPI,
        VoiceAPI,
        WhatsappAPI,
    )

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_TIMEOUT", "AfilnetClient"]

DEFAULT_BASE_URL = "https://www.afilnet.com/api/"
#: Used when the client creates its own httpx client and no ``timeout`` is given.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: The largest answer read, decoded: a getcontacts of about two million contacts.
DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024
_UNSET: Any = object()


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
            "or pass allow_insecure_http=True (CLI: --allow-insecure-http) if you really mean it"
        )


def _policy(retry: RetryPolicy | None, max_retries: int | None) -> RetryPolicy:
    if retry is not None and max_retries is not None:
        raise ConfigurationError("pass retry or max_retries, not both")
    if retry is not None:
        if not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a RetryPolicy, got {type(retry).__name__}")
        return retry
    if max_retries is not None and (isinstance(max_retries, bool) or max_retries < 0):
        raise ConfigurationError("max_retries must be >= 0")
    return RetryPolicy(max_retries=2 if max_retries is None else max_retries)


def _timeout(timeout: float | httpx.Timeout | None, default: httpx.Timeout) -> httpx.Timeout:
    return default if timeout is None else httpx.Timeout(timeout)


class AfilnetClient:
    """An async session with the Afilnet API.

    Use as ``async with AfilnetClient(auth) as client:`` or call :meth:`aclose`. Pass
    ``http_client`` to share one :class:`httpx.AsyncClient` (its pool, proxies, TLS settings)
    with the rest of a service; a client passed in is never closed by this library. Or pass
    ``transport`` (e.g. ``Emulator().transport()``) for a client of the library's own on it.

    - ``timeout``: seconds one attempt may take in all (connect, send, answer); default 30.
    - ``max_retries`` (default 2) or ``retry=RetryPolicy(...)``: what is retried and when.
    - ``max_response_bytes``: the largest answer read, decoded (default 128 MiB).
    - ``max_connections``: the size of the pool the library creates; the bulk runners keep
      their concurrency within it.
    - ``default_country``: ISO alpha-2 code giving national mobile numbers their country code
      (``600111222`` with ``"ES"`` -> ``34600111222``; needs the ``phones`` extra).
    - ``on_request`` / ``on_response``: hooks told about every attempt (method, request id,
      attempt, status, elapsed), never about credentials.

    ``client.user``, ``client.subaccount``, ``client.group``, ``client.sms``, ``client.email``,
    ``client.voice`` and ``client.whatsapp`` hold one coroutine per Afilnet method;
    :meth:`call` reaches any method by its Afilnet name.
    """

    user: UserAPI
    subaccount: SubaccountAPI
    group: GroupAPI
    sms: SmsAPI
    email: EmailAPI
    voice: VoiceAPI
    whatsapp: WhatsappAPI

    def __init__(
        self,
        auth: AuthStrategy,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        default_country: str | None = None,
        on_request: Hook | None = None,
        on_response: Hook | None = None,
    ) -> None:
        if not isinstance(auth, AuthStrategy):
            raise ConfigurationError(
                "auth must be an auth strategy such as QueryAuth or FormAuth, "
                f"got {type(auth).__name__}"
            )
        policy = _policy(retry, max_retries)
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client or transport, not both")
        if isinstance(max_response_bytes, bool) or max_response_bytes < 1:
            raise ConfigurationError("max_response_bytes must be a positive number of bytes")
        country = _country(default_country)
        url = httpx.URL(base_url if base_url.endswith("/") else base_url + "/")
        for credential_url in auth.credential_urls(url):
            _require_secure(credential_url, allow_insecure_http)
        self._owns_http = http_client is None
        http = http_client or httpx.AsyncClient(
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            verify=_tls_context(),
        )
        self._session = Session(
            http=http,
            auth=auth,
            flow=auth.httpx_auth(url),
            base_url=url,
            policy=policy,
            timeout=_timeout(timeout, http.timeout),
            max_response_bytes=max_response_bytes,
            pool_limit=max_connections if self._owns_http else None,
            lifecycle=Lifecycle(),
            hooks=Hooks(on_request, on_response),
            default_country=country,
        )
        self._attach_namespaces()
        install_log_redaction()

    def _attach_namespaces(self) -> None:
        from .endpoints import NAMESPACE_CLASSES  # generated; loaded with the first client

        for attribute, namespace_class in NAMESPACE_CLASSES.items():
            setattr(self, attribute, namespace_class(self._session))

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        auth_style: str | None = None,
        **options: Any,
    ) -> AfilnetClient:
        """A client configured by ``AFILNET_USER``, ``AFILNET_PASSWORD`` (or ``AFILNET_TOKEN``),
        ``AFILNET_AUTH``, ``AFILNET_BASE_URL`` and ``AFILNET_COUNTRY``, as the ``afilnet``
        command reads them; ``auth_style`` and ``options`` (``base_url=``, ``timeout=``...)
        win over the environment. A missing variable is a ConfigurationError naming it."""
        settings = settings_from_env(
            environ,
            auth_style=auth_style,
            base_url=options.pop("base_url", None),
            default_country=options.pop("default_country", None),
        )
        if settings.base_url is not None:
            options["base_url"] = settings.base_url
        return cls(settings.auth, default_country=settings.default_country, **options)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = _UNSET,
        max_retries: int | None = _UNSET,
        retry: RetryPolicy | None = _UNSET,
        max_response_bytes: int = _UNSET,
    ) -> AfilnetClient:
        """A client like this one with other per-call options; it shares the connection pool,
        the auth strategy and its token cache (no new pool, no new token).

        ``await client.with_options(timeout=2, max_retries=0).user.get_balance()``. Closing
        the original closes the pool of both; closing the derived client only stops it.
        """
        changes: dict[str, Any] = {}
        if timeout is not _UNSET:
            changes["timeout"] = _timeout(timeout, self._session.http.timeout)
        if retry is not _UNSET or max_retries is not _UNSET:
            changes["policy"] = _policy(
                None if retry is _UNSET else retry, None if max_retries is _UNSET else max_retries
            )
        if max_response_bytes is not _UNSET:
            if isinstance(max_response_bytes, bool) or max_response_bytes < 1:
                raise ConfigurationError("max_response_bytes must be a positive number of bytes")
            changes["max_response_bytes"] = max_response_bytes
        changes["lifecycle"] = Lifecycle(parent=self._session.lifecycle)
        return _DerivedClient(self._session.derive(**changes))

    def __repr__(self) -> str:
        return f"AfilnetClient(base_url='{self._session.base_url}', auth={self._session.auth!r})"

    @property
    def base_url(self) -> httpx.URL:
        """The API root the auth strategy's paths are joined to."""
        return self._session.base_url

    @property
    def auth(self) -> AuthStrategy:
        """The auth strategy this client sends every call through."""
        return self._session.auth

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy of this client's calls."""
        return self._session.policy

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`aclose` was called (on this client or the one it derives from)."""
        return self._session.lifecycle.closed

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
        """Close the connection pool, unless it belongs to a caller-supplied ``http_client``
        (or to the client this one was derived from)."""
        self._session.lifecycle.close()
        if self._owns_http:
            await self._session.http.aclose()

    async def call(self, api_class: str, api_method: str, /, **params: Any) -> Any:
        """Call any Afilnet method by name; values are encoded by type, the result returned raw.

        ``bool`` -> 1/0, numbers as text, a list of names -> comma-joined, a dict ->
        ``k:v,k:v``, a list of dicts -> JSON; ``None`` values are not sent. A method the spec
        knows is retried as its spec allows; an unknown one is treated as not safe to repeat.
        """
        spec = by_qualname.get(f"{api_class}.{api_method}")
        call = Call(api_class, api_method, encode_raw_arguments(params))
        return await self._session.send(call, idempotent=spec.idempotent if spec else False)


class _DerivedClient(AfilnetClient):
    """A client :meth:`AfilnetClient.with_options` made: it shares the session's pool, auth
    and token cache with the client it came from, and never closes that pool."""

    def __init__(self, session: Session) -> None:
        self._owns_http = False
        self._session = session
        self._attach_namespaces()


def _country(code: str | None) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str) or len(code) != 2 or not (code.isascii() and code.isalpha()):
        raise ConfigurationError(
            f"default_country must be an ISO alpha-2 code such as 'ES', got {code!r}"
        )
    return code.upper()
