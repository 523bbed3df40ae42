"""``afilnet emulator``: serve the built-in Afilnet emulator in the foreground.

Its fault and server options are generated from the fields of the emulator's ``Faults`` and
``ServerSettings`` (name, type, default, help text in the field's metadata), so a new field is
a new option here. They are generated when the command parses or shows help, so other
commands never load the emulator extra.
"""

from __future__ import annotations

import json
import types
import typing
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

import attrs
import click

from .context import CliState, pass_state
from .errors import CliError
from .options import dialect_option

__all__ = ["emulator", "field_options"]

#: Options of the command itself, never taken from a field.
_OWN = frozenset({"host", "port", "seed", "dialect", "transcript"})


if TYPE_CHECKING:  # generic in click's stubs from 8.2 on; not subscriptable before
    _ParamType = click.ParamType[tuple[int, ...]]
else:
    _ParamType = click.ParamType


class _Integers(_ParamType):
    """A comma-separated list of integers (``500,503``)."""

    name = "INTS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            return tuple(int(item) for item in str(value).split(",") if item.strip())
        except ValueError:
            self.fail(f"{value!r} is not a comma-separated list of integers", param, ctx)


def _click_type(annotation: Any) -> Any:
    """The click type of a field's annotation (``bool`` for a flag)."""
    if get_origin(annotation) is Literal:
        return click.Choice([str(choice) for choice in get_args(annotation)])
    if get_origin(annotation) in (typing.Union, types.UnionType):
        present = [a for a in get_args(annotation) if a is not type(None)]
        if len(present) == 1:
            return _click_type(present[0])
    if get_origin(annotation) is tuple:
        return _Integers()
    if annotation in (bool, int, float, str):
        return annotation
    raise TypeError(f"no CLI option type for {annotation!r}")


def field_options(cls: type, skip: frozenset[str] = _OWN) -> list[click.Option]:
    """A click option per attrs field of ``cls`` (legacy fields and ``skip`` excepted).

    ``--field-name`` (``--name/--no-name`` for a bool); its help is the field's ``help``
    metadata and its default the field's (shown in the help). An option not given is left out
    of the call, so the class's own default and validation apply.
    """
    hints = typing.get_type_hints(cls)
    options = []
    for field in attrs.fields(cls):
        if field.name in skip or field.metadata.get("legacy"):
            continue
        kind = _click_type(hints[field.name])
        default = field.default
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        shown = "none" if shown is None else shown
        flag = "--" + field.name.replace("_", "-")
        declaration = f"{flag}/--no-{flag[2:]}" if kind is bool else flag
        option = click.Option(
            [declaration, field.name], type=None if kind is bool else kind, default=None,
            help=f"{field.metadata.get('help', '')}  [default: {shown}]",
        )  # fmt: skip
        options.append(option)
    return options


class _EmulatorCommand(click.Command):
    """A command that adds the options generated from the emulator's fields when needed."""

    _generated = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not self._generated:
            from ..emulator import Faults, ServerSettings  # the emulator extra, loaded here

            settings = {field.name for field in attrs.fields(ServerSettings)}
            self.params.extend(field_options(Faults, _OWN | settings))
            self.params.extend(field_options(ServerSettings))
            self._generated = True
        return super().get_params(ctx)


def _given(values: dict[str, Any], cls: type) -> dict[str, Any]:
    names = {field.name for field in attrs.fields(cls)}
    return {name: value for name, value in values.items() if name in names and value is not None}


@click.command(cls=_EmulatorCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: a free one, named in the first line printed).",
)
@click.option(
    "--seed",
    default=None,
    type=int,
    show_default="random",
    help="Seed the fault dice.",
)
@dialect_option()
@click.option(
    "--transcript", default=None, type=click.Path(exists=True, dir_okay=False),
    show_default="none",
    help="Answer in the shapes an 'afilnet doctor' transcript recorded (instead of --dialect).",
)  # fmt: skip
@pass_state
def emulator(
    state: CliState,
    /,
    host: str,
    port: int,
    seed: int | None,
    dialect: str,
    transcript: str | None,
    **fields: Any,
) -> None:
    """Serve the built-in emulator (account demo / demo; Ctrl-C stops it).

    The first line printed names its base URL (with --json: one JSON object with the base
    URL, user and password, for scripts).
    """
    from ..emulator import Emulator, EmulatorError, Faults, ServerSettings, load_transcript

    try:
        faults = Faults(**_given(fields, Faults))
    except (ValueError, TypeError) as invalid:  # e.g. fault rates summing above 1
        raise CliError(f"fault options: {invalid}") from None
    try:
        settings = ServerSettings(**_given(fields, ServerSettings))
    except (ValueError, TypeError) as invalid:
        raise CliError(f"server options: {invalid}") from None
    try:
        shapes = load_transcript(transcript) if transcript else None
    except EmulatorError as unreadable:
        raise CliError(str(unreadable)) from None
    emu = Emulator.demo(faults=faults, settings=settings, dialect=shapes or dialect, seed=seed)

    def ready(base_url: str) -> None:
        if state.as_json:
            click.echo(json.dumps({"base_url": base_url, "user": "demo", "password": "demo"}))
            return
        click.echo(f"Afilnet emulator at {base_url}  (user demo, password demo; Ctrl-C stops)")
        click.echo(f"  export AFILNET_BASE_URL={base_url} AFILNET_USER=demo AFILNET_PASSWORD=demo")

    emu.run(host=host, port=port, on_ready=ready)
