"""Bulk contact import: ``client.group.import_contacts`` and its report."""

from .importer import DEFAULT_CHUNK_SIZE, import_contacts
from .journal import JournalError
from .report import FailedRow, ImportFailure, ImportProgress, ImportReport

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FailedRow",
    "ImportFailure",
    "ImportProgress",
    "ImportReport",
    "JournalError",
    "import_contacts",
]
