"""The ``afilnet`` commands (click)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import click

from ..client import AfilnetClient
from ..errors import AfilnetError
from ..spec import METHODS
from .demo import demo
from .emulator import emulator
from .errors import CliError, Interrupted
from .importing import import_csv
from .output import emit
from .settings import AUTH_STYLES, client_from_environment, parse_assignments

__all__ = ["cli", "run"]

_KNOWN = {(spec.api_class, spec.api_method) for spec in METHODS}


class _Options:
    """Global options shared by the commands that call Afilnet."""

    def __init__(self, auth: str | None, base_url: str | None, as_json: bool | None) -> None:
        self.auth, self.base_url, self.as_json = auth, base_url, as_json

    def call(self, action: Callable[[AfilnetClient], Awaitable[Any]]) -> None:
        """Open a client, run ``action`` with it, print the result."""

        async def main() -> Any:
            async with client_from_environment(self.auth, self.base_url) as client:
                return await action(client)

        emit(anyio.run(main), as_json=self.as_json)


pass_options = click.make_pass_decorator(_Options)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--auth",
    type=click.Choice(sorted(AUTH_STYLES), case_sensitive=False),
    help="Access style (default: $AFILNET_AUTH or form).",
)
@click.option("--base-url", help="API root (default: $AFILNET_BASE_URL or Afilnet's).")
@click.option("--json/--table", "as_json", default=None, help="Force the output format.")
@click.version_option(package_name="afilnet-async", prog_name="afilnet")
@click.pass_context
def cli(ctx: click.Context, auth: str | None, base_url: str | None, as_json: bool | None) -> None:
    """Afilnet from the shell. Credentials come from AFILNET_USER and AFILNET_PASSWORD."""
    ctx.obj = _Options(auth, base_url, as_json)


@cli.command()
@click.argument("api_class")
@click.argument("api_method")
@click.argument("params", nargs=-1)
@click.option("--unchecked", is_flag=True, help="Send a class/method this library does not know.")
@pass_options
def call(
    options: _Options, api_class: str, api_method: str, params: tuple[str, ...], unchecked: bool
) -> None:
    """Call any method: afilnet call group getcontacts idgroup=12"""
    if (api_class, api_method) not in _KNOWN and not unchecked:
        raise CliError(
            f"unknown method {api_class}.{api_method} (see `afilnet methods`; "
            "--unchecked sends it anyway)"
        )
    arguments = parse_assignments(params)
    options.call(lambda client: client.call(api_class, api_method, **arguments))


@cli.command()
def methods() -> None:
    """List the Afilnet methods this library knows."""
    for spec in METHODS:
        params = " ".join(p.name if not p.optional else f"[{p.name}]" for p in spec.params)
        click.echo(f"{spec.api_class} {spec.api_method} {params}".rstrip())


@cli.command()
@pass_options
def balance(options: _Options) -> None:
    """Show the account balance."""
    options.call(lambda client: client.user.get_balance())


@cli.command()
@pass_options
def channels(options: _Options) -> None:
    """List the account's channels."""
    options.call(lambda client: client.user.get_channels())


@cli.command()
@pass_options
def subaccounts(options: _Options) -> None:
    """List the sub-accounts (reseller plan)."""
    options.call(lambda client: client.subaccount.get_subaccounts())


@cli.group()
def groups() -> None:
    """Create, inspect and delete contact groups."""


@groups.command("create")
@click.argument("name")
@click.option("--type", "group_type", type=click.Choice(["mobile", "email"]), default="mobile")
@click.option("--fields", default=None, help="Comma-separated fields (default: the main field).")
@pass_options
def create_group(options: _Options, name: str, group_type: str, fields: str | None) -> None:
    """Create a group and print its id."""
    kind: Any = group_type

    async def create(client: AfilnetClient) -> dict[str, int | None]:
        group = await client.group.create_group(name=name, type=kind, fields=fields or group_type)
        return {"idgroup": group.idgroup}

    options.call(create)


@groups.command("columns")
@click.argument("idgroup", type=int)
@pass_options
def group_columns(options: _Options, idgroup: int) -> None:
    """List a group's fields."""
    options.call(lambda client: client.group.get_group_columns(idgroup=idgroup))


@groups.command("delete")
@click.argument("idgroup", type=int)
@pass_options
def delete_group(options: _Options, idgroup: int) -> None:
    """Delete a group."""
    options.call(lambda client: client.group.delete_group(idgroup=idgroup))


@cli.group()
def contacts() -> None:
    """List, read, add and delete a group's contacts."""


@contacts.command("list")
@click.argument("idgroup", type=int)
@pass_options
def list_contacts(options: _Options, idgroup: int) -> None:
    """List a group's contacts."""
    options.call(lambda client: client.group.get_contacts(idgroup=idgroup))


@contacts.command("get")
@click.argument("idgroup", type=int)
@click.argument("idcontact", type=int)
@pass_options
def get_contact(options: _Options, idgroup: int, idcontact: int) -> None:
    """Show one contact."""
    options.call(lambda client: client.group.get_contact(idgroup=idgroup, idcontact=idcontact))


@contacts.command("add")
@click.argument("idgroup", type=int)
@click.argument("fields", nargs=-1, required=True)
@pass_options
def add_contact(options: _Options, idgroup: int, fields: tuple[str, ...]) -> None:
    """Add a contact: afilnet contacts add 12 mobile=34600000000 name=Ann"""
    contact = parse_assignments(fields)
    options.call(lambda client: client.group.add_contact(idgroup=idgroup, contact=contact))


@contacts.command("delete")
@click.argument("idgroup", type=int)
@click.argument("idcontact", type=int)
@pass_options
def delete_contact(options: _Options, idgroup: int, idcontact: int) -> None:
    """Delete a contact."""
    options.call(lambda client: client.group.delete_contact(idgroup=idgroup, idcontact=idcontact))


cli.add_command(demo)
cli.add_command(emulator)
cli.add_command(import_csv)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def run(argv: list[str] | None = None) -> int:
    """Run ``cli``; usage, input, library and file errors become one line on stderr."""
    try:
        # Outside standalone mode click *returns* the code of a ``click.exceptions.Exit``
        # (``afilnet import`` exits 1 when rows failed) and re-raises everything else.
        code = cli.main(args=argv, prog_name="afilnet", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as bare:  # `afilnet`, `afilnet groups`: the help
        bare.show()
        return bare.exit_code
    except click.UsageError as usage:
        command = usage.ctx.command_path if usage.ctx is not None else "afilnet"
        click.echo(
            f"afilnet: error: {_one_line(usage.format_message())} (see '{command} --help')",
            err=True,
        )
        return usage.exit_code
    except click.ClickException as failure:
        click.echo(f"afilnet: error: {_one_line(failure.format_message())}", err=True)
        return failure.exit_code
    except Interrupted as stopped:
        click.echo(f"afilnet: {stopped}", err=True)
        return 130
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("afilnet: interrupted", err=True)
        return 130
    except (CliError, AfilnetError) as error:
        click.echo(f"afilnet: error: {_one_line(str(error))}", err=True)
        return 1
    except ImportError as missing:  # `demo` or `emulator` without Starlette and uvicorn
        click.echo(f"afilnet: error: {_one_line(str(missing))}", err=True)
        return 2
    except OSError as error:  # an unwritable journal or --failed-out, an unreadable file
        where = f": {error.filename}" if error.filename else ""
        click.echo(f"afilnet: error: {error.strerror or error}{where}", err=True)
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
