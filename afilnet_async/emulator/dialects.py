"""Answer dialects: how the emulator spells the results whose shape the vendor leaves open.

A :class:`Dialect` is data: one choice per aspect (how lists, numbers and booleans are
written, the case of ``status``, the shapes of getbalance, getgroupcolumns, sends and
delivery statuses), optional per-method overrides of those choices, and optional fixed
results. Handlers return canonical Python results; :mod:`.shapes` renders them in the
dialect. Error envelopes are always ``{"status": "ERROR", "error": CODE}`` (``status`` in the
dialect's case).

The built-in dialects (see ASSUMPTIONS.md for their exact shapes):

- ``vendor`` (the default): what the vendor's own integrations show;
- ``wrapped``: lists as ``{"list": [...]}``, ids and numbers as strings;
- ``php``: lists as objects keyed by id, ``status`` in lower case, booleans as ``"0"``/``"1"``;
- ``terse``: a minimal server: bare ids, ``"mobile,name"``, ``{"<id>": "DELIVERED"}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

__all__ = [
    "ASPECTS",
    "DIALECTS",
    "BalanceStyle",
    "BooleanStyle",
    "ColumnsStyle",
    "Dialect",
    "ListStyle",
    "NumberStyle",
    "SendStyle",
    "StatusCase",
    "StatusStyle",
    "dialect_named",
]

ListStyle = Literal["array", "wrapped", "keyed"]
NumberStyle = Literal["number", "string"]
BooleanStyle = Literal["int", "string", "bool"]
StatusCase = Literal["upper", "lower"]
BalanceStyle = Literal["bare", "object"]
ColumnsStyle = Literal["list", "wrapped", "keyed", "text"]
SendStyle = Literal["messageid", "messages", "bare"]
StatusStyle = Literal["list", "map"]


def _one_of(*choices: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    return attrs.validators.in_(choices)


def _key(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string")


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Dialect:
    """One way of answering; every field but ``name``, ``methods`` and ``results`` is an aspect.

    - ``status_case``: ``SUCCESS``/``ERROR`` (``upper``) or ``success``/``error``.
    - ``lists``: documented lists (getaddresses, getchannels, getsubaccounts, getcontacts,
      delivery statuses, a group send's messages) as a JSON ``array``, ``wrapped`` in an
      object under ``list_key``, or ``keyed``: an object keyed by each item's id (by position
      where items have none), as PHP encodes an associative array.
    - ``numbers``: ids, counts, amounts as JSON ``number`` or ``string`` (``"1000"``).
    - ``booleans``: flags as ``int`` (0/1), ``string`` (``"0"``/``"1"``) or JSON ``bool``.
    - ``balance``: getbalance's result ``bare`` (a number, written as ``numbers`` says) or an
      ``object`` ``{balance_key: n}``.
    - ``columns``: getgroupcolumns as a ``list`` of names, ``wrapped`` under ``columns_key``,
      ``keyed`` by position (``{"0": "mobile"}``) or ``text`` (``"mobile,name"``).
    - ``sends``: a send's result as ``messageid`` (``{"messageid": "<ids, comma-joined>",
      "credits": "<text>"}``), ``messages`` (``{"messages": <list of {messageid,
      destination}>, "credits": n}``) or ``bare`` (the id; a group send: a list of ids).
    - ``statuses``: getdeliverystatus as a ``list`` of ``{messageid, status}`` or a ``map``
      ``{"<id>": "<status>"}``.

    ``methods`` maps a method (``"user.getaddresses"``) to aspect values that apply to it
    alone; ``results`` maps a method to a fixed result, or to a function of the canonical
    result returning the JSON value to answer (``{"group.getgroupcolumns": {}}``).
    """

    name: str = "custom"
    status_case: StatusCase = attrs.field(default="upper", validator=_one_of("upper", "lower"))
    lists: ListStyle = attrs.field(default="array", validator=_one_of("array", "wrapped", "keyed"))
    list_key: str = attrs.field(default="list", validator=_key)
    numbers: NumberStyle = attrs.field(default="number", validator=_one_of("number", "string"))
    booleans: BooleanStyle = attrs.field(default="int", validator=_one_of("int", "string", "bool"))
    balance: BalanceStyle = attrs.field(default="bare", validator=_one_of("bare", "object"))
    balance_key: str = attrs.field(default="balance", validator=_key)
    columns: ColumnsStyle = attrs.field(
        default="list", validator=_one_of("list", "wrapped", "keyed", "text")
    )
    columns_key: str = attrs.field(default="columns", validator=_key)
    sends: SendStyle = attrs.field(
        default="messageid", validator=_one_of("messageid", "messages", "bare")
    )
    statuses: StatusStyle = attrs.field(default="list", validator=_one_of("list", "map"))
    methods: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=_frozen_mapping, eq=False
    )
    results: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping, eq=False)

    def __attrs_post_init__(self) -> None:
        for qualname, overrides in self.methods.items():
            unknown = set(overrides) - set(ASPECTS)
            if unknown:
                raise ValueError(f"{qualname}: {sorted(unknown)} are not dialect aspects")
            attrs.evolve(self, methods={}, **overrides)  # validates the values

    @property
    def success_word(self) -> str:
        """``status`` of a success in this dialect."""
        return "SUCCESS" if self.status_case == "upper" else "success"

    @property
    def error_word(self) -> str:
        """``status`` of an error in this dialect."""
        return "ERROR" if self.status_case == "upper" else "error"

    def for_method(self, qualname: str) -> Dialect:
        """This dialect with ``methods[qualname]`` applied (itself when there are none)."""
        overrides = self.methods.get(qualname)
        if not overrides:
            return self
        return attrs.evolve(self, methods={}, results={}, **overrides)

    def with_overrides(self, qualname: str, **aspects: Any) -> Dialect:
        """A copy whose ``qualname`` also uses ``aspects`` (added to any it had)."""
        methods = {**self.methods, qualname: {**self.methods.get(qualname, {}), **aspects}}
        return attrs.evolve(self, methods=methods)


#: The per-aspect fields of :class:`Dialect` (what ``methods`` overrides may set).
ASPECTS: tuple[str, ...] = tuple(
    a.name for a in attrs.fields(Dialect) if a.name not in ("name", "methods", "results")
)

VENDOR = Dialect(name="vendor")
WRAPPED = Dialect(
    name="wrapped", lists="wrapped", numbers="string", booleans="bool", balance="object",
    columns="wrapped", sends="messages",
)  # fmt: skip
PHP = Dialect(
    name="php", status_case="lower", lists="keyed", numbers="string", booleans="string",
    columns="keyed", sends="messages",
)  # fmt: skip
TERSE = Dialect(
    name="terse", balance="object", balance_key="credits", columns="text", sends="bare",
    statuses="map",
)  # fmt: skip

#: The built-in dialects by name.
DIALECTS: Mapping[str, Dialect] = MappingProxyType(
    {dialect.name: dialect for dialect in (VENDOR, WRAPPED, PHP, TERSE)}
)


def dialect_named(name: str | Dialect) -> Dialect:
    """The built-in dialect ``name`` (a :class:`Dialect` is returned as is)."""
    if isinstance(name, Dialect):
        return name
    try:
        return DIALECTS[name]
    except KeyError:
        known = ", ".join(DIALECTS)
        raise ValueError(f"unknown dialect {name!r} (known: {known})") from None
