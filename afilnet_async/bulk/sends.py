"""Bulk personalised sends: one message per recipient, never one sent twice.

``client.sms.send_bulk(messages)`` (and ``client.email.send_bulk``) streams the messages
through the same :class:`BulkRun` as imports: a bounded channel, at most ``concurrency`` sends
in flight (fewer while Afilnet answers 429), ``max_per_second``, a journal. What differs from
an import is what a failure means, because a send costs money and cannot be reconciled:

- nothing was applied (a 429, a refused connection): the message waits and goes again;
- it may have been applied (a timeout after the request went out, a lost connection, a 5xx,
  an unreadable answer): the message is **unknown**, never sent again, in this run or a
  resumed one;
- Afilnet refused it (an error code, a bad destination): **failed**; ``NO_CREDITS`` and bad
  credentials stop the run: the messages left are **not sent**.

The journal records each message before it goes out and after Afilnet confirmed it (with its
message id and credits), so a resumed run skips what was sent, reports as unknown what was
sent but never confirmed, and sends only the rest. ``sent + failed + unknown + not_sent ==
total``, always.
"""

from __future__ import annotations

import hashlib
import os
import string
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import anyio
import anyio.lowlevel
import attrs
from anyio.abc import ObjectSendStream

from ..call import Call
from ..errors import (
    AfilnetError,
    AuthenticationError,
    ClientClosedError,
    PermissionDeniedError,
    RateLimitError,
    TokenError,
    ValidationError,
)
from ..models import SendResult
from ..params import encode_arguments
from ..readers import read_result
from ..retry import FailureKind, RetryPolicy
from ..spec import MethodSpec, method
from .journal import Journal, JournalError, JournalRange
from .runner import BulkRun

if TYPE_CHECKING:
    from ..sender import Sender

__all__ = [
    "DEFAULT_SEND_POLICY",
    "BulkSends",
    "EmailBulkSends",
    "MessageOutcome",
    "Messages",
    "SendProgress",
    "SendReport",
    "SmsBulkSends",
]

#: Retries of a message Afilnet refused with a 429 or never received (nothing applied).
DEFAULT_SEND_POLICY = RetryPolicy(max_retries=5)
_CHECKPOINT_EVERY = 256
#: Errors that stop the whole run: the account cannot go on (``NO_CREDITS`` among them).
_STOPPING = (AuthenticationError, PermissionDeniedError, TokenError, ClientClosedError)
Messages = Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]]
Fate = Literal["sent", "failed", "unknown", "not_sent"]


@attrs.frozen
class MessageOutcome:
    """What happened to one message that was not simply sent: its 0-based position, its
    1-based line (when it came from a file), its destination, its fate and why."""

    position: int
    destination: str | None
    fate: Fate
    error: AfilnetError | None = None
    messageid: str | None = None
    line: int | None = None


@attrs.frozen
class SendProgress:
    """Handed to ``on_progress`` after every message."""

    seen: int
    sent: int
    failed: int
    unknown: int
    not_sent: int
    credits: Decimal


@attrs.frozen
class SendReport:
    """The outcome of ``send_bulk``: ``sent + failed + unknown + not_sent == total``, always.

    ``unknown`` messages may have been sent (their answer was lost): check their delivery
    before sending them again. ``credits`` is what the confirmed sends cost (as Afilnet
    said). ``outcomes`` lists every message that was not simply sent, in input order.
    """

    total: int
    sent: int
    failed: int
    unknown: int
    not_sent: int
    credits: Decimal
    outcomes: tuple[MessageOutcome, ...]
    elapsed: float
    requests: int
    retries: int
    rate_limited: int
    resumed: int
    peak_concurrency: int
    stopped_by: AfilnetError | None = None
    dry_run: bool = False

    def summary(self) -> Mapping[str, Any]:
        """The counters as a plain mapping (for logs and JSON)."""
        return {
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "unknown": self.unknown,
            "not_sent": self.not_sent,
            "credits": str(self.credits),
            "dry_run": self.dry_run,
            "elapsed_s": round(self.elapsed, 3),
            "requests": self.requests,
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "resumed": self.resumed,
            "peak_concurrency": self.peak_concurrency,
            "stopped_by": str(self.stopped_by) if self.stopped_by else None,
        }


@attrs.frozen
class _Message:
    """One message ready to go: its place in the input, its wire parameters, their digest."""

    start: int
    params: Mapping[str, str] = attrs.field(repr=False)
    destination: str | None
    line: int | None = None
    fingerprint: str = attrs.field(init=False)

    @fingerprint.default
    def _digest(self) -> str:
        text = "\x1f".join(f"{k}\x1e{v}" for k, v in sorted(self.params.items()))
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()

    @property
    def end(self) -> int:
        """The input range the journal records: this one message."""
        return self.start + 1


