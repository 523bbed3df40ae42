"""A :class:`Dialect` from an ``afilnet doctor`` transcript: the shapes a real account answered.

A transcript is the JSON ``afilnet doctor`` writes after calling the read-only methods on a
real account::

    {"format": "afilnet-doctor transcript", "version": 1,
     "entries": [{"style": "form", "method": "user.getbalance", "http_status": 200,
                  "answer": {"status": "SUCCESS", "result": 0}}, ...]}

Every value is masked (strings ``"***"``, digit strings ``"0"``, numbers ``0``) but keys,
types and shapes are kept, and so are the keys of id-keyed objects. For each method with a
successful answer, the dialect reproduces that answer's shape (list style and its key, how
numbers and booleans are written, the balance, columns, send and status styles); ``status``
is written in the case the transcript shows. Methods the transcript does not show answer as
in the ``vendor`` dialect.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from afilnet_async.spec import by_qualname

from .dialects import Dialect, StatusCase
from .exceptions import TranscriptError
from .methods import HANDLERS
from .shapes import Record, Records

__all__ = ["FORMAT", "VERSION", "dialect_from_transcript", "load_transcript"]

FORMAT = "afilnet-doctor transcript"
VERSION = 1

_LISTS = frozenset({"addresses", "channels", "subaccounts", "contacts"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_style(value: Any) -> str | None:
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _boolean_style(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if _is_number(value):
        return "int"
    if isinstance(value, str):
        return "string"
    return None


def _record_aspects(items: list[Any], record: Record) -> dict[str, str]:
    """How the first items that show them write the record's numbers and flags."""
    aspects: dict[str, str] = {}
    for item in items:
        if not isinstance(item, Mapping):
            continue
        for key in sorted(record.numbers & item.keys()):
            style = _number_style(item[key])
            if style is not None:
                aspects.setdefault("numbers", style)
        for key in sorted(record.flags & item.keys()):
            style = _boolean_style(item[key])
            if style is not None:
                aspects.setdefault("booleans", style)
    return aspects


def _list_aspects(result: Any) -> tuple[dict[str, str], list[Any]] | None:
    """The list style of ``result`` and its items, or ``None`` when it is no list at all."""
    if isinstance(result, list):
        return {"lists": "array"}, result
    if not isinstance(result, Mapping):
        return None
    lists = [key for key, value in result.items() if isinstance(value, list)]
    if len(result) == 1 and lists:
        return {"lists": "wrapped", "list_key": lists[0]}, result[lists[0]]
    if all(isinstance(value, Mapping) for value in result.values()):
        return {"lists": "keyed"}, list(result.values())
    return None


def _record_of(qualname: str) -> Record:
    api_class, _, api_method = qualname.partition(".")
    method = HANDLERS.get((api_class, api_method))
    shape = method.shape if method is not None else None
    if isinstance(shape, Records):
        return shape.record
    if isinstance(shape, Record):
        return shape
    return Record()


def _balance(result: Any) -> dict[str, str]:
    style = _number_style(result)
    if style is not None:
        return {"balance": "bare", "numbers": style}
    if isinstance(result, Mapping):
        for key, value in result.items():
            style = _number_style(value)
            if style is not None:
                return {"balance": "object", "balance_key": str(key), "numbers": style}
    return {}


def _columns(result: Any) -> dict[str, str]:
    if isinstance(result, list):
        return {"columns": "list"}
    if isinstance(result, str):
        return {"columns": "text"}
    if isinstance(result, Mapping):
        if all(str(key).isdigit() for key in result):
            return {"columns": "keyed"}
        lists = [key for key, value in result.items() if isinstance(value, list)]
        if lists:
            return {"columns": "wrapped", "columns_key": str(lists[0])}
    return {}


_MESSAGE = Record(numbers=frozenset({"messageid"}))


def _sends(result: Any) -> dict[str, str]:
    if isinstance(result, Mapping) and "messageid" in result:
        return {"sends": "messageid"}
    if isinstance(result, Mapping) and "messages" in result:
        aspects = {"sends": "messages"}
        listed = _list_aspects(result["messages"])
        if listed is not None:
            aspects |= listed[0] | _record_aspects(listed[1], _MESSAGE)
        return aspects
    if isinstance(result, list):
        style = _number_style(result[0]) if result else None
        return {"sends": "bare", **({"numbers": style} if style else {})}
    style = _number_style(result)
    return {"sends": "bare", "numbers": style} if style else {}


def _statuses(result: Any) -> dict[str, str]:
    if isinstance(result, Mapping) and result and all(isinstance(v, str) for v in result.values()):
        return {"statuses": "map"}
    listed = _list_aspects(result)
    if listed is None:
        return {}
    return {"statuses": "list", **listed[0], **_record_aspects(listed[1], _MESSAGE)}


def _aspects(qualname: str, result: Any) -> dict[str, str]:
    """The dialect aspects that write ``qualname``'s result in the shape of ``result``."""
    spec = by_qualname.get(qualname)
    kind = spec.result if spec is not None else "raw"
    if kind == "balance":
        return _balance(result)
    if kind == "group_columns":
        return _columns(result)
    if kind == "send_result":
        return _sends(result)
    if kind == "delivery_statuses":
        return _statuses(result)
    if kind in _LISTS:
        listed = _list_aspects(result)
        if listed is None:
            return {}
        return {**listed[0], **_record_aspects(listed[1], _record_of(qualname))}
    return _record_aspects([result], _record_of(qualname))


def dialect_from_transcript(transcript: Mapping[str, Any], name: str = "transcript") -> Dialect:
    """The dialect reproducing the answer shapes of ``transcript`` (a decoded transcript)."""
    if not isinstance(transcript, Mapping) or transcript.get("format") != FORMAT:
        raise TranscriptError(f"not an {FORMAT!r} (no such 'format')")
    if transcript.get("version") != VERSION:
        raise TranscriptError(f"unsupported transcript version {transcript.get('version')!r}")
    entries = transcript.get("entries")
    if not isinstance(entries, list):
        raise TranscriptError("a transcript needs a list of 'entries'")
    status_case: str | None = None
    methods: dict[str, dict[str, str]] = {}
    for entry in entries:
        answer = entry.get("answer") if isinstance(entry, Mapping) else None
        qualname = entry.get("method") if isinstance(entry, Mapping) else None
        if not isinstance(answer, Mapping) or not isinstance(qualname, str):
            continue
        status = answer.get("status")
        if isinstance(status, str) and status_case is None:
            status_case = "lower" if status.islower() else "upper"
        if not isinstance(status, str) or status.upper() != "SUCCESS" or "result" not in answer:
            continue
        if qualname not in methods:
            methods[qualname] = _aspects(qualname, answer["result"])
    case: StatusCase = "lower" if status_case == "lower" else "upper"
    shown = {qualname: aspects for qualname, aspects in methods.items() if aspects}
    return Dialect(name=name, status_case=case, methods=shown)  # vendor's choices elsewhere


def load_transcript(path: str | Path) -> Dialect:
    """:func:`dialect_from_transcript` of the JSON file at ``path``."""
    source = Path(path)
    try:
        data = json.loads(source.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TranscriptError(f"cannot read the transcript {source}: {error}") from None
    return dialect_from_transcript(data, name=f"transcript:{source.name}")
