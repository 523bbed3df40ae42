"""Figures measured by tests, carried on their reports so that the end-of-run summary shows
them whether the tests ran in this process or in pytest-xdist workers."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

KEY = "afilnet figures"


def attach(
    figures: dict[str, dict[str, Any]], show: Callable[[Any], str]
) -> Generator[None, Any, None]:
    """A ``pytest_runtest_makereport`` hookwrapper body: after a test's teardown, move what
    ``figures`` holds (recorded during it) onto its report, each value as ``show`` writes it
    (xdist carries only plain values)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" and figures:
        shown = {name: {k: show(v) for k, v in f.items()} for name, f in figures.items()}
        report.user_properties.append((KEY, shown))
        figures.clear()


def collected(terminalreporter: pytest.TerminalReporter, prefix: str) -> dict[str, dict[str, str]]:
    """Every figure the reports of tests under ``prefix`` (a path) carry, merged by name."""
    merged: dict[str, dict[str, str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if not isinstance(report, pytest.TestReport) or not report.nodeid.startswith(prefix):
                continue
            for key, value in report.user_properties:
                if key == KEY:
                    for name, figures in value.items():
                        merged.setdefault(name, {}).update(figures)
    return merged
