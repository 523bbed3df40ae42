"""Fault injection: what can go wrong, how often, and the seeded dice that decide each request.

A request draws at most one fault. The rates are shares of requests in [0, 1] and must not
sum above 1; a request that draws none is answered normally (after the latency, if any).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from .constants import MAX_LATENCY
from .options import doc

__all__ = ["FaultDecision", "FaultInjector", "FaultKind", "Faults", "LatencyDistribution"]

LatencyDistribution = Literal["fixed", "normal", "exponential"]
FaultKind = Literal["rate_limit", "server_error", "drop", "applied_then_500"]

_rate = [attrs.validators.ge(0.0), attrs.validators.le(1.0)]
_non_negative = attrs.validators.ge(0.0)


def _as_tuple(statuses: Iterable[int]) -> tuple[int, ...]:
    return tuple(statuses)


def _statuses(_: object, attribute: attrs.Attribute[Any], value: tuple[int, ...]) -> None:
    if not value or any(not 500 <= status <= 599 for status in value):
        raise ValueError(f"{attribute.name} must be a non-empty tuple of 5xx statuses")


@attrs.frozen(kw_only=True)
class Faults:
    """What the emulator does wrong on purpose; the default does nothing wrong.

    - ``latency`` seconds from a request's arrival to its answer (processing happens within
      it, so concurrent requests overlap): exactly (``fixed``, plus a uniform
      ``+-latency_jitter``), or drawn from ``normal`` (mean ``latency``, sd ``latency_jitter``)
      or ``exponential`` (mean ``latency``); never negative, clipped at 60 s.
    - ``rate_429``: 429 with ``Retry-After: retry_after`` and a non-envelope body.
    - ``rate_502``, ``rate_503``; ``rate_5xx`` picks uniformly among ``status_5xx``: a 5xx with
      a non-JSON body, nothing applied.
    - ``rate_drop``: the answer starts, then the connection is dropped; nothing applied.
    - ``rate_applied_then_500``: the call is applied, then answered 500 with a non-JSON body.
    - ``token_endpoint_faults``: apply latency and the rates to the token endpoint too.

    ``token_lifetime`` and ``rps_limit`` are :class:`ServerSettings` now; given here (as
    callers did before settings existed) they override the settings while these faults are in
    force.
    """

    latency: float = attrs.field(
        default=0.0,
        validator=_non_negative,
        metadata=doc("Seconds from a request's arrival to its answer."),
    )
    latency_jitter: float = attrs.field(
        default=0.0,
        validator=_non_negative,
        metadata=doc("Spread of the latency: +/- seconds (fixed), or the sd (normal)."),
    )
    latency_distribution: LatencyDistribution = attrs.field(
        default="fixed",
        validator=attrs.validators.in_(("fixed", "normal", "exponential")),
        metadata=doc("How latency is drawn."),
    )
    rate_429: float = attrs.field(
        default=0.0, validator=_rate, metadata=doc("Share of requests answered 429.")
    )
    retry_after: float = attrs.field(
        default=1.0,
        validator=_non_negative,
        metadata=doc("Retry-After seconds of the injected 429s."),
    )
    rate_502: float = attrs.field(
        default=0.0, validator=_rate, metadata=doc("Share of requests answered 502.")
    )
    rate_503: float = attrs.field(
        default=0.0, validator=_rate, metadata=doc("Share of requests answered 503.")
    )
    rate_5xx: float = attrs.field(
        default=0.0,
        validator=_rate,
        metadata=doc("Share of requests answered one of --status-5xx."),
    )
    status_5xx: tuple[int, ...] = attrs.field(
        default=(500, 502, 503, 504),
        converter=_as_tuple,
        validator=_statuses,
        metadata=doc("The 5xx statuses --rate-5xx picks from (comma-separated)."),
    )
    rate_drop: float = attrs.field(
        default=0.0,
        validator=_rate,
        metadata=doc("Share of connections dropped mid-answer (nothing applied)."),
    )
    rate_applied_then_500: float = attrs.field(
        default=0.0,
        validator=_rate,
        metadata=doc("Share of calls applied, then answered 500 (the lost answer)."),
    )
    token_endpoint_faults: bool = attrs.field(
        default=False, metadata=doc("Apply latency and the rates to the OAuth2 token endpoint too.")
    )
    token_lifetime: float | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.gt(0.0)),
        metadata=doc(
            "Overrides ServerSettings.token_lifetime (kept for older callers).", legacy=True
        ),
    )
    rps_limit: float | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.gt(0.0)),
        metadata=doc("Overrides ServerSettings.rps_limit (kept for older callers).", legacy=True),
    )

    def __attrs_post_init__(self) -> None:
        if sum(share for share, _, _ in self.shares()) > 1.0 + 1e-9:
            raise ValueError("the fault rates must not sum above 1")

    def shares(self) -> tuple[tuple[float, FaultKind, tuple[int, ...]], ...]:
        """Each fault: its share of requests, its kind and the HTTP statuses it answers with."""
        return (
            (self.rate_429, "rate_limit", (429,)),
            (self.rate_502, "server_error", (502,)),
            (self.rate_503, "server_error", (503,)),
            (self.rate_5xx, "server_error", self.status_5xx),
            (self.rate_drop, "drop", ()),
            (self.rate_applied_then_500, "applied_then_500", (500,)),
        )

    @property
    def any_rate(self) -> bool:
        """Whether some request may draw a fault."""
        return any(share > 0 for share, _, _ in self.shares())


@attrs.frozen
class FaultDecision:
    """What happens to one request: a delay, then at most one fault (with its HTTP status)."""

    latency: float = 0.0
    kind: FaultKind | None = None
    status: int | None = None


class FaultInjector:
    """Draws a :class:`FaultDecision` per request from one seeded RNG (reproducible order)."""

    def __init__(self, seed: int | None = 0) -> None:
        self._rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        """Restart the dice from ``seed``."""
        self._rng.seed(seed)

    def latency(self, faults: Faults) -> float:
        """One latency sample in seconds."""
        if faults.latency == 0 and faults.latency_jitter == 0:
            return 0.0
        if faults.latency_distribution == "exponential":
            sample = self._rng.expovariate(1 / faults.latency) if faults.latency > 0 else 0.0
        elif faults.latency_distribution == "normal":
            sample = self._rng.gauss(faults.latency, faults.latency_jitter)
        elif faults.latency_jitter > 0:
            sample = faults.latency + self._rng.uniform(-1.0, 1.0) * faults.latency_jitter
        else:
            sample = faults.latency
        return min(max(sample, 0.0), MAX_LATENCY)

    def decide(self, faults: Faults) -> FaultDecision:
        """The latency and the fault (if any) of the next request."""
        delay = self.latency(faults)
        if not faults.any_rate:
            return FaultDecision(delay)
        roll = self._rng.random()
        for share, kind, statuses in faults.shares():
            if roll < share:
                status = self._rng.choice(statuses) if statuses else None
                return FaultDecision(delay, kind, status)
            roll -= share
        return FaultDecision(delay)
