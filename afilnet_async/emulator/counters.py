"""What the emulator received, applied and sent, for tests and the demo to read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from .state import Message

__all__ = ["Counters", "SentRecord"]


@attrs.frozen
class SentRecord:
    """One message sent, as the counters keep it: enough to prove it was sent only once."""

    messageid: int
    api_class: str
    destination: str
    fingerprint: str


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
    - ``in_flight`` / ``peak_in_flight``: requests being served now / at most at once;
    - ``messages_sent``, ``messages_by_class``, ``credits_charged``: every message every send
      sent (those whose answer was then lost too) and what they cost;
    - ``sent``: per message, a :class:`SentRecord` (id, class, destination, text fingerprint);
    - ``sends_by_destination_and_text``: how many messages went to each
      ``(destination, fingerprint of the text)``; :meth:`duplicates` lists those above 1.
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
    messages_sent: int = 0
    messages_by_class: Counter[str] = attrs.field(factory=Counter)
    credits_charged: float = 0.0
    sent: list[SentRecord] = attrs.field(factory=list, repr=False)
    sends_by_destination_and_text: Counter[tuple[str, str]] = attrs.field(
        factory=Counter, repr=False
    )

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

    def messages(self, sent: Iterable[Message]) -> None:
        """Count the messages one send sent."""
        for message in sent:
            self.messages_sent += 1
            self.messages_by_class[message.api_class] += 1
            self.credits_charged = round(self.credits_charged + message.credits, 6)
            record = SentRecord(message.id, message.api_class, message.destination,
                                message.fingerprint)  # fmt: skip
            self.sent.append(record)
            self.sends_by_destination_and_text[(message.destination, message.fingerprint)] += 1

    def duplicates(self) -> dict[tuple[str, str], int]:
        """``(destination, text fingerprint)`` pairs sent more than once, with their counts."""
        return {pair: n for pair, n in self.sends_by_destination_and_text.items() if n > 1}

    def reset(self) -> None:
        """Zero every total; the peak restarts from the requests still in flight."""
        self.requests = self.applied = self.contacts_stored = self.tokens_issued = 0
        self.messages_sent, self.credits_charged = 0, 0.0
        for counter in (self.by_method, self.by_status, self.applied_by_method, self.faults,
                        self.messages_by_class, self.sends_by_destination_and_text):  # fmt: skip
            counter.clear()
        self.sent.clear()
        self.peak_in_flight = self.in_flight

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of every counter (``sent`` as its length, duplicates counted)."""
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
            "messages_sent": self.messages_sent,
            "messages_by_class": dict(self.messages_by_class),
            "credits_charged": self.credits_charged,
            "duplicate_sends": len(self.duplicates()),
        }
