"""Fault injection: what can go wrong, how often, and the seeded dice that decide each request.

A request draws at most one fault. The rates are shares of requests in [0, 1] and must not
sum above 1; a request that draws none is answered normally (after the latency, if any).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from .constants import DEFAULT_TOKEN_LIFETIME, MAX_LATENCY

__all__ = ["FaultDecision", "FaultInjector", "FaultKind", "Faults", "LatencyDistribution"]

LatencyDistribution = Literal["fixed", "normal", "exponential"]
FaultKind = Literal["rate_limit", "server_error", "drop", "applied_then_500"]

_rate = [attrs.validators.ge(0.0), attrs.validators.le(1.0)]


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
    - ``token_lifetime``: seconds an OAuth2 access token lives.
    - ``rps_limit``: accepted requests per account per sliding second; over it, 429 with
      ``Retry-After`` the seconds until a slot frees (possibly fractional).
    - ``token_endpoint_faults``: apply latency and the rates to the token endpoint too.
    """

    latency: float = attrs.field(default=0.0, validator=attrs.validators.ge(0.0))
    latency_jitter: float = attrs.field(default=0.0, validator=attrs.validators.ge(0.0))
    latency_distribution: LatencyDistribution = attrs.field(
        default="fixed", validator=attrs.validators.in_(("fixed", "normal", "exponential"))
    )
    rate_429: float = attrs.field(default=0.0, validator=_rate)
    retry_after: float = attrs.field(default=1.0, validator=attrs.validators.ge(0.0))
    rate_502: float = attrs.field(default=0.0, validator=_rate)
    rate_503: float = attrs.field(default=0.0, validator=_rate)
    rate_5xx: float = attrs.field(default=0.0, validator=_rate)
    status_5xx: tuple[int, ...] = attrs.field(
        default=(500, 502, 503, 504), converter=_as_tuple, validator=_statuses
    )
    rate_drop: float = attrs.field(default=0.0, validator=_rate)
    rate_applied_then_500: float = attrs.field(default=0.0, validator=_rate)
    token_lifetime: float = attrs.field(
        default=DEFAULT_TOKEN_LIFETIME, validator=attrs.validators.gt(0.0)
    )
    rps_limit: float | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.gt(0.0))
    )
    token_endpoint_faults: bool = False

    def __attrs_post_init__(self) -> None:
        if sum(share for share, _, _ in self._shares()) > 1.0 + 1e-9:
            raise ValueError("the fault rates must not sum above 1")

    def _shares(self) -> tuple[tuple[float, FaultKind, tuple[int, ...]], ...]:
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
        return any(share > 0 for share, _, _ in self._shares())


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
        for share, kind, statuses in faults._shares():
            if roll < share:
                status = self._rng.choice(statuses) if statuses else None
                return FaultDecision(delay, kind, status)
            roll -= share
        return FaultDecision(delay)
