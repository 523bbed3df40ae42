"""Options the commands share, and the rule that every option shows its default.

``--json/--table`` and ``-v/--verbose`` are accepted before the command (``afilnet --json
methods``) and after it (``afilnet methods --json``): :func:`add_everywhere` gives every
command of the tree its own copy, which sets the same :class:`CliState` as the global one.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from .context import CliState

__all__ = [
    "DIALECT_NAMES",
    "add_everywhere",
    "country_option",
    "dialect_option",
    "option",
    "output_options",
    "parse_country",
    "parse_encoding",
    "walk",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The emulator's answer dialects (``afilnet_async.emulator.DIALECTS``, named here so that
#: the CLI's help does not import the emulator).
DIALECT_NAMES = ("vendor", "wrapped", "php", "terse")


def option(*declarations: str, **settings: Any) -> Callable[[F], F]:
    """``click.option`` showing its default in the help (``show_default=True``)."""
    settings.setdefault("show_default", True)
    return click.option(*declarations, **settings)


def _set_format(ctx: click.Context, _: click.Parameter, value: bool | None) -> None:
    if value is not None:
        ctx.ensure_object(CliState).as_json = value


def _set_verbose(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(CliState).verbose = True


def output_options() -> list[click.Option]:
    """Fresh ``--json/--table`` and ``-v/--verbose`` options (one set per command)."""
    return [
        click.Option(
            ["--json/--table", "as_json"],
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_set_format,
            show_default="JSON when stdout is piped, a table on a terminal",
            help="Print the result as JSON or as a table.",
        ),
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            default=False,
            expose_value=False,
            is_eager=True,
            callback=_set_verbose,
            show_default=True,
            help="Show each HTTP request on stderr (method, URL without query, request id, "
            "attempt, status, time; never a credential).",
        ),
    ]


def walk(command: click.Command) -> Iterator[click.Command]:
    """``command`` and every command under it."""
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from walk(sub)


def add_everywhere(root: click.Group) -> None:
    """Give every command under ``root`` its own ``--json/--table`` and ``-v``."""
    for command in walk(root):
        if command is not root:
            command.params.extend(output_options())


def parse_country(_: click.Context | None, param: click.Parameter | None, value: Any) -> Any:
    """An ISO alpha-2 country code (``ES``), upper-cased; None stays None."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) != 2 or not (text.isascii() and text.isalpha()):
        raise click.BadParameter(f"{value!r} is not a two-letter country code such as ES")
    return text.upper()


def country_option(what: str) -> Callable[[F], F]:
    """``--country ES``: the country of national numbers (default ``$AFILNET_COUNTRY``)."""
    return option(
        "--country",
        default=None,
        callback=parse_country,
        show_default="$AFILNET_COUNTRY",
        help=f"The ISO country of {what} written without a country code "
        "(ES: 600111222 -> 34600111222).",
    )


def parse_encoding(_: click.Context | None, param: click.Parameter | None, value: Any) -> Any:
    """A Python codec name (``utf-8``, ``latin-1``, ``cp1252``, ``utf-16``)."""
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


def dialect_option() -> Callable[[F], F]:
    """``--dialect NAME``: how the emulator spells the results the vendor leaves open."""
    return option(
        "--dialect",
        default="vendor",
        type=click.Choice(DIALECT_NAMES),
        help="How the emulator spells the results the vendor's pages leave open.",
    )