class _Template:
    """``text="Hola {name}"``: a message's text filled from its row's fields."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]

    def fill(self, row: Mapping[str, Any]) -> str:
        missing = [name for name in self.fields if row.get(name) in (None, "")]
        if missing:
            raise ValidationError(f"the text needs {', '.join(missing)}, which the row lacks")
        try:
            return self.text.format_map({name: row[name] for name in self.fields})
        except (ValueError, IndexError, KeyError, AttributeError) as error:
            raise ValidationError(f"the text is not a template this row fills: {error}") from None


class _Sends(BulkRun[_Message]):
    """The state of one bulk send."""

    def __init__(
        self,
        sender: Sender,
        spec: MethodSpec,
        *,
        concurrency: int,
        max_per_second: float | None,
        journal: Journal | None,
        policy: RetryPolicy,
        on_progress: Callable[[SendProgress], None] | None,
        dry_run: bool,
    ) -> None:
        super().__init__(
            sender,
            concurrency=concurrency,
            max_per_second=max_per_second,
            journal=journal,
            policy=policy,
        )
        self.spec = spec
        self.on_progress = on_progress
        self.dry_run = dry_run
        self.outcomes: list[MessageOutcome] = []
        self.sent = self.failed = self.unknown = self.not_sent = self.resumed = self.seen = 0
        self.credits = Decimal(0)

    # -- outcomes ---------------------------------------------------------------------------

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(
                SendProgress(
                    self.seen, self.sent, self.failed, self.unknown, self.not_sent, self.credits
                )
            )

    def _settle(self, message: _Message, fate: Fate, error: AfilnetError | None = None,
                messageid: str | None = None) -> None:  # fmt: skip
        """Count ``message`` with its fate; keep the outcome unless it was simply sent."""
        if fate == "sent":
            self.sent += 1
        else:
            setattr(self, fate, getattr(self, fate) + 1)
            self.outcomes.append(
                MessageOutcome(
                    message.start, message.destination, fate, error, messageid, message.line
                )
            )
        self._progress()

    # -- delivering one message ---------------------------------------------------------------

    async def deliver(self, message: _Message) -> None:
        """Send ``message`` once, judge the answer, act (see the module doc)."""
        if self.dry_run:
            self._settle(message, "sent")
            return
        attempts = 0
        budget = max(1, 2 * self.policy.max_retries)  # sends of this message, 429s included
        while True:
            if self.aborted is not None:
                self._settle(message, "not_sent", self.aborted)
                return
            outcome = await self._send(message)
            attempts += 1
            if isinstance(outcome, SendResult):
                await self._confirm(message, outcome)
                return
            error = outcome
            kind = self.policy.kind(error)
            if kind is FailureKind.AMBIGUOUS:  # it may have gone out: never again
                self._settle(message, "unknown", error)
                return
            if kind is FailureKind.FINAL:
                await self.record("released", message)  # it certainly did not go out
                if isinstance(error, (*_STOPPING, RateLimitError)) or _no_credits(error):
                    self.abort(error)
                self._settle(message, "failed", error)
                return
            # nothing was applied: a 429 (the runner paused every sender) or no connection
            if attempts >= budget or (isinstance(error, RateLimitError) and self.stalled()):
                await self.record("released", message)
                if isinstance(error, RateLimitError):
                    self.abort(error)
                self._settle(message, "failed", error)
                return
            self.retries += 1
            if not isinstance(error, RateLimitError):
                await self.policy.sleep(self.policy.delay(attempts - 1, error))

    async def _send(self, message: _Message) -> SendResult | AfilnetError:
        """One attempt; the send's result, or the error it ended in (journaled before)."""
        call = Call(self.spec.api_class, self.spec.api_method, dict(message.params))

        async def record_sent() -> None:
            await self.record("sent", message)

        try:
            result = await self.send(call, before=record_sent)
        except AfilnetError as error:
            return error
        try:
            read: SendResult = read_result(self.spec.result, result, self.spec.qualname)
        except AfilnetError:  # accepted all the same: the details are unknown
            return SendResult(None, None, raw=result)
        return read

    async def _confirm(self, message: _Message, result: SendResult) -> None:
        details: dict[str, Any] = {}
        if result.messageids:
            details["messageid"] = ",".join(result.messageids)
        if result.credits is not None:
            details["credits"] = str(result.credits)
            self.credits += result.credits
        await self.record("confirmed", message, **details)
        self._settle(message, "sent", messageid=details.get("messageid"))

    # -- the input --------------------------------------------------------------------------

    async def produce(
        self,
        messages: Messages,
        prepare: Callable[[int, Mapping[str, Any]], _Message],
        out: ObjectSendStream[_Message],
    ) -> None:
        """Prepare each message (refusing bad ones), leave out what an earlier run settled,
        and stream the rest into ``out``."""
        done = iter(self.journal.ranges if self.journal else ())
        next_done = next(done, None)
        async with out:
            position = 0
            async for row in _each(messages):
                while next_done is not None and next_done.start < position:
                    next_done = next(done, None)
                earlier = None
                if next_done is not None and next_done.start == position:
                    earlier, next_done = next_done, next(done, None)
                await self._take(position, row, prepare, earlier, out)
                position += 1
                self.seen = position
                if position % _CHECKPOINT_EVERY == 0:
                    await anyio.lowlevel.checkpoint()
            if next_done is not None:
                raise JournalError(
                    f"the journal records message {next_done.start + 1}, but the input has "
                    f"only {position}: it belongs to another input",
                    rows=(next_done.start, next_done.end),
                )

    async def _take(
        self,
        position: int,
        row: Mapping[str, Any],
        prepare: Callable[[int, Mapping[str, Any]], _Message],
        earlier: JournalRange | None,
        out: ObjectSendStream[_Message],
    ) -> None:
        line = getattr(row, "line", None)
        try:
            message = prepare(position, row)
        except ValidationError as error:
            self._settle(_Message(position, {}, _destination(row), line), "failed", error)
            return
        if earlier is not None:
            if earlier.fingerprint != message.fingerprint:
                raise JournalError(
                    f"message {position + 1} differs from the journal's record: the journal "
                    "belongs to another input",
                    rows=(position, position + 1),
                )
            self.resumed += 1
            if earlier.state == "confirmed":
                self.credits += Decimal(str(earlier.details.get("credits", "0")))
                self._settle(message, "sent")
            else:  # sent by the earlier run, never confirmed: it may have gone out
                self._settle(message, "unknown", None, earlier.details.get("messageid"))
            return
        await out.send(message)


