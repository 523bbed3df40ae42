"""Keeping passwords and tokens out of logs, reprs and messages.

httpx logs every request URL at INFO, and a QueryAuth URL carries the password: the filter
installed here rewrites those records before any handler sees them.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "SECRET_PARAMS", "install_log_redaction", "redact_text"]

REDACTED = "[REDACTED]"

#: Parameter names whose values are secrets wherever they appear (query, form, JSON).
SECRET_PARAMS = frozenset(
    {"password", "accountpassword", "access_token", "refresh_token", "token", "client_secret"}
)

_PARAM = re.compile(
    r"(?P<key>\b(?:" + "|".join(sorted(SECRET_PARAMS)) + r"))"
    r"(?P<sep>=|\"\s*:\s*\"|'\s*:\s*')(?P<value>[^&\s\"',}]*)",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def redact_text(text: str) -> str:
    """``text`` with every secret parameter value and Authorization credential replaced."""
    text = _PARAM.sub(lambda m: f"{m['key']}{m['sep']}{REDACTED}", text)
    return _AUTH_HEADER.sub(lambda m: f"{m[1]} {REDACTED}", text)


class _RedactingFilter(logging.Filter):
    """Rewrites a log record's message with :func:`redact_text` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = _RedactingFilter()
_LOGGERS = ("httpx", "httpcore", "afilnet_async")


def install_log_redaction(*extra: str) -> None:
    """Attach the redacting filter to httpx's, httpcore's and this library's loggers (and to
    the ``extra`` ones named)."""
    for name in (*_LOGGERS, *extra):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
