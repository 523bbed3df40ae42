"""Printing results: JSON when stdout is piped, a readable table on a terminal.

Every command prints its result through :func:`emit`, so the two formats are the same for
all of them: typed results (the library's models) lose their ``raw`` and ``request_id``,
``Decimal`` amounts are JSON numbers (plain text in tables), lists of records are tables, and
a command with no result prints ``{"ok": true}`` (``OK`` in a table), never ``null``. A table
taller than the terminal goes through a pager (``$PAGER``, else ``less``), never when piped.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import click
from rich.console import Console, RenderableType
from rich.table import Column, Table
from rich.text import Text

from ..models import Contact, GroupColumns, Subaccount

__all__ = [
    "OK",
    "dumps",
    "emit",
    "emit_summary",
    "is_terminal",
    "print_table",
    "to_plain",
    "wants_json",
]

#: What a command with no result prints as JSON.
OK: Mapping[str, bool] = {"ok": True}
#: Model fields that are bookkeeping, not results: left out of normal output.
_HIDDEN = frozenset({"raw", "request_id"})


def _number(value: Decimal) -> int | Decimal:
    """An exact amount: an int when it is whole (``1000.0`` -> ``1000``)."""
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def to_plain(value: Any) -> Any:
    """Models and containers as plain data (dicts, lists, text, numbers, Decimal, None).

    A contact is one flat record (``idcontact`` and its fields), a sub-account too; a group's
    columns are the list of their names.
    """
    if isinstance(value, Contact):
        return {"idcontact": value.idcontact, **value.fields}
    if isinstance(value, Subaccount):
        others = {k: v for k, v in value.fields.items() if k not in ("accountemail", "balance")}
        balance = None if value.balance is None else _number(value.balance)
        return {"accountemail": value.accountemail, "balance": balance, **others}
    if isinstance(value, GroupColumns):
        return list(value.columns)
    if attrs.has(type(value)):
        return {
            field.name: to_plain(getattr(value, field.name))
            for field in attrs.fields(type(value))
            if field.name not in _HIDDEN
        }
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, Mapping):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(plain: Any) -> str:
    """``plain`` as indented JSON (Decimal as numbers, non-ASCII kept)."""
    return json.dumps(plain, ensure_ascii=False, indent=2, default=_json_default)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _cell(value: Any) -> Text:
    """A table cell shown as is: data is never read as rich markup (``[bold]``, ``[/x]``)."""
    return Text(_text(value))


def _table(rows: Sequence[Mapping[str, Any]]) -> Table:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    table = Table(*(Column(header=Text(str(column))) for column in columns))
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    return table


def render(plain: Any) -> RenderableType:
    """The table (or text) shown on a terminal for ``plain`` data."""
    if isinstance(plain, list) and plain and all(isinstance(row, Mapping) for row in plain):
        return _table(plain)
    if isinstance(plain, Mapping) and plain:
        table = Table("field", "value")
        for key, value in plain.items():
            table.add_row(Text(str(key)), _cell(value))
        return table
    if isinstance(plain, list):
        return Text("\n".join(_text(item) for item in plain) or "(empty)")
    if plain is None or plain == "":
        return Text("OK")
    return _cell(plain)


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def print_table(renderable: RenderableType) -> None:
    """Print ``renderable`` on stdout; through a pager when it is taller than the terminal
    (stdin and stdout both terminals, so there is someone to page for)."""
    console = Console()
    with console.capture() as captured:
        console.print(renderable)
    text = captured.get()
    height = shutil.get_terminal_size().lines
    if is_terminal(sys.stdout) and is_terminal(sys.stdin) and text.count("\n") >= height:
        click.echo_via_pager(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def wants_json(as_json: bool | None) -> bool:
    """Whether to print JSON: as asked, else when stdout is not a terminal."""
    return as_json if as_json is not None else not is_terminal(sys.stdout)


def emit(value: Any, *, as_json: bool | None = None) -> None:
    """Print ``value``: JSON if ``as_json`` (default: when stdout is not a terminal), else a
    table. ``None`` (no result) is ``{"ok": true}`` / ``OK``."""
    plain = to_plain(value)
    if wants_json(as_json):
        if plain is None or plain == "":
            plain = dict(OK)
        sys.stdout.write(dumps(plain) + "\n")
        sys.stdout.flush()
    else:
        print_table(render(plain))


def emit_summary(
    title: str,
    lines: Sequence[tuple[str, str]],
    plain: Mapping[str, Any],
    *,
    as_json: bool | None = None,
) -> None:
    """A run's report: ``plain`` as JSON, or ``lines`` (label, text) in a titled table."""
    if wants_json(as_json):
        sys.stdout.write(dumps(to_plain(plain)) + "\n")
        sys.stdout.flush()
        return
    table = Table(show_header=False, title=Text(title))
    for label, text in lines:
        table.add_row(Text(label), Text(text))
    print_table(table)
