"""The ``sms`` class: SMS to a number or a group, from text or a template; delivery status.

Priced per part (see :mod:`..pricing`); ``countrycode`` of group sends is checked (alpha-2 or
calling code, in the country table) but the contacts' numbers are used as stored.
"""

from __future__ import annotations

from ..shapes import SENDS, STATUSES, SendOutcome
from ..values import parse_phone, parse_sender
from ._context import Context, Method, group_of
from ._sending import (
    Draft,
    delivery_status,
    phone_targets,
    require_channel,
    require_country,
    require_phone_route,
    schedule,
    send,
    template_of,
    template_values,
)

__all__ = ["METHODS"]


def sendsms(ctx: Context) -> SendOutcome:
    """One SMS with the given text."""
    to, sender, scheduled = parse_phone(ctx.get("to")), parse_sender(ctx.get("from")), schedule(ctx)
    require_phone_route(ctx, "sms", to)
    return send(ctx, "sms", [Draft(to, ctx.get("sms"))], sender=sender, scheduled=scheduled)


def sendsmsfromtemplate(ctx: Context) -> SendOutcome:
    """One SMS: the template filled from ``params``."""
    to, template, values = parse_phone(ctx.get("to")), template_of(ctx), template_values(ctx)
    sender = "" if ctx.blank("from") else parse_sender(ctx.get("from"))
    scheduled = schedule(ctx)
    require_phone_route(ctx, "sms", to)
    draft = Draft(to, template.fill(values))
    return send(ctx, "sms", [draft], sender=sender, scheduled=scheduled)


def sendsmstogroup(ctx: Context) -> SendOutcome:
    """One SMS per reachable contact of the group, the same text for all."""
    sender, scheduled = parse_sender(ctx.get("from")), schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "sms")
    require_country(ctx)
    drafts = [Draft(number, ctx.get("sms")) for _, number in phone_targets(group)]
    return send(ctx, "sms", drafts, group=True, sender=sender, scheduled=scheduled)


def sendsmstogroupfromtemplate(ctx: Context) -> SendOutcome:
    """One SMS per reachable contact: the template filled from the contact's fields."""
    template, scheduled = template_of(ctx), schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "sms")
    require_country(ctx)
    drafts = [Draft(number, template.fill(values)) for values, number in phone_targets(group)]
    return send(ctx, "sms", drafts, group=True, scheduled=scheduled)


METHODS: dict[str, Method] = {
    "sendsms": Method(sendsms, mutating=True, shape=SENDS),
    "sendsmsfromtemplate": Method(sendsmsfromtemplate, mutating=True, shape=SENDS),
    "sendsmstogroup": Method(sendsmstogroup, mutating=True, shape=SENDS),
    "sendsmstogroupfromtemplate": Method(sendsmstogroupfromtemplate, mutating=True, shape=SENDS),
    "getdeliverystatus": Method(delivery_status("sms"), shape=STATUSES),
}
