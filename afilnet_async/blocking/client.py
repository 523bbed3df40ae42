"""The blocking AfilnetClient: the async client, run on a private event loop thread."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from ..auth.base import AuthStrategy
from ..client import _UNSET, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES
from ..client import AfilnetClient as AsyncAfilnetClient
from ..errors import ClientClosedError
from ..retry import RetryPolicy
from ..sending import Hook
from .endpoints import NAMESPACE_CLASSES
from .portal import Portal

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

__all__ = ["AfilnetClient"]


class AfilnetClient:
    """A blocking session with the Afilnet API: ``afilnet_async.AfilnetClient`` without ``await``.

    Use as ``with AfilnetClient(auth) as client:`` or call :meth:`close`. It takes the same
    arguments as the async client (and builds one), has the same namespaces and methods with
    the same keyword-only parameters, and returns the same models and raises the same
    exceptions. Each call runs the async client's coroutine on this client's own event loop
    thread (an anyio blocking portal), started by the first call and stopped by
    :meth:`close`. Any number of threads may use one client at once: their calls run
    concurrently on that loop, over one connection pool.

    ``on_progress`` callbacks and the ``on_request`` / ``on_response`` hooks are called on the
    loop's thread, not the caller's: keep them short, and do not call the client from them.
    An ``http_client`` passed in is used on that loop only; do not share it with another one.
    """

    user: UserAPI
    subaccount: SubaccountAPI
    group: GroupAPI
    sms: SmsAPI
    email: EmailAPI
    voice: VoiceAPI
    whatsapp: WhatsappAPI

    _async: AsyncAfilnetClient
    _portal: Portal
    _owns_portal: bool

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
        client = AsyncAfilnetClient(
            auth,
            base_url=base_url,
            http_client=http_client,
            transport=transport,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            default_country=default_country,
            on_request=on_request,
            on_response=on_response,
        )
        self._attach(client, Portal(), owns_portal=True)

    def _attach(self, client: AsyncAfilnetClient, portal: Portal, *, owns_portal: bool) -> None:
        self._async, self._portal, self._owns_portal = client, portal, owns_portal
        for attribute, namespace_class in NAMESPACE_CLASSES.items():
            setattr(self, attribute, namespace_class(getattr(client, attribute), portal))

    @classmethod
    def _wrapping(
        cls, client: AsyncAfilnetClient, portal: Portal, *, owns_portal: bool
    ) -> AfilnetClient:
        blocking = cls.__new__(cls)
        blocking._attach(client, portal, owns_portal=owns_portal)
        return blocking

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
        client = AsyncAfilnetClient.from_env(environ, auth_style=auth_style, **options)
        return cls._wrapping(client, Portal(), owns_portal=True)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = _UNSET,
        max_retries: int | None = _UNSET,
        retry: RetryPolicy | None = _UNSET,
        max_response_bytes: int = _UNSET,
    ) -> AfilnetClient:
        """A client like this one with other per-call options; it shares the event loop
        thread, the connection pool, the auth strategy and its token cache.

        ``client.with_options(timeout=2, max_retries=0).user.get_balance()``. Closing the
        original closes both; closing the derived client only stops it.
        """
        derived = self._async.with_options(
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            max_response_bytes=max_response_bytes,
        )
        return self._wrapping(derived, self._portal, owns_portal=False)

    def __repr__(self) -> str:
        return f"blocking.AfilnetClient(base_url='{self.base_url}', auth={self.auth!r})"

    @property
    def base_url(self) -> httpx.URL:
        """The API root the auth strategy's paths are joined to."""
        return self._async.base_url

    @property
    def auth(self) -> AuthStrategy:
        """The auth strategy this client sends every call through."""
        return self._async.auth

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy of this client's calls."""
        return self._async.retry

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`close` was called (on this client or the one it derives from)."""
        return self._portal.closed or self._async.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Refuse new calls, wait for those running in other threads, close the async client
        (its connection pool, unless a caller's ``http_client``), then stop the event loop and
        join its thread. Later calls raise ClientClosedError.

        On a client from :meth:`with_options`, only that client is stopped; the loop and the
        pool belong to the client it was derived from. Idempotent.
        """
        if self._owns_portal:
            self._portal.close(self._async.aclose)
            return
        if self._portal.closed:
            return
        with contextlib.suppress(ClientClosedError):  # its parent was closed meanwhile
            self._portal.run(self._async.aclose)

    def call(self, api_class: str, api_method: str, /, **params: Any) -> Any:
        """Call any Afilnet method by name; values are encoded by type, the result returned raw.

        ``bool`` -> 1/0, numbers as text, a list of names -> comma-joined, a dict ->
        ``k:v,k:v``, a list of dicts -> JSON; ``None`` values are not sent. A method the spec
        knows is retried as its spec allows; an unknown one is treated as not safe to repeat.
        """
        return self._portal.run(self._async.call, api_class, api_method, **params)
