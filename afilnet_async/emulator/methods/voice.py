"""The ``voice`` class: a text spoken to a number or a group, from text or a template; status.

``language`` is free text, stored with nothing checked; priced per call.
"""

from __future__ import annotations

from ..shapes import SENDS, STATUSES, SendOutcome
from ..values import parse_phone
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


def sendvoice(ctx: Context) -> SendOutcome:
    """One call speaking ``message``."""
    to, scheduled = parse_phone(ctx.get("to")), schedule(ctx)
    require_phone_route(ctx, "voice", to)
    return send(ctx, "voice", [Draft(to, ctx.get("message"))], scheduled=scheduled)


def sendvoicefromtemplate(ctx: Context) -> SendOutcome:
    """One call speaking the template filled from ``params``."""
    to, template, values = parse_phone(ctx.get("to")), template_of(ctx), template_values(ctx)
    scheduled = schedule(ctx)
    require_phone_route(ctx, "voice", to)
    return send(ctx, "voice", [Draft(to, template.fill(values))], scheduled=scheduled)


def sendvoicetogroup(ctx: Context) -> SendOutcome:
    """One call per reachable contact of the group, the same text for all."""
    scheduled = schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "voice")
    require_country(ctx)
    drafts = [Draft(number, ctx.get("message")) for _, number in phone_targets(group)]
    return send(ctx, "voice", drafts, group=True, scheduled=scheduled)


def sendvoicetogroupfromtemplate(ctx: Context) -> SendOutcome:
    """One call per reachable contact: the template filled from the contact's fields."""
    template, scheduled = template_of(ctx), schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "voice")
    require_country(ctx)
    drafts = [Draft(number, template.fill(values)) for values, number in phone_targets(group)]
    return send(ctx, "voice", drafts, group=True, scheduled=scheduled)


METHODS: dict[str, Method] = {
    "sendvoice": Method(sendvoice, mutating=True, shape=SENDS),
    "sendvoicefromtemplate": Method(sendvoicefromtemplate, mutating=True, shape=SENDS),
    "sendvoicetogroup": Method(sendvoicetogroup, mutating=True, shape=SENDS),
    "sendvoicetogroupfromtemplate": Method(
        sendvoicetogroupfromtemplate, mutating=True, shape=SENDS
    ),
    "getdeliverystatus": Method(delivery_status("voice"), shape=STATUSES),
}
