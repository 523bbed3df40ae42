"""The ``afilnet`` commands (click)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from click.shell_completion import get_completion_class

from ..client import DEFAULT_BASE_URL
from ..config import AUTH_STYLES, DEFAULT_AUTH_STYLE
from ..errors import AfilnetError, OutcomeUnknownError
from ..spec import METHODS, by_qualname
from .calls import check_call, parse_assignments
from .context import CliState, pass_state
from .demo import demo
from .doctor import doctor
from .emulator import emulator
from .errors import CliError, Interrupted
from .importing import import_contacts
from .messaging import email, sms, status, voice
from .options import add_everywhere, country_option, option, output_options

__all__ = ["cli", "run"]

PROG = "afilnet"
COMPLETE_VAR = "_AFILNET_COMPLETE"


class _Ordered(click.Group):
    """Commands listed in the order of ``_ORDER`` (the account, groups and contacts,
    sending, then the tools), not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=_Ordered, context_settings={"help_option_names": ["-h", "--help"]})
@option(
    "--auth",
    type=click.Choice(list(AUTH_STYLES), case_sensitive=False),
    default=None,
    show_default=f"$AFILNET_AUTH, else {DEFAULT_AUTH_STYLE}",
    help="Access style (bearer takes $AFILNET_TOKEN; the others $AFILNET_USER and "
    "$AFILNET_PASSWORD).",
)
@option(
    "--base-url",
    default=None,
    show_default=f"$AFILNET_BASE_URL, else {DEFAULT_BASE_URL}",
    help="The API root.",
)
@option(
    "--allow-insecure-http",
    is_flag=True,
    help="Send credentials over plain http to a host that is not this machine.",
)
@click.version_option(package_name="afilnet-async", prog_name=PROG)
@click.pass_context
def cli(
    ctx: click.Context, auth: str | None, base_url: str | None, allow_insecure_http: bool
) -> None:
    """Afilnet from the shell.

    Credentials come from AFILNET_USER and AFILNET_PASSWORD (or AFILNET_TOKEN with --auth
    bearer), never from the command line. Results are JSON when piped and tables on a
    terminal; --json and --table choose, before or after the command.
    """
    state = ctx.ensure_object(CliState)
    state.auth = auth.lower() if auth else None
    state.base_url = base_url
    state.allow_insecure_http = allow_insecure_http


cli.params.extend(output_options())


# --- any method -----------------------------------------------------------------------------


@cli.command()
@click.argument("api_class")
@click.argument("api_method")
@click.argument("params", nargs=-1)
@option(
    "--unchecked",
    is_flag=True,
    help="Send the call as given: a method or parameters this library does not know.",
)
@pass_state
def call(
    state: CliState, api_class: str, api_method: str, params: tuple[str, ...], unchecked: bool
) -> None:
    """Call any method by its Afilnet name.

    afilnet call group getcontacts idgroup=12

    Values are sent as text. The method's parameters are checked against the library's
    spec first (unknown names, compulsory ones missing) unless --unchecked.
    """
    arguments = parse_assignments(params)
    if not unchecked:
        arguments = check_call(api_class, api_method, arguments)
    state.call(lambda client: client.call(api_class, api_method, **arguments))


@cli.command()
@pass_state
def methods(state: CliState) -> None:
    """List the Afilnet methods this library knows, with their parameters."""
    state.emit(
        [
            {
                "method": spec.qualname,
                "params": " ".join(
                    p.name if not p.optional else f"[{p.name}]" for p in spec.params
                ),
                "result": spec.result,
                "retried": "yes" if spec.idempotent else "no",
            }
            for spec in METHODS
        ]
    )


# --- the account ----------------------------------------------------------------------------


@cli.command()
@pass_state
def balance(state: CliState) -> None:
    """Show the account balance."""
    state.call(lambda client: client.user.get_balance())


@cli.command()
@pass_state
def channels(state: CliState) -> None:
    """List the account's channels and whether each is active."""
    state.call(lambda client: client.user.get_channels())


@cli.command()
@pass_state
def addresses(state: CliState) -> None:
    """List the account's billing addresses."""
    state.call(lambda client: client.user.get_addresses())


@cli.command()
@pass_state
def subaccounts(state: CliState) -> None:
    """List the sub-accounts (reseller plan)."""
    state.call(lambda client: client.subaccount.get_subaccounts())


# --- groups ---------------------------------------------------------------------------------


@cli.group()
def groups() -> None:
    """Create, inspect and delete contact groups."""


@groups.command("create")
@click.argument("name")
@option(
    "--type",
    "group_type",
    type=click.Choice(["mobile", "email"]),
    default="mobile",
    help="What the group's contacts are reached by.",
)
@option(
    "--fields",
    default=None,
    show_default="the main field (mobile or email)",
    help="Comma-separated fields, the main field among them.",
)
@pass_state
def create_group(state: CliState, name: str, group_type: str, fields: str | None) -> None:
    """Create a group and print its id."""
    kind: Any = group_type
    state.call(
        lambda client: client.group.create_group(name=name, type=kind, fields=fields or kind)
    )


@groups.command("columns")
@click.argument("idgroup", type=int)
@pass_state
def group_columns(state: CliState, idgroup: int) -> None:
    """List a group's fields."""
    state.call(lambda client: client.group.get_group_columns(idgroup=idgroup))


