"""The exception tree and Afilnet's error-code table.

Every failure of a call surfaces as an :class:`AfilnetError` subclass (or ``TypeError`` for a
missing Python argument). Messages never carry a password or token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "ERROR_CODES",
    "AfilnetAPIError",
    "AfilnetConnectionError",
    "AfilnetError",
    "AfilnetHTTPStatusError",
    "AfilnetTimeoutError",
    "AfilnetTransportError",
    "AuthenticationError",
    "BalanceError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DestinationError",
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "ResponseTooLargeError",
    "ServerError",
    "TokenError",
    "ValidationError",
    "api_error_for",
]

#: Every error code Afilnet documents, with its meaning (English digest of the vendor pages).
ERROR_CODES: dict[str, str] = {
    "MISSING_USER": "user or e-mail not included",
    "MISSING_PASSWORD": "password not included",
    "MISSING_CLASS": "class not included",
    "MISSING_METHOD": "method not included",
    "MISSING_COMPULSORY_PARAM": "a compulsory parameter is missing",
    "INCORRECT_USER_PASSWORD": "wrong user or password",
    "INCORRECT_CLASS": "unknown class",
    "INCORRECT_METHOD": "unknown method",
    "EMPTY_COUNTRYCODE": "the country code is empty",
    "EMPTY_FIELDS": "some compulsory fields are empty",
    "COUNTRY_NOT_FOUND": "no country with the given code",
    "EMPTY_CITY": "no city given",
    "CITY_NOT_FOUND": "the given city does not exist",
    "INCORRECT_EMAIL": "the e-mail is not valid",
    "INCORRECT_PASSWORD": "the password is not valid",
    "RESELLER_ACCOUNT_REQUIRED": "the account does not have the reseller plan",
    "ACCOUNT_NOT_FOUND": "sub-account not found",
    "NOT_ENOUGH_BALANCE": "not enough balance for the transfer",
    "INCORRECT_MIN_BALANCE": "transfer under the minimum balance",
    "INCORRECT_TYPE": "group type must be 'mobile' or 'email'",
    "MISSING_MAIN_FIELD": "the group's main field is missing ('mobile' or 'email')",
    "NOT_ACCESS_TO_GROUP": "no permission on that group",
    "NOT_ACCESS_TO_CONTACT": "no permission on that contact",
    "CONTACT_EXISTS": "the contact already exists in the group",
    # Not on the vendor's pages in hand: listed by the vendor's own Node and PHP clients for
    # the messaging methods (Afilnet/api-npmjs README, Afilnet/api-php README).
    "NO_CREDITS": "the balance is too low for this send",
    "NO_ROUTE_AVAILABLE": "no route is available to that destination",
}


class AfilnetError(Exception):
    """Base class of every error this library raises.

    ``request_id`` is the client-generated id of the call that failed (also in every DEBUG
    log line of that call), ``None`` for errors raised before a call was made.
    """

    request_id: str | None = None


class ValidationError(AfilnetError, ValueError):
    """A caller's argument is invalid; raised before any request is sent."""


class RequestTooLargeError(ValidationError):
    """The request would exceed the vendor's GET size limit; nothing was sent."""


class ConfigurationError(AfilnetError, ValueError):
    """The client is configured unsafely or inconsistently (e.g. credentials over plain http)."""


class AfilnetTransportError(AfilnetError):
    """The request did not complete at the network level.

    ``nothing_applied`` is true when the request certainly never reached Afilnet (the
    connection could not be made, or only the OAuth2 token request failed), so sending it
    again cannot apply it twice.
    """

    def __init__(self, message: str, *, nothing_applied: bool = False) -> None:
        super().__init__(message)
        self.nothing_applied = nothing_applied

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, self.__dict__))


class AfilnetConnectionError(AfilnetTransportError):
    """Could not connect, or the connection broke before an answer arrived."""


class AfilnetTimeoutError(AfilnetTransportError):
    """The request (one attempt: connect, send, answer) took longer than ``timeout``."""


