"""The hardening suites print the figures they measured at the end of the run."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from .helpers import FIGURES


def _show(value: Any) -> str:
    if isinstance(value, Counter):
        return ", ".join(f"{k}={n}" for k, n in sorted(value.items(), key=str)) or "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("hardening figures")
    for item in sorted(FIGURES):
        terminalreporter.write_line(f"{item}:")
        for name, value in FIGURES[item].items():
            terminalreporter.write_line(f"    {name}: {_show(value)}")
