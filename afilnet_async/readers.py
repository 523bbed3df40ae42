"""Reading each method's ``result`` into its model: the one place that knows answer shapes.

:data:`READERS` maps the spec's ``result`` names to a :class:`ResultReader`: the function that
turns a decoded ``result`` into the model, and how the generated code names that type. A
result that fits no reading raises :class:`MalformedResponseError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
import cattrs

from .errors import MalformedResponseError
from .models import (
    Address,
    Balance,
    Channel,
    Contact,
    CreatedGroup,
    GroupColumns,
    converter,
    structure_int,
)

__all__ = ["READERS", "ResultReader", "read_result"]

T = TypeVar("T")


@attrs.frozen
class ResultReader(Generic[T]):
    """How to read one kind of result, and the type the generated endpoints declare for it."""

    read: Callable[[Any], T]
    annotation: str = "Any"
    models: tuple[str, ...] = ()


def _created_group(result: Any) -> CreatedGroup:
    candidate = result.get("idgroup", result.get("id")) if isinstance(result, dict) else result
    try:
        return CreatedGroup(idgroup=structure_int(candidate, int), raw=result)
    except ValueError:
        return CreatedGroup(idgroup=None, raw=result)


def _as_is(result: Any) -> Any:
    return result


def _balance(result: Any) -> Balance:
    value = result.get("balance", result.get("credits")) if isinstance(result, dict) else result
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("no balance")
    return Balance(Decimal(str(value).strip()), raw=result)


def _contact(item: Any) -> Contact:
    if not isinstance(item, dict):
        raise ValueError("a contact is not an object")
    identifier = item.get("idcontact", item.get("id"))
    fields = {str(k): "" if v is None else str(v) for k, v in item.items()
              if k not in ("idcontact", "id")}  # fmt: skip
    idcontact = structure_int(identifier, int) if identifier is not None else None
    return Contact(idcontact, fields, raw=item)


def _contacts(result: Any) -> list[Contact]:
    items = result if isinstance(result, list) else [] if result in (None, "") else None
    if items is None:
        raise ValueError("not a list of contacts")
    return [_contact(item) for item in items]


def _group_columns(result: Any) -> GroupColumns:
    if isinstance(result, list) and all(isinstance(name, str) for name in result):
        return GroupColumns(tuple(result), raw=result)
    if isinstance(result, str):
        return GroupColumns(tuple(n.strip() for n in result.split(",") if n.strip()), raw=result)
    return GroupColumns((), raw=result)


READERS: Mapping[str, ResultReader[Any]] = {
    "raw": ResultReader(_as_is),
    "addresses": ResultReader(
        lambda result: converter.structure(result or [], list[Address]),
        "list[Address]",
        ("Address",),
    ),
    "channels": ResultReader(
        lambda result: converter.structure(result or [], list[Channel]),
        "list[Channel]",
        ("Channel",),
    ),
    "created_group": ResultReader(_created_group, "CreatedGroup", ("CreatedGroup",)),
    "balance": ResultReader(_balance, "Balance", ("Balance",)),
    "subaccounts": ResultReader(_as_is),
    "group_columns": ResultReader(_group_columns, "GroupColumns", ("GroupColumns",)),
    "contacts": ResultReader(_contacts, "list[Contact]", ("Contact",)),
    "contact": ResultReader(_contact, "Contact", ("Contact",)),
    "send_result": ResultReader(_as_is),
    "delivery_statuses": ResultReader(_as_is),
}


def read_result(name: str, result: Any, qualname: str, request_id: str | None = None) -> Any:
    """``result`` read by the reader ``name``; a misfit is :class:`MalformedResponseError`."""
    try:
        return READERS[name].read(result)
    except (
        cattrs.BaseValidationError,
        ValueError,
        TypeError,
        AttributeError,
        ArithmeticError,
    ) as exc:
        raise MalformedResponseError(
            f"{qualname} answered a result that does not fit the documented shape: "
            f"{type(exc).__name__}"
        ) from None
