"""Bulk runs: contact imports (``client.group.import_contacts``) and their reports."""

from .importer import DEFAULT_CHUNK_SIZE, ContactImports
from .journal import JournalError
from .report import FailedRow, ImportFailure, ImportProgress, ImportReport

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "ContactImports",
    "FailedRow",
    "ImportFailure",
    "ImportProgress",
    "ImportReport",
    "JournalError",
]
