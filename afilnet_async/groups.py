"""``client.group``: the generated group methods plus the bulk importer."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

from .bulk.importer import Rows, import_contacts
from .bulk.report import ImportProgress, ImportReport
from .endpoints import GroupAPI
from .retry import RetryPolicy

__all__ = ["Groups"]


class Groups(GroupAPI):
    """The Afilnet ``group`` methods, and :meth:`import_contacts` for large contact lists."""

    __slots__ = ()

    async def import_contacts(
        self,
        idgroup: int,
        contacts: Rows,
        *,
        concurrency: int = 8,
        chunk_size: int | None = None,
        journal: str | os.PathLike[str] | None = None,
        max_per_second: float | None = None,
        on_progress: Callable[[ImportProgress], None] | None = None,
        main_field: Literal["mobile", "email"] | None = None,
        reconcile: bool = True,
        retry_policy: RetryPolicy | None = None,
    ) -> ImportReport:
        """Import any number of contacts into a group with ``addcontactlist`` chunks.

        ``contacts`` is any iterable or async iterable of dicts (a generator over a CSV of
        millions of rows works: nothing is materialised). At most ``concurrency`` chunks are in
        flight, fewer while Afilnet answers 429; ``max_per_second`` caps the request rate.
        ``chunk_size`` defaults to 200 rows (under QueryAuth chunks are also cut to fit the GET
        limit). Rows without a well-formed main field (``main_field``, by default read from the
        group's columns) are reported, not sent. A chunk whose answer was lost is reconciled
        (the group is read back and only missing rows are re-sent) unless ``reconcile=False``.
        ``journal`` names a file that records confirmed chunks: re-running with the same
        journal and input sends only what is left. ``retry_policy`` bounds the retries of one
        chunk (default: 5, backoff from 0.5 s). Every row ends up counted in the report's
        ``imported`` or ``failed``.
        """
        return await import_contacts(
            self._client,
            idgroup,
            contacts,
            concurrency=concurrency,
            chunk_size=chunk_size,
            journal=journal,
            max_per_second=max_per_second,
            on_progress=on_progress,
            main_field=main_field,
            reconcile=reconcile,
            retry_policy=retry_policy,
        )
