"""What the emulator received and applied, for tests and the demo to read."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

__all__ = ["Counters"]


@attrs.define
class Counters:
    """Running totals of one emulator; :meth:`reset` zeroes them (``in_flight`` stays true).

    - ``requests``: HTTP requests received on any path (token endpoint included);
    - ``by_method``: API requests by ``class.method`` as sent (faulted ones included);
    - ``by_status``: completed answers by HTTP status (dropped ones are not completed);
    - ``applied`` / ``applied_by_method``: state-changing calls that succeeded (including
      those then answered 500 by ``rate_applied_then_500``);
    - ``contacts_stored``: contacts written by addcontact and addcontactlist;
    - ``tokens_issued``: OAuth2 access tokens issued;
    - ``faults``: injected faults by kind (``rate_limit``, ``server_error``, ``drop``,
      ``applied_then_500``, ``rps_limit``);
    - ``in_flight`` / ``peak_in_flight``: requests being served now / at most at once.
    """

    requests: int = 0
    by_method: Counter[str] = attrs.field(factory=Counter)
    by_status: Counter[int] = attrs.field(factory=Counter)
    applied: int = 0
    applied_by_method: Counter[str] = attrs.field(factory=Counter)
    contacts_stored: int = 0
    tokens_issued: int = 0
    faults: Counter[str] = attrs.field(factory=Counter)
    in_flight: int = 0
    peak_in_flight: int = 0

    def request_started(self) -> None:
        """A request arrived."""
        self.requests += 1
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def request_finished(self, status: int | None) -> None:
        """A request left; ``status`` is ``None`` when no complete answer was sent."""
        self.in_flight -= 1
        if status is not None:
            self.by_status[status] += 1

    def reset(self) -> None:
        """Zero every total; the peak restarts from the requests still in flight."""
        self.requests = self.applied = self.contacts_stored = self.tokens_issued = 0
        for counter in (self.by_method, self.by_status, self.applied_by_method, self.faults):
            counter.clear()
        self.peak_in_flight = self.in_flight

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of every counter."""
        return {
            "requests": self.requests,
            "by_method": dict(self.by_method),
            "by_status": {str(status): n for status, n in sorted(self.by_status.items())},
            "applied": self.applied,
            "applied_by_method": dict(self.applied_by_method),
            "contacts_stored": self.contacts_stored,
            "tokens_issued": self.tokens_issued,
            "faults": dict(self.faults),
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
        }
