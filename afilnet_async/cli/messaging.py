"""Sending: ``afilnet sms send``, ``sms send-group``, ``sms send-bulk``, ``email send``,
``email send-bulk``, ``voice send``, and ``afilnet status`` for delivery statuses.

Each send prints the message id(s) and the credits it cost. A send whose answer was lost
may have gone out: the library raises ``OutcomeUnknownError`` and the command says, in one
line, not to send it again blindly (exit 1). The bulk sends are in :mod:`.bulk_sends`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..models import SendResult
from .bulk_sends import bulk_send_options, run_send_bulk
from .context import CliState, pass_state
from .options import country_option, option
from .output import wants_json

__all__ = ["email", "send_output", "sms", "status", "voice"]

_SHOWN_IDS = 10
F = TypeVar("F", bound=Callable[..., Any])


def send_output(result: SendResult, *, as_table: bool) -> dict[str, Any]:
    """What a send prints: its id(s) and the credits (a table shows a long list of ids
    shortened)."""
    ids = list(result.messageids)
    shown: Any = ids
    if as_table:
        shown = ", ".join(ids)
        if len(ids) > _SHOWN_IDS:
            shown = ", ".join([*ids[:3], "…", *ids[-2:]]) + f" ({len(ids):,} ids)"
    return {
        "messageid": result.messageid,
        "messageids": shown,
        "credits": result.credits,
    }


def _emit_send(state: CliState, result: SendResult) -> None:
    state.emit(send_output(result, as_table=not wants_json(state.as_json)))


def _when(_: click.Context, param: click.Parameter, value: str | None) -> datetime.datetime | None:
    """``--at``: an ISO date and time, the account's local time (no zone)."""
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date and time such as 2025-06-01T09:30"
        ) from None
    if moment.tzinfo is not None:
        raise click.BadParameter(
            f"{value!r} has a time zone: give the account's local time without one"
        )
    return moment


def _at_option() -> Callable[[F], F]:
    return option(
        "--at",
        "when",
        default=None,
        callback=_when,
        show_default="now",
        help="When to send: an ISO date and time in the account's local time (2025-06-01T09:30).",
    )


@click.group()
def sms() -> None:
    """Send SMS to a number or a group."""


@sms.command("send")
@click.argument("text")
@option(
    "--to",
    required=True,
    help="The mobile number: 34600000000, +34 600 000 000, or national with --country.",
)
@option(
    "--from",
    "sender",
    required=True,
    help="The sender: a name of up to 11 letters and digits, or a number.",
)
@_at_option()
@country_option("a --to number")
@pass_state
def send_sms(
    state: CliState,
    text: str,
    to: str,
    sender: str,
    when: datetime.datetime | None,
    country: str | None,
) -> None:
    """Send TEXT by SMS to one number.

    afilnet sms send --to 34600000000 --from Afilnet 'Hello'
    """
    result = state.run(
        lambda client: client.sms.send_sms(from_=sender, to=to, sms=text, scheduledatetime=when),
        default_country=country,
    )
    _emit_send(state, result)


@sms.command("send-group")
@click.argument("text")
@option("--group", "idgroup", required=True, type=click.IntRange(1), help="The group's id.")
@option(
    "--from",
    "sender",
    required=True,
    help="The sender: a name of up to 11 letters and digits, or a number.",
)
@option(
    "--country-code",
    required=True,
    help="The country of the group's numbers (es, fr... as Afilnet expects it).",
)
@_at_option()
@pass_state
def send_sms_to_group(
    state: CliState,
    text: str,
    idgroup: int,
    sender: str,
    country_code: str,
    when: datetime.datetime | None,
) -> None:
    """Send TEXT by SMS to every contact of a group."""
    result = state.run(
        lambda client: client.sms.send_sms_to_group(
            from_=sender, countrycode=country_code, idgroup=idgroup, sms=text, scheduledatetime=when
        )
    )
    _emit_send(state, result)


