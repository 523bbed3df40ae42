"""How :class:`Faults` and :class:`ServerSettings` declare their fields, for the CLI to read.

Each field carries its help text in its attrs metadata (``metadata=doc("...")``);
``afilnet emulator`` turns every field into an option from that, its type and its default, so
a new field needs no CLI change.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HELP", "LEGACY", "doc"]

#: Metadata key of a field's one-line help text.
HELP = "help"
#: Metadata key marking a field kept only for older callers (the CLI skips it).
LEGACY = "legacy"


def doc(text: str, *, legacy: bool = False) -> dict[str, Any]:
    """Field metadata: the help text ``text`` (and the ``legacy`` mark)."""
    return {HELP: text, LEGACY: True} if legacy else {HELP: text}