@groups.command("delete")
@click.argument("idgroup", type=int)
@pass_state
def delete_group(state: CliState, idgroup: int) -> None:
    """Delete a group and its contacts."""
    state.call(lambda client: client.group.delete_group(idgroup=idgroup))


# --- contacts -------------------------------------------------------------------------------


@cli.group()
def contacts() -> None:
    """List, read, add and delete a group's contacts."""


@contacts.command("list")
@click.argument("idgroup", type=int)
@option(
    "--limit",
    type=click.IntRange(0),
    default=None,
    show_default="all",
    help="Show at most this many contacts (the rest are counted on stderr).",
)
@pass_state
def list_contacts(state: CliState, idgroup: int, limit: int | None) -> None:
    """List a group's contacts (through a pager on a terminal when longer than the screen)."""
    found = state.run(lambda client: client.group.get_contacts(idgroup=idgroup))
    shown = found if limit is None else found[:limit]
    state.emit(shown)
    if len(shown) < len(found):
        hidden = len(found) - len(shown)
        state.note(
            f"{hidden:,} more contact{'' if hidden == 1 else 's'} not shown "
            f"(--limit {limit}; {len(found):,} in the group)"
        )


@contacts.command("get")
@click.argument("idgroup", type=int)
@click.argument("idcontact", type=int)
@pass_state
def get_contact(state: CliState, idgroup: int, idcontact: int) -> None:
    """Show one contact."""
    state.call(lambda client: client.group.get_contact(idgroup=idgroup, idcontact=idcontact))


@contacts.command("add")
@click.argument("idgroup", type=int)
@click.argument("fields", nargs=-1, required=True)
@country_option("a mobile")
@pass_state
def add_contact(
    state: CliState, idgroup: int, fields: tuple[str, ...], country: str | None
) -> None:
    """Add a contact.

    afilnet contacts add 12 mobile=34600000000 name=Ann

    The main field is checked as the library checks it (a mobile of 'abc' is refused before
    anything is sent).
    """
    contact = parse_assignments(fields)
    state.call(
        lambda client: client.group.add_contact(idgroup=idgroup, contact=contact),
        default_country=country,
    )


@contacts.command("delete")
@click.argument("idgroup", type=int)
@click.argument("idcontact", type=int)
@pass_state
def delete_contact(state: CliState, idgroup: int, idcontact: int) -> None:
    """Delete a contact."""
    state.call(lambda client: client.group.delete_contact(idgroup=idgroup, idcontact=idcontact))


# --- the shell ------------------------------------------------------------------------------


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell's completion script.

    \b
    bash:  eval "$(afilnet completion bash)"       (in ~/.bashrc)
    zsh:   eval "$(afilnet completion zsh)"        (in ~/.zshrc)
    fish:  afilnet completion fish > ~/.config/fish/completions/afilnet.fish
    """
    complete = get_completion_class(shell)
    if complete is None:  # pragma: no cover - the choice lists the shells click knows
        raise CliError(f"no completion for {shell}")
    root = ctx.find_root().command
    click.echo(complete(root, {}, PROG, COMPLETE_VAR).source())


cli.add_command(import_contacts)
cli.add_command(sms)
cli.add_command(email)
cli.add_command(voice)
cli.add_command(status)
cli.add_command(doctor)
cli.add_command(demo)
cli.add_command(emulator)
_ORDER = (
    "balance", "channels", "addresses", "subaccounts", "groups", "contacts", "import",
    "sms", "email", "voice", "status", "call", "methods", "doctor", "demo", "emulator",
    "completion",
)  # fmt: skip
if set(_ORDER) != set(cli.commands):  # pragma: no cover - a new command needs its place
    raise RuntimeError(f"list every command in _ORDER: {sorted(set(cli.commands) ^ set(_ORDER))}")
cli.commands = {name: cli.commands[name] for name in _ORDER}
add_everywhere(cli)


# --- running --------------------------------------------------------------------------------


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _outcome_unknown(error: OutcomeUnknownError) -> str:
    spec = by_qualname.get(error.qualname)
    cause = f"{type(error.cause).__name__}: {_one_line(str(error.cause))}"
    if spec is not None and spec.result == "send_result":
        return (
            f"{error.qualname}: the message may have been sent, but its answer was lost "
            f"({cause}); do not resend blindly: check the account's sent messages first"
        )
    return (
        f"{error.qualname} may have been applied, but its answer was lost ({cause}); check "
        "before running it again"
    )


def run(argv: list[str] | None = None) -> int:
    """Run ``cli``; usage, input, library and file errors become one line on stderr.

    Exit status: 0 done, 1 an API, data or file error (or rows that failed), 2 a usage
    error, 130 interrupted.
    """
    # The library logs its warnings too; the commands print them once, themselves.
    logging.getLogger("afilnet_async").addHandler(logging.NullHandler())
    try:
        # Outside standalone mode click *returns* the code of a ``click.exceptions.Exit``
        # (``afilnet import`` exits 1 when rows failed) and re-raises everything else.
        code = cli.main(args=argv, prog_name=PROG, complete_var=COMPLETE_VAR, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as bare:  # `afilnet`, `afilnet groups`: the help
        bare.show()
        return bare.exit_code
    except click.UsageError as usage:
        command = usage.ctx.command_path if usage.ctx is not None else PROG
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
    except OutcomeUnknownError as unknown:
        click.echo(f"afilnet: error: {_outcome_unknown(unknown)}", err=True)
        return 1
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
