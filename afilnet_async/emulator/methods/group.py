"""The ``group`` class: contact groups, their columns and their contacts.

A group's type names its main field (``mobile`` or ``email``); that column cannot be deleted
(MISSING_MAIN_FIELD) and every contact needs a non-blank value in it. Values for fields that
are not columns of the group are dropped. Malformed ``fields``, ``field``, ``contact`` and
``contacts`` values are MISSING_COMPULSORY_PARAM, checked before the group is looked up.
"""

from __future__ import annotations

from typing import Any

from ..countries import country_by_alpha3
from ..exceptions import ApiError
from ..shapes import COLUMNS, Record, Records
from ..state import Group
from ..values import parse_contact, parse_contacts, parse_field_name, parse_fields, parse_id
from ._context import Context, Method, NoResult, group_of

__all__ = ["METHODS"]

GROUP_TYPES = ("mobile", "email")


def _contact_id(ctx: Context, group: Group) -> int:
    contact_id = parse_id(ctx.get("idcontact"))
    if contact_id is None or contact_id not in group.contacts:
        raise ApiError("NOT_ACCESS_TO_CONTACT")
    return contact_id


def creategroup(ctx: Context) -> dict[str, int]:
    """A new group owned by the caller: ``{"idgroup": <int>}``."""
    fields = parse_fields(ctx.get("fields"))
    group_type = ctx.get("type").strip()
    if group_type not in GROUP_TYPES:
        raise ApiError("INCORRECT_TYPE")
    if group_type not in fields:
        raise ApiError("MISSING_MAIN_FIELD")
    group_id = ctx.state.next_id()
    ctx.state.groups[group_id] = Group(group_id, ctx.account, ctx.get("name"), group_type, fields)
    return {"idgroup": group_id}


def getgroupcolumns(ctx: Context) -> list[str]:
    """The group's field names in order."""
    return list(group_of(ctx).fields)


def addcolumntogroup(ctx: Context) -> type[NoResult]:
    """Append a column (an existing one is a no-op)."""
    field = parse_field_name(ctx.get("field"))
    group = group_of(ctx)
    if field not in group.fields:
        group.fields.append(field)
    return NoResult


def deletecolumnfromgroup(ctx: Context) -> type[NoResult]:
    """Drop a column and its values (an unknown one is a no-op; the main one is refused)."""
    field = parse_field_name(ctx.get("field"))
    group = group_of(ctx)
    if field == group.main_field:
        raise ApiError("MISSING_MAIN_FIELD")
    if field in group.fields:
        group.drop_column(field)
    return NoResult


def deletegroup(ctx: Context) -> type[NoResult]:
    """Delete the group and its contacts."""
    del ctx.state.groups[group_of(ctx).id]
    return NoResult


def assigncountrytogroup(ctx: Context) -> type[NoResult]:
    """Set the group's country by ISO 3166-1 alpha-3 code (stored lower case)."""
    group = group_of(ctx)
    country = country_by_alpha3(ctx.get("countryiso3"))
    if country is None:
        raise ApiError("COUNTRY_NOT_FOUND")
    group.country = country.alpha3
    return NoResult


def getcontacts(ctx: Context) -> list[dict[str, Any]]:
    """Every contact: ``{"idcontact": <int>, <field>: <value>, ...}``, oldest first."""
    group = group_of(ctx)
    return [group.contact_result(contact_id) for contact_id in group.contacts]


def getcontact(ctx: Context) -> dict[str, Any]:
    """One contact in the ``getcontacts`` shape."""
    group = group_of(ctx)
    return group.contact_result(_contact_id(ctx, group))


def addcontact(ctx: Context) -> dict[str, int]:
    """Store one contact: ``{"idcontact": <int>}``; its main value must be new in the group."""
    contact = parse_contact(ctx.get("contact"))
    group = group_of(ctx)
    main = contact.get(group.main_field, "")
    if not main.strip():
        raise ApiError("MISSING_MAIN_FIELD")
    if group.has_main_value(main):
        raise ApiError("CONTACT_EXISTS")
    contact_id = ctx.state.next_id()
    group.store(contact_id, contact)
    ctx.contacts_stored += 1
    return {"idcontact": contact_id}


def addcontactlist(ctx: Context) -> dict[str, int]:
    """Store every row with a main value, duplicates too: ``{"added": n, "invalid": m}``."""
    rows = parse_contacts(ctx.get("contacts"))
    group = group_of(ctx)
    added = 0
    for row in rows:
        if row.get(group.main_field, "").strip():
            group.store(ctx.state.next_id(), row)
            added += 1
    ctx.contacts_stored += added
    return {"added": added, "invalid": len(rows) - added}


def modifycontact(ctx: Context) -> type[NoResult]:
    """Overwrite the given columns of a contact (the main one cannot be blanked)."""
    contact = parse_contact(ctx.get("contact"))
    group = group_of(ctx)
    contact_id = _contact_id(ctx, group)
    if group.main_field in contact and not contact[group.main_field].strip():
        raise ApiError("MISSING_MAIN_FIELD")
    group.update(contact_id, contact)
    return NoResult


def deletecontact(ctx: Context) -> type[NoResult]:
    """Delete a contact."""
    group = group_of(ctx)
    group.remove(_contact_id(ctx, group))
    return NoResult


_CONTACT = Record(numbers=frozenset({"idcontact"}))

METHODS: dict[str, Method] = {
    "creategroup": Method(creategroup, mutating=True, shape=Record(numbers=frozenset({"idgroup"}))),
    "getgroupcolumns": Method(getgroupcolumns, shape=COLUMNS),
    "addcolumntogroup": Method(addcolumntogroup, mutating=True),
    "deletecolumnfromgroup": Method(deletecolumnfromgroup, mutating=True),
    "deletegroup": Method(deletegroup, mutating=True),
    "assigncountrytogroup": Method(assigncountrytogroup, mutating=True),
    "getcontacts": Method(getcontacts, shape=Records(_CONTACT, key="idcontact")),
    "getcontact": Method(getcontact, shape=_CONTACT),
    "addcontact": Method(addcontact, mutating=True, shape=_CONTACT),
    "addcontactlist": Method(
        addcontactlist, mutating=True, shape=Record(numbers=frozenset({"added", "invalid"}))
    ),
    "modifycontact": Method(modifycontact, mutating=True),
    "deletecontact": Method(deletecontact, mutating=True),
}
