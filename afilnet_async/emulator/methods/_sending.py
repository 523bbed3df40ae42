"""What every send shares: templates, routes, destinations of a group, money, message ids.

A send checks, in order: malformed values (MISSING_COMPULSORY_PARAM, by the helpers of
:mod:`..values` and :func:`template_of`), the group (NOT_ACCESS_TO_GROUP), the route
(NO_ROUTE_AVAILABLE: a disabled channel, a number outside the country table, an e-mail domain
under ``.invalid``, a group with contacts none of which can be reached), then the money
(NO_CREDITS: nothing sent, nothing charged). Then every message is stored, charged and
counted at once: a group send is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from ..constants import NO_ROUTE_EMAIL_TLD
from ..countries import country_by_prefix, route_for
from ..exceptions import ApiError
from ..pricing import message_price
from ..shapes import SendOutcome, StatusEntry
from ..state import Group, Message, Template
from ..values import (
    MALFORMED,
    is_email,
    is_phone,
    parse_contact,
    parse_country_prefix,
    parse_datetime,
    parse_id,
    parse_message_ids,
)
from ._context import Context, Handler

__all__ = [
    "Draft",
    "delivery_status",
    "email_targets",
    "phone_targets",
    "require_channel",
    "require_country",
    "require_email_route",
    "require_phone_route",
    "schedule",
    "send",
    "template_of",
    "template_values",
]

NO_ROUTE = "NO_ROUTE_AVAILABLE"
NO_CREDITS = "NO_CREDITS"

#: Statuses getdeliverystatus answers.
PENDING, DELIVERED, UNKNOWN = "PENDING", "DELIVERED", "UNKNOWN"


@attrs.frozen
class Draft:
    """One message about to be sent: where to, and the text its recipient gets."""

    destination: str
    text: str


def schedule(ctx: Context) -> str | None:
    """``scheduledatetime`` when given (``YYYY-MM-DD HH:MM[:SS]``), else ``None``."""
    return None if ctx.blank("scheduledatetime") else parse_datetime(ctx.get("scheduledatetime"))


def template_of(ctx: Context) -> Template:
    """The caller's template named by ``idtemplate``; an unknown one is malformed."""
    number = parse_id(ctx.get("idtemplate"))
    template = ctx.account.templates.get(number) if number is not None else None
    if template is None:
        raise ApiError(MALFORMED)
    return template


def template_values(ctx: Context) -> dict[str, str]:
    """``params`` as ``k:v`` pairs ({} when not given); anything else is malformed."""
    return {} if ctx.blank("params") else parse_contact(ctx.get("params"))


def require_channel(ctx: Context, api_class: str) -> None:
    """A channel the caller disabled (modifychannel active=0) has no route."""
    channel = ctx.account.channels.get(api_class)
    if channel is not None and not channel.active:
        raise ApiError(NO_ROUTE)


def require_phone_route(ctx: Context, api_class: str, number: str) -> None:
    """NO_ROUTE_AVAILABLE unless the channel is on and ``number``'s calling code is known."""
    require_channel(ctx, api_class)
    if route_for(number) is None:
        raise ApiError(NO_ROUTE)


def _email_routes(address: str) -> bool:
    return address.rpartition(".")[2].lower() != NO_ROUTE_EMAIL_TLD


def require_email_route(ctx: Context, address: str) -> None:
    """NO_ROUTE_AVAILABLE when e-mail is disabled or the domain is under ``.invalid``."""
    require_channel(ctx, "email")
    if not _email_routes(address):
        raise ApiError(NO_ROUTE)


def require_country(ctx: Context) -> None:
    """``countrycode`` well formed (else malformed) and in the country table (else no route)."""
    if country_by_prefix(parse_country_prefix(ctx.get("countrycode"))) is None:
        raise ApiError(NO_ROUTE)


Target = tuple[Mapping[str, str], str]


def _targets(group: Group, column: str, usable: Callable[[str], bool]) -> list[Target]:
    """Each contact with a usable value in ``column``; none of several is NO_ROUTE_AVAILABLE."""
    targets: list[Target] = []
    for values in group.contacts.values():
        destination = values.get(column, "").strip()
        if destination and usable(destination):
            targets.append((values, destination))
    if group.contacts and not targets:
        raise ApiError(NO_ROUTE)
    return targets


def phone_targets(group: Group) -> list[Target]:
    """Contacts whose ``mobile`` (as stored, trimmed) is 6-15 digits with a known route."""
    return _targets(group, "mobile", lambda number: is_phone(number) and bool(route_for(number)))


def email_targets(group: Group) -> list[Target]:
    """Contacts whose ``email`` is shaped ``local@domain.tld`` outside ``.invalid``."""
    return _targets(group, "email", lambda address: is_email(address) and _email_routes(address))


def send(
    ctx: Context,
    api_class: str,
    drafts: list[Draft],
    *,
    group: bool = False,
    sender: str = "",
    scheduled: str | None = None,
) -> SendOutcome:
    """Charge, store and count ``drafts`` as one send; NO_CREDITS (nothing sent) if too dear."""
    prices = [message_price(api_class, draft.text, ctx.settings) for draft in drafts]
    total = round(sum(prices), 6)
    if ctx.account.balance + 1e-9 < total:
        raise ApiError(NO_CREDITS)
    ctx.account.balance = round(ctx.account.balance - total, 6)
    sent = []
    for draft, price in zip(drafts, prices, strict=True):
        message = Message(
            id=ctx.state.next_id(), owner=ctx.account, api_class=api_class,
            destination=draft.destination, text=draft.text, credits=price, sent_at=ctx.now,
            sender=sender, scheduled=scheduled,
        )  # fmt: skip
        ctx.state.messages[message.id] = message
        sent.append((message.id, message.destination))
        ctx.sent.append(message)
    return SendOutcome(tuple(sent), total, group)


def delivery_status(api_class: str) -> Handler:
    """The ``getdeliverystatus`` handler of ``api_class``.

    A message is found only by its sender and by its own class; any other id (unknown, not a
    number, another account's, another class's) is UNKNOWN. Found messages are PENDING until
    ``settings.delivery_delay`` seconds after the send, then DELIVERED.
    """

    def getdeliverystatus(ctx: Context) -> list[StatusEntry]:
        entries = []
        for text in parse_message_ids(ctx.get("messages")):
            number = parse_id(text)
            message = ctx.state.messages.get(number) if number is not None else None
            if message is None or (message.owner, message.api_class) != (ctx.account, api_class):
                status = UNKNOWN
            elif ctx.now - message.sent_at >= ctx.settings.delivery_delay:
                status = DELIVERED
            else:
                status = PENDING
            entries.append(StatusEntry(number if number is not None else text, status))
        return entries

    return getdeliverystatus
