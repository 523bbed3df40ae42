"""Afilnet's answer envelope: ``{"status": "SUCCESS", "result": ...}`` or an error code.

:func:`decode_envelope` returns the result or raises an :class:`AfilnetError` subclass; no
``JSONDecodeError``, ``UnicodeError`` or ``KeyError`` gets out.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import MalformedResponseError, api_error_for

__all__ = ["decode_envelope", "try_decode_error"]


def _loads(body: bytes) -> tuple[Any, str | None]:
    """The decoded JSON, or why it could not be decoded."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "answer is not valid UTF-8"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        looks = "HTML" if text.lstrip()[:1] == "<" else "truncated or invalid JSON"
        return None, f"answer is not JSON ({looks}; {len(body)} bytes, error at char {exc.pos})"
    except RecursionError:
        return None, "answer is JSON nested too deeply"
    except ValueError:  # e.g. an integer over Python's int_max_str_digits
        return None, "answer is not JSON this client can decode"


def _parse(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise MalformedResponseError("empty answer where an Afilnet JSON envelope was expected")
    data, problem = _loads(body)
    if problem is not None:  # raised here, not in an except: the decoder's error (which
        raise MalformedResponseError(problem) from None  # holds the answer) is not chained
    if not isinstance(data, dict):
        raise MalformedResponseError(f"answer is a JSON {type(data).__name__}, not an object")
    return data


def decode_envelope(body: bytes, status_code: int = 200) -> Any:
    """The ``result`` of a success envelope; raises the matching error otherwise.

    ``status`` is read in any case and around spaces (``success``, `` Success ``)."""
    data = _parse(body)
    status = data.get("status")
    if not isinstance(status, str):
        raise MalformedResponseError("answer has no 'status' string")
    normalized = status.strip().upper()
    if normalized == "SUCCESS":
        return data.get("result")
    if normalized == "ERROR":
        code = data.get("error")
        if not isinstance(code, str) or not code.strip():
            raise MalformedResponseError("error answer carries no error code")
        raise api_error_for(code.strip(), status_code)
    raise MalformedResponseError(f"answer has an unknown status {status[:40]!r}")


def try_decode_error(body: bytes, status_code: int = 200) -> None:
    """Raise the API error an error envelope in ``body`` carries; do nothing for anything else."""
    try:
        data = _parse(body)
    except MalformedResponseError:
        return
    status, code = data.get("status"), data.get("error")
    if not (isinstance(status, str) and isinstance(code, str) and code.strip()):
        return
    if status.strip().upper() == "ERROR":
        raise api_error_for(code.strip(), status_code)