class OutcomeUnknownError(AfilnetTransportError):
    """A call that is not safe to repeat may have been applied: it was not retried.

    Raised instead of the underlying failure (a timeout after the request went out, a
    connection lost mid-request, a 5xx, an unreadable answer) for methods whose spec says
    ``idempotent = false`` (sends, additions, transfers). ``qualname`` names the method,
    ``sent`` holds the parameters that went out (passwords and tokens removed) and
    ``cause`` the underlying error, so the caller can check before deciding to send again.
    """

    def __init__(
        self, qualname: str, cause: AfilnetError, sent: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(
            f"{qualname} may have been applied: {type(cause).__name__}: {cause}; it was not "
            "retried (check before sending it again)"
        )
        self.qualname = qualname
        self.cause = cause
        self.sent: Mapping[str, str] = dict(sent or {})


class AfilnetHTTPStatusError(AfilnetError):
    """The server answered with an HTTP status that carries no Afilnet envelope."""

    def __init__(self, message: str, *, status_code: int, nothing_applied: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.nothing_applied = nothing_applied

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only arguments defeat Exception's pickling, which calls cls(*args).
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[AfilnetError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class RateLimitError(AfilnetHTTPStatusError):
    """HTTP 429: too many requests. ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status_code=429, nothing_applied=True)
        self.retry_after = retry_after


class ServerError(AfilnetHTTPStatusError):
    """HTTP 5xx from the server."""


class TokenError(AfilnetError):
    """The OAuth2 token endpoint refused the credentials or gave an unusable answer."""


class MalformedResponseError(AfilnetError):
    """The answer is not an Afilnet envelope (HTML, empty, truncated, not an object, ...), or
    its ``result`` fits no plausible reading of the method's answer."""


class ResponseTooLargeError(MalformedResponseError):
    """The answer (decoded) exceeded the client's ``max_response_bytes``; it was not read on."""


class AfilnetAPIError(AfilnetError):
    """Afilnet answered ``status=ERROR``; ``code`` is its error code, known or not.

    ``status_code`` is the HTTP status it came with (200 for the usual envelope). A bare
    HTTP 401 or 403 without an envelope is an :class:`AuthenticationError` or
    :class:`PermissionDeniedError` with the code ``HTTP_401`` or ``HTTP_403``.
    """

    codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, code: str, *, status_code: int = 200, meaning: str | None = None) -> None:
        self.code = code
        self.status_code = status_code
        self.meaning = meaning or ERROR_CODES.get(code, "undocumented error code")
        super().__init__(f"{code}: {self.meaning}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, self.__dict__))


class AuthenticationError(AfilnetAPIError):
    """Credentials missing or wrong."""

    codes = frozenset({"MISSING_USER", "MISSING_PASSWORD", "INCORRECT_USER_PASSWORD"})


class PermissionDeniedError(AfilnetAPIError):
    """The account may not do this (group or contact of another account, reseller plan)."""

    codes = frozenset({"NOT_ACCESS_TO_GROUP", "NOT_ACCESS_TO_CONTACT", "RESELLER_ACCOUNT_REQUIRED"})


class NotFoundError(AfilnetAPIError):
    """The named sub-account, country or city does not exist."""

    codes = frozenset({"ACCOUNT_NOT_FOUND", "COUNTRY_NOT_FOUND", "CITY_NOT_FOUND"})


class ConflictError(AfilnetAPIError):
    """The thing already exists (``CONTACT_EXISTS``)."""

    codes = frozenset({"CONTACT_EXISTS"})


class BalanceError(AfilnetAPIError):
    """Not enough balance (for a transfer or a send), or a transfer under the minimum."""

    codes = frozenset({"NOT_ENOUGH_BALANCE", "INCORRECT_MIN_BALANCE", "NO_CREDITS"})


class DestinationError(AfilnetAPIError):
    """Afilnet cannot deliver to that destination (``NO_ROUTE_AVAILABLE``)."""

    codes = frozenset({"NO_ROUTE_AVAILABLE"})


class InvalidRequestError(AfilnetAPIError):
    """The server rejected the request's class, method or parameters."""

    codes = frozenset(
        {
            "MISSING_CLASS",
            "MISSING_METHOD",
            "MISSING_COMPULSORY_PARAM",
            "INCORRECT_CLASS",
            "INCORRECT_METHOD",
            "EMPTY_COUNTRYCODE",
            "EMPTY_FIELDS",
            "EMPTY_CITY",
            "INCORRECT_EMAIL",
            "INCORRECT_PASSWORD",
            "INCORRECT_TYPE",
            "MISSING_MAIN_FIELD",
        }
    )


_FAMILIES: tuple[type[AfilnetAPIError], ...] = (
    AuthenticationError,
    PermissionDeniedError,
    NotFoundError,
    ConflictError,
    BalanceError,
    DestinationError,
    InvalidRequestError,
)
_CLASS_BY_CODE: dict[str, type[AfilnetAPIError]] = {
    code: family for family in _FAMILIES for code in family.codes
}


def api_error_for(code: str, status_code: int = 200) -> AfilnetAPIError:
    """The exception for an Afilnet error code: its family's class, or the base class."""
    return _CLASS_BY_CODE.get(code, AfilnetAPIError)(code, status_code=status_code)


class ClientClosedError(AfilnetError, RuntimeError):
    """The client was used after ``aclose()`` (or after its ``async with`` block ended), or
    was closed while the call was in flight.

    ``nothing_applied`` is false only in the second case, once the request may have reached
    Afilnet: a call that is not safe to repeat then raises :class:`OutcomeUnknownError`
    with this error as its cause.
    """

    def __init__(self, message: str, *, nothing_applied: bool = True) -> None:
        super().__init__(message)
        self.nothing_applied = nothing_applied

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, self.__dict__))
