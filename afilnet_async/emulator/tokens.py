"""OAuth2 access tokens: random opaque strings that expire after a lifetime."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import attrs

__all__ = ["TokenStore"]


@attrs.frozen
class _Grant:
    login: str
    expires_at: float


class TokenStore:
    """Issues tokens for a login key and resolves them until they expire (monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._grants: dict[str, _Grant] = {}

    def __len__(self) -> int:
        return len(self._grants)

    def issue(self, login: str, lifetime: float) -> str:
        """A new token for ``login`` valid for ``lifetime`` seconds; expired ones are purged."""
        now = self._clock()
        self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
        token = secrets.token_urlsafe(32)
        self._grants[token] = _Grant(login, now + lifetime)
        return token

    def resolve(self, token: str) -> str | None:
        """The login key ``token`` was issued for, or ``None`` if unknown or expired."""
        grant = self._grants.get(token)
        if grant is None or grant.expires_at <= self._clock():
            return None
        return grant.login

    def expire_all(self) -> None:
        """Invalidate every token issued so far (the next bearer call answers 401)."""
        self._grants.clear()