@sms.command("send-bulk")
@bulk_send_options("sms")
@option(
    "--from",
    "sender",
    required=True,
    help="The sender: a name of up to 11 letters and digits, or a number.",
)
@pass_state
def send_sms_bulk(state: CliState, /, file: Path, sender: str, **options: Any) -> None:
    """Send one SMS per row of a contact file (its mobile column), never one twice.

    afilnet sms send-bulk customers.csv --from Shop --text 'Hola {name}' --journal sends.journal

    Exits 0 when every row was sent; 1 otherwise: rows that were not sent go to
    FILE.failed.csv (safe to send again), rows whose answer was lost to FILE.unknown.csv
    (check their delivery first).
    """
    run_send_bulk(state, "sms", file, common={"from_": sender}, **options)


@click.group()
def email() -> None:
    """Send e-mail."""


@email.command("send")
@click.argument("body", required=False)
@option("--to", required=True, help="The e-mail address.")
@option("--subject", required=True, help="The subject line.")
@option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    show_default="none: BODY is the text",
    help="Read the body (UTF-8 text or HTML) from this file instead of BODY.",
)
@_at_option()
@pass_state
def send_email(
    state: CliState,
    body: str | None,
    to: str,
    subject: str,
    body_file: Path | None,
    when: datetime.datetime | None,
) -> None:
    """Send an e-mail (BODY, or --body-file).

    afilnet email send --to ana@example.com --subject Hi 'Hello Ana'
    """
    if (body is None) == (body_file is None):
        raise click.UsageError("give the body as BODY or --body-file, one of them")
    if body_file is not None:
        try:
            body = body_file.read_text("utf-8")
        except UnicodeDecodeError:
            raise click.BadParameter(
                f"{body_file} is not UTF-8 text", param_hint="'--body-file'"
            ) from None
    text = body or ""
    result = state.run(
        lambda client: client.email.send_email(
            subject=subject, to=to, email=text, scheduledatetime=when
        )
    )
    _emit_send(state, result)


@email.command("send-bulk")
@bulk_send_options("email")
@option("--subject", required=True, help="The subject line (it may use {column} too).")
@pass_state
def send_email_bulk(state: CliState, /, file: Path, subject: str, **options: Any) -> None:
    """Send one e-mail per row of a contact file (its email column), never one twice.

    afilnet email send-bulk customers.csv --subject News --text '<p>Hola {name}</p>'

    Exits 0 when every row was sent; 1 otherwise (see afilnet sms send-bulk --help).
    """
    run_send_bulk(state, "email", file, common={"subject": subject}, **options)


@click.group()
def voice() -> None:
    """Send voice calls (text read aloud)."""


@voice.command("send")
@click.argument("text")
@option(
    "--to",
    required=True,
    help="The phone number: 34600000000, +34 600 000 000, or national with --country.",
)
@option(
    "--language",
    default=None,
    show_default="the account's",
    help="The language TEXT is read in (ES, EN...).",
)
@_at_option()
@country_option("a --to number")
@pass_state
def send_voice(
    state: CliState,
    text: str,
    to: str,
    language: str | None,
    when: datetime.datetime | None,
    country: str | None,
) -> None:
    """Call a number and read TEXT aloud."""
    result = state.run(
        lambda client: client.voice.send_voice(
            to=to, message=text, language=language, scheduledatetime=when
        ),
        default_country=country,
    )
    _emit_send(state, result)


@click.command()
@click.argument("messageids", nargs=-1, required=True)
@option(
    "--channel",
    type=click.Choice(["sms", "email", "voice"]),
    default="sms",
    help="The channel the messages were sent on.",
)
@pass_state
def status(state: CliState, messageids: tuple[str, ...], channel: str) -> None:
    """Show the delivery status of messages.

    afilnet status 1002 1003 --channel sms
    """
    ids = list(messageids)

    async def statuses(client: Any) -> Any:
        namespace = getattr(client, channel)
        return await namespace.get_delivery_status(messages=ids)

    state.call(statuses)
