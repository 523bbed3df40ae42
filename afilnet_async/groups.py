"""``client.group``: the generated group methods plus the bulk importer."""

from __future__ import annotations

from .bulk.importer import import_contacts
from .endpoints import GroupAPI

__all__ = ["Groups"]


class Groups(GroupAPI):
    """The Afilnet ``group`` methods, and :meth:`import_contacts` for large contact lists."""

    __slots__ = ()

    #: ``await client.group.import_contacts(idgroup, contacts, ...)``: the bulk importer,
    #: bound as a method (one signature, in :mod:`afilnet_async.bulk.importer`).
    import_contacts = import_contacts
