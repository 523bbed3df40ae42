"""The ``email`` class: e-mail to an address or a group, from text or a template; status.

A message's text, for the counters, is its subject, a blank line, then its body. Addresses
under the ``.invalid`` top-level domain have no route.
"""

from __future__ import annotations

from ..shapes import SENDS, STATUSES, SendOutcome
from ..values import parse_email
from ._context import Context, Method, group_of
from ._sending import (
    Draft,
    delivery_status,
    email_targets,
    require_channel,
    require_email_route,
    schedule,
    send,
    template_of,
    template_values,
)

__all__ = ["METHODS"]


def _text(subject: str, body: str) -> str:
    return f"{subject}\n\n{body}"


def sendemail(ctx: Context) -> SendOutcome:
    """One e-mail with the given subject and body."""
    to, scheduled = parse_email(ctx.get("to")), schedule(ctx)
    require_email_route(ctx, to)
    draft = Draft(to, _text(ctx.get("subject"), ctx.get("email")))
    return send(ctx, "email", [draft], scheduled=scheduled)


def sendemailfromtemplate(ctx: Context) -> SendOutcome:
    """One e-mail: the template filled from ``params``; ``subject`` or the template's."""
    to, template, values = parse_email(ctx.get("to")), template_of(ctx), template_values(ctx)
    scheduled = schedule(ctx)
    require_email_route(ctx, to)
    subject = template.subject if ctx.blank("subject") else ctx.get("subject")
    draft = Draft(to, _text(subject, template.fill(values)))
    return send(ctx, "email", [draft], scheduled=scheduled)


def sendemailtogroup(ctx: Context) -> SendOutcome:
    """One e-mail per reachable contact of the group (its ``email`` column)."""
    scheduled = schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "email")
    text = _text(ctx.get("subject"), ctx.get("email"))
    drafts = [Draft(address, text) for _, address in email_targets(group)]
    return send(ctx, "email", drafts, group=True, scheduled=scheduled)


def sendemailtogroupfromtemplate(ctx: Context) -> SendOutcome:
    """One e-mail per reachable contact: the template filled from the contact's fields."""
    template, scheduled = template_of(ctx), schedule(ctx)
    group = group_of(ctx)
    require_channel(ctx, "email")
    drafts = [
        Draft(address, _text(template.subject, template.fill(values)))
        for values, address in email_targets(group)
    ]
    return send(ctx, "email", drafts, group=True, scheduled=scheduled)


METHODS: dict[str, Method] = {
    "sendemail": Method(sendemail, mutating=True, shape=SENDS),
    "sendemailfromtemplate": Method(sendemailfromtemplate, mutating=True, shape=SENDS),
    "sendemailtogroup": Method(sendemailtogroup, mutating=True, shape=SENDS),
    "sendemailtogroupfromtemplate": Method(
        sendemailtogroupfromtemplate, mutating=True, shape=SENDS
    ),
    "getdeliverystatus": Method(delivery_status("email"), shape=STATUSES),
}
