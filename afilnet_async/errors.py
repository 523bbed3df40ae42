"""The exception tree and Afilnet's error-code table.

Every failure of a call surfaces as an :class:`AfilnetError` subclass (or ``TypeError`` for a
missing Python argument). Messages never carry a password or token.
"""

from __future__ import annotations

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
    "InvalidRequestError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
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
}


class AfilnetError(Exception):
    """Base class of every error this library raises."""


class ValidationError(AfilnetError, ValueError):
    """A caller's argument is invalid; raised before any request is sent."""


class RequestTooLargeError(ValidationError):
    """The request would exceed the vendor's GET size limit; nothing was sent."""


class ConfigurationError(AfilnetError, ValueError):
    """The client is configured unsafely or inconsistently (e.g. credentials over plain http)."""


class AfilnetTransportError(AfilnetError):
    """The request did not complete at the network level."""


class AfilnetConnectionError(AfilnetTransportError):
    """Could not connect, or the connection broke before an answer arrived."""


class AfilnetTimeoutError(AfilnetTransportError):
    """The request timed out."""


class AfilnetHTTPStatusError(AfilnetError):
    """The server answered with an HTTP status that carries no Afilnet envelope."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only arguments defeat Exception's pickling, which calls cls(*args).
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(
    cls: type[AfilnetHTTPStatusError], args: tuple[Any, ...], state: dict[str, Any]
) -> AfilnetHTTPStatusError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class RateLimitError(AfilnetHTTPStatusError):
    """HTTP 429: too many requests. ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status_code=429)
        self.retry_after = retry_after


class ServerError(AfilnetHTTPStatusError):
    """HTTP 5xx from the server."""


class TokenError(AfilnetError):
    """The OAuth2 token endpoint refused the credentials or gave an unusable answer."""


class MalformedResponseError(AfilnetError):
    """The answer is not an Afilnet envelope (HTML, empty, truncated, not an object, ...)."""


class AfilnetAPIError(AfilnetError):
    """Afilnet answered ``status=ERROR``; ``code`` is its error code, known or not."""

    codes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, code: str) -> None:
        self.code = code
        self.meaning = ERROR_CODES.get(code, "undocumented error code")
        super().__init__(f"{code}: {self.meaning}")

    def __reduce__(self) -> tuple[type[AfilnetAPIError], tuple[str]]:
        return (type(self), (self.code,))


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
    """Not enough balance, or a transfer under the minimum."""

    codes = frozenset({"NOT_ENOUGH_BALANCE", "INCORRECT_MIN_BALANCE"})


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
    InvalidRequestError,
)
_CLASS_BY_CODE: dict[str, type[AfilnetAPIError]] = {
    code: family for family in _FAMILIES for code in family.codes
}


def api_error_for(code: str) -> AfilnetAPIError:
    """The exception for an Afilnet error code: its family's class, or the base class."""
    return _CLASS_BY_CODE.get(code, AfilnetAPIError)(code)


class ClientClosedError(AfilnetError, RuntimeError):
    """The client was used after ``aclose()`` (or after its ``async with`` block ended)."""
