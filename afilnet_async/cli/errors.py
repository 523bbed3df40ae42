"""The command line's own errors: a one-line message for the user, never a traceback."""

from __future__ import annotations

__all__ = ["CliError", "Interrupted"]


class CliError(Exception):
    """Bad input on the command line (a malformed key=value, missing credentials, ...)."""


class Interrupted(Exception):
    """Ctrl-C stopped a command; the message says what to do next (exit status 130)."""
