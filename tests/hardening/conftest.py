"""The hardening suites print the figures they measured at the end of the run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest
from figures import attach, collected

from .helpers import FIGURES


def _show(value: Any) -> str:
    if isinstance(value, Counter):
        return ", ".join(f"{k}={n}" for k, n in sorted(value.items(), key=str)) or "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport() -> Generator[None, Any, None]:
    yield from attach(FIGURES, _show)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    figures = collected(terminalreporter, "tests/hardening/")
    if not figures:
        return
    terminalreporter.section("hardening figures")
    for item in sorted(figures):
        terminalreporter.write_line(f"{item}:")
        for name, value in figures[item].items():
            terminalreporter.write_line(f"    {name}: {value}")
