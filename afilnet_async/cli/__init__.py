"""The ``afilnet`` command: the emulator, the demo, and everyday calls from a shell.

Needs the ``cli`` extra (``pip install 'afilnet-async[cli]'``).
"""

from __future__ import annotations

import sys

__all__ = ["main"]

_MISSING_EXTRA = "afilnet: the command line needs its extra: pip install 'afilnet-async[cli]'"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every expected failure is one line on stderr and a non-zero exit."""
    try:
        from .app import run
    except ImportError as exc:  # click, rich, starlette or uvicorn missing
        missing = (exc.name or "a dependency").partition(".")[0]
        print(f"{_MISSING_EXTRA} ({missing} is not installed)", file=sys.stderr)
        return 2
    return run(argv)
