"""Printing results: JSON when stdout is piped, a readable table on a terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from ..models import converter

__all__ = ["emit", "to_plain"]


def to_plain(value: Any) -> Any:
    """attrs models and containers as plain JSON-ready data."""
    return converter.unstructure(value)


def _table(rows: Sequence[Mapping[str, Any]]) -> Table:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    table = Table(*(Column(header=Text(str(column))) for column in columns))
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cell(value: Any) -> Text:
    """A table cell shown as is: data is never read as rich markup (``[bold]``, ``[/x]``)."""
    return Text(_text(value))


def _render(plain: Any) -> Table | Text:
    if isinstance(plain, list) and plain and all(isinstance(row, dict) for row in plain):
        return _table(plain)
    if isinstance(plain, dict) and plain:
        table = Table("field", "value")
        for key, value in plain.items():
            table.add_row(Text(str(key)), _cell(value))
        return table
    if isinstance(plain, list):
        return Text("\n".join(_text(item) for item in plain) or "(empty)")
    return Text("OK") if plain is None else _cell(plain)


def emit(value: Any, *, as_json: bool | None = None) -> None:
    """Print ``value``: JSON if ``as_json`` (default: stdout is not a terminal), else a table."""
    plain = to_plain(value)
    if as_json if as_json is not None else not sys.stdout.isatty():
        sys.stdout.write(json.dumps(plain, ensure_ascii=False, indent=2) + "\n")
    else:
        Console().print(_render(plain))
