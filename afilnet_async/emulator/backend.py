"""The emulator's engine: state, settings, faults, dialect, clock, and the per-request flow.

:meth:`Backend.handle_api` and :meth:`Backend.handle_token` are synchronous (atomic on one
event loop); the ASGI layer awaits only the injected latency and the network.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import replies
from .clock import Clock
from .counters import Counters
from .dialects import Dialect
from .dispatch import NotServed, authenticate, execute
from .exceptions import ApiError
from .faults import FaultDecision, FaultInjector, Faults
from .protocol import ApiRequest
from .ratelimit import SlidingWindowLimiter
from .renderer import Renderer
from .replies import Reply
from .settings import ServerSettings
from .state import Account, EmulatorState, login_key
from .tokens import TokenStore

__all__ = ["Backend"]


class Backend:
    """Everything one emulator knows; shared by its ASGI app and its public facade."""

    def __init__(
        self, faults: Faults, settings: ServerSettings, dialect: Dialect, seed: int | None
    ) -> None:
        self.clock = Clock()
        self.state = EmulatorState(tokens=TokenStore(self.clock))
        self.counters = Counters()
        self.faults = faults
        self.settings = settings
        self.renderer = Renderer(dialect)
        self.injector = FaultInjector(seed)
        self.limiter = SlidingWindowLimiter(self.clock)

    @property
    def dialect(self) -> Dialect:
        """The dialect answers are written in."""
        return self.renderer.dialect

    @dialect.setter
    def dialect(self, dialect: Dialect) -> None:
        self.renderer = Renderer(dialect)

    @property
    def token_lifetime(self) -> float:
        """Seconds a new token lives (the faults' legacy override, else the settings')."""
        override = self.faults.token_lifetime
        return self.settings.token_lifetime if override is None else override

    @property
    def rps_limit(self) -> float | None:
        """The per-account request cap (the faults' legacy override, else the settings')."""
        override = self.faults.rps_limit
        return self.settings.rps_limit if override is None else override

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
        render = self.renderer
        if request.style == "json":
            account = self._bearer_account(request.token)
            if account is None:
                return render.bearer_error()
        else:
            try:
                account = authenticate(self.state, request.user, request.password)
            except ApiError as refusal:
                if request.style == "basic":
                    return render.basic_auth_error(refusal.code)
                return render.error(refusal.code)
        wait = self.limiter.admit(login_key(account.user), self.rps_limit)
        if wait is not None:
            self.counters.faults["rps_limit"] += 1
            return replies.rate_limited(wait, "requests per second limit of this account")
        try:
            outcome = execute(self.state, account, request.fields, self.settings, self.clock())
        except ApiError as refusal:
            return render.error(refusal.code)
        except NotServed as missing:
            return replies.not_implemented(missing.qualname)
        if outcome.mutating:
            self.counters.applied += 1
            self.counters.applied_by_method[outcome.qualname] += 1
        self.counters.contacts_stored += outcome.contacts_stored
        if outcome.sent:
            self.counters.messages(outcome.sent)
        return render.success(
            outcome.qualname, outcome.shape, outcome.result, has_result=outcome.has_result
        )

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
        lifetime = self.token_lifetime
        token = self.state.tokens.issue(login_key(account.user), lifetime)
        self.counters.tokens_issued += 1
        return replies.token_granted(token, lifetime)
