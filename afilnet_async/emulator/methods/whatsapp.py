"""The ``whatsapp`` class: a message, a file or a template to one number.

``platformid`` is free text (any non-blank value is accepted). There is no WhatsApp channel
to disable and no getdeliverystatus in this class. A file's text, for the counters, is
``[type] url`` and its caption on the next line.
"""

from __future__ import annotations

from ..shapes import SENDS, SendOutcome
from ..values import parse_file_type, parse_https_url, parse_phone
from ._context import Context, Method
from ._sending import Draft, require_phone_route, send, template_of, template_values

__all__ = ["METHODS"]


def sendmessage(ctx: Context) -> SendOutcome:
    """One WhatsApp text message."""
    destination = parse_phone(ctx.get("destination"))
    require_phone_route(ctx, "whatsapp", destination)
    return send(ctx, "whatsapp", [Draft(destination, ctx.get("message"))])


def sendfile(ctx: Context) -> SendOutcome:
    """One WhatsApp file (image, video or document at an https:// URL), with a caption."""
    destination = parse_phone(ctx.get("destination"))
    kind, url = parse_file_type(ctx.get("type")), parse_https_url(ctx.get("fileurl"))
    require_phone_route(ctx, "whatsapp", destination)
    caption = ctx.get("message")
    text = f"[{kind}] {url}" + (f"\n{caption}" if caption.strip() else "")
    return send(ctx, "whatsapp", [Draft(destination, text)])


def sendmessagefromtemplate(ctx: Context) -> SendOutcome:
    """One WhatsApp message: the template filled from ``params``."""
    destination = parse_phone(ctx.get("destination"))
    template, values = template_of(ctx), template_values(ctx)
    require_phone_route(ctx, "whatsapp", destination)
    return send(ctx, "whatsapp", [Draft(destination, template.fill(values))])


METHODS: dict[str, Method] = {
    "sendmessage": Method(sendmessage, mutating=True, shape=SENDS),
    "sendfile": Method(sendfile, mutating=True, shape=SENDS),
    "sendmessagefromtemplate": Method(sendmessagefromtemplate, mutating=True, shape=SENDS),
}
