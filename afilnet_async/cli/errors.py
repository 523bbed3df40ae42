"""The command line's own error: a one-line message for the user, never a traceback."""

from __future__ import annotations

__all__ = ["CliError"]


class CliError(Exception):
    """Bad input on the command line (a malformed key=value, missing credentials, ...)."""
