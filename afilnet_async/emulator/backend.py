"""The emulator's engine: state, counters, fault dice and limiter, and the per-request flow.

:meth:`Backend.handle_api` and :meth:`Backend.handle_token` are synchronous (atomic on one
event loop); the ASGI layer awaits only the injected latency and the network.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import replies
from .counters import Counters
from .dispatch import authenticate, execute
from .errors import ApiError
from .faults import FaultDecision, FaultInjector, Faults
from .protocol import ApiRequest
from .ratelimit import SlidingWindowLimiter
from .replies import Reply
from .state import Account, EmulatorState, login_key

__all__ = ["Backend"]


class Backend:
    """Everything one emulator knows; shared by its ASGI app and its public facade."""

    def __init__(self, faults: Faults, seed: int | None) -> None:
        self.state = EmulatorState()
        self.counters = Counters()
        self.faults = faults
        self.injector = FaultInjector(seed)
        self.limiter = SlidingWindowLimiter()

    def draw(self) -> FaultDecision:
        """The next request's latency and fault (counted in ``counters.faults``)."""
        decision = self.injector.decide(self.faults)
        if decision.kind is not None:
            self.counters.faults[decision.kind] += 1
        return decision

    def _bearer_account(self, token: str | None) -> Account | None:
        login = self.state.tokens.resolve(token) if token else None
        return self.state.accounts.get(login) if login is not None else None

    def handle_api(self, request: ApiRequest) -> Reply:
        """Authenticate, rate-limit per account, dispatch, count; always a Reply."""
        if request.style == "json":
            account = self._bearer_account(request.token)
            if account is None:
                return replies.bearer_error()
        else:
            try:
                account = authenticate(self.state, request.user, request.password)
            except ApiError as refusal:
                if request.style == "basic":
                    return replies.basic_auth_error(refusal.code)
                return replies.api_error(refusal.code)
        wait = self.limiter.admit(login_key(account.user), self.faults.rps_limit)
        if wait is not None:
            self.counters.faults["rps_limit"] += 1
            return replies.rate_limited(wait, "requests per second limit of this account")
        try:
            outcome = execute(self.state, account, request.fields)
        except ApiError as refusal:
            return replies.api_error(refusal.code)
        if outcome.mutating:
            self.counters.applied += 1
            self.counters.applied_by_method[outcome.qualname] += 1
        self.counters.contacts_stored += outcome.contacts_stored
        return replies.success(outcome.result, has_result=outcome.has_result)

    def handle_token(self, form: Mapping[str, str]) -> Reply:
        """RFC 6749 password grant: a bearer token for valid credentials."""
        grant_type = form.get("grant_type", "")
        if not grant_type:
            return replies.token_error("invalid_request")
        if grant_type != "password":
            return replies.token_error("unsupported_grant_type")
        username, password = form.get("username", ""), form.get("password", "")
        if not username.strip() or not password:
            return replies.token_error("invalid_request")
        account = self.state.authenticate(username, password)
        if account is None:
            return replies.token_error("invalid_grant")
        lifetime = self.faults.token_lifetime
        token = self.state.tokens.issue(login_key(account.user), lifetime)
        self.counters.tokens_issued += 1
        return replies.token_granted(token, lifetime)
