"""The Afilnet methods as data: :class:`MethodSpec` and :class:`ParamSpec` from methods.toml.

At run time the library uses the generated copies in ``afilnet_async.endpoints._specs``; this
loader serves the generator and the tests that hold the spec to the vendor's documentation.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

import attrs

__all__ = ["KINDS", "RESULTS", "Kind", "MethodSpec", "ParamSpec", "ResultName", "load_spec"]

Kind = Literal[
    "text", "secret", "id", "flag", "email", "country2", "country3",
    "group_type", "fields", "field", "contact", "contacts", "amount",
]  # fmt: skip
ResultName = Literal["raw", "addresses", "channels", "created_group"]
KINDS: frozenset[str] = frozenset(get_args(Kind))
RESULTS: frozenset[str] = frozenset(get_args(ResultName))


@attrs.frozen
class ParamSpec:
    """One parameter of an Afilnet method, under Afilnet's own name."""

    name: str
    kind: Kind
    optional: bool = False
    main_field_of: str | None = None
    example: str | None = attrs.field(default=None, eq=False)
    doc: str = attrs.field(default="", eq=False)


@attrs.frozen
class MethodSpec:
    """One Afilnet method: where it lives, what it takes, what it may answer."""

    api_class: str
    api_method: str
    params: tuple[ParamSpec, ...] = ()
    errors: tuple[str, ...] = ()
    result: ResultName = "raw"
    summary: str = attrs.field(default="", eq=False)

    @property
    def qualname(self) -> str:
        """``class.method``, as Afilnet names it (``group.addcontactlist``)."""
        return f"{self.api_class}.{self.api_method}"


def _param(raw: dict[str, Any]) -> ParamSpec:
    if raw["kind"] not in KINDS:
        raise ValueError(f"unknown parameter kind {raw['kind']!r}")
    return ParamSpec(**raw)


def _method(raw: dict[str, Any]) -> MethodSpec:
    if raw.get("result", "raw") not in RESULTS:
        raise ValueError(f"unknown result model {raw['result']!r}")
    return MethodSpec(
        api_class=raw["api_class"],
        api_method=raw["api_method"],
        params=tuple(_param(p) for p in raw.get("params", [])),
        errors=tuple(raw.get("errors", [])),
        result=raw.get("result", "raw"),
        summary=raw.get("summary", ""),
    )


def load_spec(text: str | None = None) -> tuple[MethodSpec, ...]:
    """Parse methods.toml (or ``text`` in its format) into method specs, in file order."""
    if text is None:
        text = Path(__file__).with_name("methods.toml").read_text("utf-8")
    return tuple(_method(m) for m in tomllib.loads(text)["method"])
