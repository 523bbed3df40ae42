"""The Afilnet methods as data: the public table every part of the project reads.

``METHODS`` holds one :class:`MethodSpec` per Afilnet method and ``NAMESPACES`` one
:class:`NamespaceSpec` per Afilnet class, both loaded once from ``methods.toml`` (shipped with
the package). The endpoint coroutines are generated from them (``python -m tools.generate``);
the emulator, the CLI and the bulk runners read them at run time. This module imports nothing
else of the library, so it loads even where the generated endpoints are stale or missing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

import attrs

__all__ = [
    "KINDS",
    "METHODS",
    "NAMESPACES",
    "Kind",
    "MethodSpec",
    "NamespaceSpec",
    "ParamSpec",
    "by_qualname",
    "load_spec",
    "method",
]

Kind = Literal[
    "text", "secret", "id", "flag", "email", "country2", "country3",
    "group_type", "fields", "field", "contact", "contacts", "amount",
    "phone", "sender", "template_params", "datetime", "message_ids", "file_type",
    "https_url", "country_prefix",
]  # fmt: skip
KINDS: frozenset[str] = frozenset(get_args(Kind))


@attrs.frozen
class ParamSpec:
    """One parameter of an Afilnet method, under Afilnet's own name.

    ``python_name`` is the keyword argument when the wire name is a Python keyword
    (``from`` -> ``from_``); otherwise the two are the same.
    """

    name: str
    kind: Kind
    optional: bool = False
    main_field_of: str | None = None
    python_name: str = attrs.field()
    example: str | None = attrs.field(default=None, eq=False)
    doc: str = attrs.field(default="", eq=False)

    @python_name.default
    def _same_as_wire(self) -> str:
        return self.name


@attrs.frozen
class MethodSpec:
    """One Afilnet method: where it lives, what it takes, what it may answer.

    ``idempotent`` says whether sending it twice is as good as once (reads, deletes,
    modifications): only those are retried after a failure that may have been applied.
    ``result`` names the reader of its answer in :mod:`afilnet_async.readers`.
    """

    api_class: str
    api_method: str
    name: str = ""
    params: tuple[ParamSpec, ...] = ()
    errors: tuple[str, ...] = ()
    result: str = "raw"
    idempotent: bool = True
    summary: str = attrs.field(default="", eq=False)
    source: str = attrs.field(default="", eq=False)

    @property
    def qualname(self) -> str:
        """``class.method``, as Afilnet names it (``group.addcontactlist``)."""
        return f"{self.api_class}.{self.api_method}"


@attrs.frozen
class NamespaceSpec:
    """One Afilnet class as a client attribute (``client.group``) and its generated class.

    ``extends`` names mixin classes (``module:Class``) whose methods the namespace gains
    beside the generated ones (``import_contacts``, ``send_bulk``).
    """

    api_class: str
    attribute: str
    class_name: str
    summary: str = attrs.field(default="", eq=False)
    extends: tuple[str, ...] = ()


def _param(raw: dict[str, Any]) -> ParamSpec:
    if raw["kind"] not in KINDS:
        raise ValueError(f"unknown parameter kind {raw['kind']!r}")
    return ParamSpec(**raw)


def _method(raw: dict[str, Any]) -> MethodSpec:
    for key in ("api_class", "api_method", "name", "idempotent"):
        if key not in raw:
            raise ValueError(f"method {raw.get('api_method', '?')!r} has no {key!r}")
    return MethodSpec(
        api_class=raw["api_class"],
        api_method=raw["api_method"],
        name=raw["name"],
        params=tuple(_param(p) for p in raw.get("params", [])),
        errors=tuple(raw.get("errors", [])),
        result=raw.get("result", "raw"),
        idempotent=bool(raw["idempotent"]),
        summary=raw.get("summary", ""),
        source=raw.get("source", ""),
    )


def _namespace(raw: dict[str, Any]) -> NamespaceSpec:
    return NamespaceSpec(
        api_class=raw["api_class"],
        attribute=raw["attribute"],
        class_name=raw["class_name"],
        summary=raw.get("summary", ""),
        extends=tuple(raw.get("extends", [])),
    )


def load_spec(
    text: str | None = None,
) -> tuple[tuple[NamespaceSpec, ...], tuple[MethodSpec, ...]]:
    """Parse methods.toml (or ``text`` in its format): the namespaces and the methods, in
    file order. Every method's class must be a namespace; names are unique."""
    if text is None:
        text = resources.files(__package__).joinpath("methods.toml").read_text("utf-8")
    data = tomllib.loads(text)
    namespaces = tuple(_namespace(n) for n in data.get("namespace", []))
    methods = tuple(_method(m) for m in data["method"])
    classes = {n.api_class for n in namespaces}
    for spec in methods:
        if spec.api_class not in classes:
            raise ValueError(f"{spec.qualname}: no [[namespace]] for class {spec.api_class!r}")
    qualnames = [m.qualname for m in methods]
    if len(set(qualnames)) != len(qualnames):
        raise ValueError("a method is listed twice")
    return namespaces, methods


NAMESPACES, _ALL = load_spec()
#: Every method, in the spec file's order.
METHODS: tuple[MethodSpec, ...] = _ALL
by_qualname: Mapping[str, MethodSpec] = MappingProxyType({m.qualname: m for m in METHODS})


def method(qualname: str) -> MethodSpec:
    """The spec of ``class.method``; ``KeyError`` naming it when the spec has no such method."""
    try:
        return by_qualname[qualname]
    except KeyError:
        raise KeyError(f"the spec has no method {qualname!r}") from None