async def _each(messages: Messages) -> AsyncIterator[Any]:
    """The rows of an iterable or async iterable, as an async iterator."""
    if isinstance(messages, AsyncIterable):
        async for row in messages:
            yield row
    else:
        for row in messages:
            yield row


def _no_credits(error: AfilnetError) -> bool:
    return getattr(error, "code", None) == "NO_CREDITS"


def _destination(row: Any) -> str | None:
    if not isinstance(row, Mapping):
        return None
    for key in ("to", "mobile", "email", "destination"):
        value = row.get(key)
        if value not in (None, ""):
            return str(value)
    return None


class BulkSends:
    """Adds :meth:`send_bulk` to a messaging namespace; subclasses name the method it uses.

    ``_TO_FIELDS`` are the row keys a destination may come under (``to`` first, then the
    contact column of a group of that channel); ``_TEXT_PARAM`` is the method's text.
    """

    __slots__ = ()
    _sender: Sender
    _QUALNAME: ClassVar[str]
    _TO_FIELDS: ClassVar[tuple[str, ...]]
    _TEXT_PARAM: ClassVar[str]

    def _preparer(
        self, spec: MethodSpec, text: str | None, common: Mapping[str, Any], country: str | None
    ) -> Callable[[int, Mapping[str, Any]], _Message]:
        template = _Template(text) if text is not None else None
        wire_of = {p.python_name: p.name for p in spec.params} | {
            p.name: p.name for p in spec.params
        }

        # A row's contact column (``email`` of an e-mail group) is its destination, never the
        # parameter of the same name (Afilnet calls an e-mail's body ``email``).
        contact_columns = frozenset(self._TO_FIELDS[1:])

        def prepare(position: int, row: Mapping[str, Any]) -> _Message:
            if not isinstance(row, Mapping):
                raise ValidationError(
                    f"message {position + 1} is a {type(row).__name__}, not a mapping"
                )
            problem = getattr(row, "problem", None)  # read_contacts: a line of the wrong width
            if problem:
                raise ValidationError(f"message {position + 1}: {problem}")
            arguments = {wire_of[k]: v for k, v in common.items() if k in wire_of}
            arguments |= {
                wire_of[k]: v
                for k, v in row.items()
                if k in wire_of and v is not None and k not in contact_columns
            }
            if "to" not in arguments:
                found = next(
                    (row[k] for k in self._TO_FIELDS if row.get(k) not in (None, "")), None
                )
                if found is not None:
                    arguments["to"] = found
            if template is not None:
                arguments[self._TEXT_PARAM] = template.fill(row)
            elif self._TEXT_PARAM not in arguments and row.get("text") not in (None, ""):
                arguments[self._TEXT_PARAM] = row["text"]
            if arguments.get(self._TEXT_PARAM) in (None, ""):
                raise ValidationError(
                    f"message {position + 1}: no text (give text=..., or the row a 'text' column)"
                )
            try:
                params = encode_arguments(spec, arguments, default_country=country)
            except ValidationError as error:
                raise ValidationError(f"message {position + 1}: {error}") from None
            return _Message(position, params, params["to"], getattr(row, "line", None))

        return prepare

    async def send_bulk(
        self,
        messages: Messages,
        *,
        text: str | None = None,
        concurrency: int = 8,
        journal: str | os.PathLike[str] | None = None,
        max_per_second: float | None = None,
        on_progress: Callable[[SendProgress], None] | None = None,
        retry_policy: RetryPolicy | None = None,
        default_country: str | None = None,
        dry_run: bool = False,
        **common: Any,
    ) -> SendReport:
        """Send one personalised message per row of ``messages`` (any iterable or async
        iterable of dicts: ``read_contacts(path)`` works), never one twice.

        A row gives the destination (``to``, or the channel's contact column: ``mobile`` /
        ``email``, which is always the address, never the e-mail's body), its text (a ``text``
        column, or the method's own: ``sms``) and any other parameter under Afilnet's names
        (``subject``, ``from``...); ``text="Hola {name}"`` fills every message's text from its
        row's fields instead; keywords (``from_="Shop"``, ``subject="News"``) apply to every
        row.
        At most ``concurrency`` sends are in flight, fewer while Afilnet answers 429;
        ``max_per_second`` caps the rate. ``journal`` names a file that records each message
        before it is sent and after it is confirmed: a re-run with the same journal and input
        sends only what was never sent, and reports as unknown what was sent but never
        confirmed. ``dry_run`` checks every message and sends none. See :class:`SendReport`.
        """
        if concurrency < 1:
            raise ValidationError("concurrency must be at least 1")
        if max_per_second is not None and max_per_second <= 0:
            raise ValidationError("max_per_second must be positive")
        sender = self._sender
        pool = sender.pool_size
        if pool is not None and concurrency > pool:
            raise ValidationError(
                f"concurrency {concurrency} exceeds the client's connection pool ({pool}); "
                "raise AfilnetClient(max_connections=...)"
            )
        spec = method(self._QUALNAME)
        unknown = sorted(
            set(common) - {p.python_name for p in spec.params} - {p.name for p in spec.params}
        )
        if unknown:
            raise ValidationError(f"{spec.qualname} has no parameter {', '.join(unknown)}")
        prepare = self._preparer(spec, text, common, default_country or sender.default_country)
        started = time.perf_counter()
        opened = None
        if journal and not dry_run:
            opened = Journal(journal, {"kind": "send", "method": spec.qualname})
        state = _Sends(
            sender,
            spec,
            concurrency=concurrency,
            max_per_second=max_per_second,
            journal=opened,
            policy=retry_policy or DEFAULT_SEND_POLICY,
            on_progress=on_progress,
            dry_run=dry_run,
        )
        try:
            await state.run(lambda out: state.produce(messages, prepare, out), state.deliver)
        except JournalError as error:
            if error.path is None and opened is not None:
                error.path = opened.path
            raise
        finally:
            if opened is not None:
                opened.close()
        return SendReport(
            total=state.seen,
            sent=state.sent,
            failed=state.failed,
            unknown=state.unknown,
            not_sent=state.not_sent,
            credits=state.credits,
            outcomes=tuple(sorted(state.outcomes, key=lambda o: o.position)),
            elapsed=time.perf_counter() - started,
            requests=state.requests,
            retries=state.retries,
            rate_limited=state.rate_limited,
            resumed=state.resumed,
            peak_concurrency=state.limiter.peak,
            stopped_by=state.aborted,
            dry_run=dry_run,
        )


class SmsBulkSends(BulkSends):
    """``client.sms.send_bulk``: one ``sms.sendsms`` per row."""

    __slots__ = ()
    _QUALNAME = "sms.sendsms"
    _TO_FIELDS = ("to", "mobile")
    _TEXT_PARAM = "sms"


class EmailBulkSends(BulkSends):
    """``client.email.send_bulk``: one ``email.sendemail`` per row."""

    __slots__ = ()
    _QUALNAME = "email.sendemail"
    _TO_FIELDS = ("to", "email")
    _TEXT_PARAM = "email"
