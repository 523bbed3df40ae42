"""Bulk contact import: ``addcontactlist`` chunks under bounded, adaptive concurrency.

``client.group.import_contacts`` streams the input through a :class:`Chunker` into a
:class:`BulkRun`. Each chunk is sent once at a time, and every failure is judged by the retry
policy, then acted on:

- nothing applied (a 429, a refused connection): wait as the policy says (a 429 pauses the
  whole import and narrows it) and send again;
- ambiguous (a timeout after sending, a lost connection, a 5xx, an unreadable answer): the
  chunk may have been applied; with ``reconcile`` the group is read back and only the
  missing rows are sent again;
- final: the chunk's rows fail with the error; bad credentials (an Afilnet code or a bare
  401/403), a refused token, a Retry-After beyond the policy's patience, or a server that
  refuses everything for longer than that stop the import (the rows left fail with it);
- a request too large for one GET: split in two (a single row that is too large fails).

Every row ends up imported or in ``failures``; ``journal`` makes the work resumable.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
from anyio.abc import ObjectSendStream

from ..call import Call
from ..errors import (
    AfilnetError,
    AuthenticationError,
    ClientClosedError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    TokenError,
    ValidationError,
)
from ..retry import FailureKind, RetryPolicy
from .chunking import Chunk, Chunker
from .journal import Journal, JournalError
from .report import FailedRow, ImportFailure, ImportProgress, ImportReport
from .rows import MainField, RowChecker, where
from .runner import BulkRun
from .seen import SeenValues

if TYPE_CHECKING:
    from ..models import Contact, GroupColumns
    from ..sender import Sender

__all__ = ["DEFAULT_CHUNK_SIZE", "DEFAULT_RETRY_POLICY", "ContactImports", "MainField", "Rows"]

logger = logging.getLogger("afilnet_async")

#: Retries of one chunk after an ambiguous failure; with 429s, at most twice as many sends.
DEFAULT_RETRY_POLICY = RetryPolicy(max_retries=5)
#: Rows per ``addcontactlist`` call when the caller does not choose.
DEFAULT_CHUNK_SIZE = 200
_CHECKPOINT_EVERY = 1024
Rows = Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]]
#: Rows looked at, at most, to tell the main field when the group's answer does not say.
_PEEK = 100
#: Errors that stop the whole import: the account cannot go on.
_STOPPING = (
    AuthenticationError,
    PermissionDeniedError,
    TokenError,
    ClientClosedError,
    RateLimitError,
)


def _main_field_from(columns: GroupColumns) -> MainField | None:
    names = set(columns.columns)
    if ("mobile" in names) != ("email" in names):
        return "mobile" if "mobile" in names else "email"
    if columns.group_type in ("mobile", "email"):
        return "mobile" if columns.group_type == "mobile" else "email"
    return None


class _Import(BulkRun[Chunk]):
    """The state of one import run."""

    def __init__(
        self,
        sender: Sender,
        group: ContactImports,
        idgroup: int,
        main_field: MainField,
        *,
        concurrency: int,
        max_per_second: float | None,
        journal: Journal | None,
        on_progress: Callable[[ImportProgress], None] | None,
        reconcile: bool,
        policy: RetryPolicy,
        dry_run: bool = False,
    ) -> None:
        super().__init__(
            sender,
            concurrency=concurrency,
            max_per_second=max_per_second,
            journal=journal,
            policy=policy,
        )
        self.group, self.idgroup, self.main_field = group, idgroup, main_field
        self.on_progress = on_progress
        self.reconcile = reconcile
        self.dry_run = dry_run
        self.failures: list[ImportFailure] = []
        self.imported = self.failed = self.reconciled = 0
        self.seen = self.resumed = self.skipped = 0
        self._snapshot: set[str] = set()
        self._snapshot_at = -1.0
        self._snapshot_lock = anyio.Lock()

    # -- outcomes ---------------------------------------------------------------------------

    def _progress(self) -> None:
        if self.on_progress is not None:
            imported = self.imported + self.resumed  # counted as the report counts them
            self.on_progress(
                ImportProgress(self.seen, imported, self.failed, self.requests, self.skipped)
            )

    def fail_rows(self, error: AfilnetError, rows: tuple[FailedRow, ...]) -> None:
        """Report ``rows`` failed with ``error``."""
        if rows:
            self.failures.append(ImportFailure(error, rows))
            self.failed += len(rows)

    async def _finish_ok(self, chunk: Chunk, sent: Chunk) -> None:
        """Every row of ``chunk`` is in the group: ``sent`` by this run, the rest found there."""
        await self.record("confirmed", chunk)
        self.imported += len(chunk.rows)
        self.reconciled += len(chunk.rows) - len(sent.rows)
        self._progress()

    def _finish_failed(self, chunk: Chunk, unsent: Chunk, error: AfilnetError) -> None:
        """``unsent`` failed with ``error``; the rest of ``chunk`` was found in the group."""
        present = len(chunk.rows) - len(unsent.rows)
        self.imported += present
        self.reconciled += present
        self.fail_rows(error, tuple(FailedRow(r.position, r.values, r.line) for r in unsent.rows))
        self._progress()

    # -- delivering one chunk ---------------------------------------------------------------

    async def deliver(self, chunk: Chunk) -> None:
        """Get ``chunk`` into the group, or into ``failures``: send, judge, act."""
        if self.dry_run:  # everything but the sending
            self.imported += len(chunk.rows)
            self._progress()
            return
        ambiguous, to_send = chunk.ambiguous, chunk
        sends = failures = 0
        budget = max(1, 2 * self.policy.max_retries)  # sends of this chunk, 429s included
        while True:
            if self.aborted is not None:
                self._finish_failed(chunk, to_send, self.aborted)
                return
            if ambiguous and self.reconcile:
                try:
                    to_send = await self._missing(to_send, since=anyio.current_time())
                except AfilnetError as unreadable:  # a read: retried when the policy allows
                    decision = self.policy.decide(unreadable, failures, idempotent=True)
                    if not decision.retry:
                        self._finish_failed(chunk, to_send, unreadable)
                        return
                    failures += 1
                    self.retries += 1
                    await self.policy.sleep(decision.wait)
                    continue
                if not to_send.rows:
                    await self._finish_ok(chunk, to_send)
                    return
            error = await self._send(chunk, to_send)
            sends += 1
            if error is None:
                await self._finish_ok(chunk, to_send)
                return
            if isinstance(error, RequestTooLargeError):  # nothing was sent: cut it in two
                await self._split(to_send, error)
                return
            kind = self.policy.kind(error)
            if kind is FailureKind.FINAL:
                if isinstance(error, _STOPPING):
                    self.abort(error)
                await self._give_up(chunk, to_send, error, ambiguous)
                return
            if isinstance(error, RateLimitError):  # the runner paused every sender already
                if self.stalled():
                    self.abort(error)
                    await self._give_up(chunk, to_send, error, ambiguous)
                    return
            else:
                ambiguous = ambiguous or kind is FailureKind.AMBIGUOUS
                if failures >= self.policy.max_retries:
                    await self._give_up(chunk, to_send, error, ambiguous)
                    return
                await self.policy.sleep(self.policy.delay(failures, error))
                failures += 1
            if sends >= budget:
                await self._give_up(chunk, to_send, error, ambiguous)
                return
            self.retries += 1

    async def _give_up(
        self, chunk: Chunk, to_send: Chunk, error: AfilnetError, ambiguous: bool
    ) -> None:
        """Report ``to_send`` failed, less what a last read-back finds in the group (an
        earlier answer that was lost may have applied them: they are imported, not failed)."""
        if ambiguous and self.reconcile and not isinstance(error, _STOPPING):
            with contextlib.suppress(AfilnetError):  # unreadable: they stay failed
                to_send = await self._missing(to_send, since=anyio.current_time())
            if not to_send.rows:
                await self._finish_ok(chunk, to_send)
                return
        self._finish_failed(chunk, to_send, error)

    async def _send(self, chunk: Chunk, to_send: Chunk) -> AfilnetError | None:
        """One attempt with ``to_send``'s rows; ``None`` when Afilnet confirmed it."""
        call = Call(
            "group",
            "addcontactlist",
            {"idgroup": str(self.idgroup), "contacts": to_send.contacts},
        )

        async def record_sent() -> None:
            await self.record("sent", chunk)

        try:
            await self.send(call, before=record_sent)
        except AfilnetError as error:
            return error
        return None

    async def _split(self, chunk: Chunk, error: RequestTooLargeError) -> None:
        if len(chunk.rows) < 2:
            self._finish_failed(chunk, chunk, error)
            return
        for half in chunk.split():
            await self.deliver(half)

    async def _missing(self, chunk: Chunk, since: float) -> Chunk:
        """``chunk`` less the rows whose main value the group already holds."""
        async with self._snapshot_lock:
            if self._snapshot_at < since:
                contacts: list[Contact] = await self.group.get_contacts(idgroup=self.idgroup)
                main = self.main_field
                self._snapshot = {c.fields[main] for c in contacts if main in c.fields}
                self._snapshot_at = anyio.current_time()
        rows = tuple(r for r in chunk.rows if r.main not in self._snapshot)
        return chunk if len(rows) == len(chunk.rows) else chunk.subset(rows)

    # -- the input --------------------------------------------------------------------------

    async def produce(self, rows: Rows, chunker: Chunker, out: ObjectSendStream[Chunk]) -> None:
        """Stream ``rows`` through ``chunker`` into ``out``."""
        async with out:
            if isinstance(rows, AsyncIterable):
                async for row in rows:
                    chunker.add(row)
                    await self._drain(chunker, out)
            else:
                for row in rows:
                    chunker.add(row)
                    if chunker.ready or chunker.invalid or chunker.too_large:
                        await self._drain(chunker, out)
                    elif chunker.total % _CHECKPOINT_EVERY == 0:
                        await anyio.lowlevel.checkpoint()
            chunker.finish()
            await self._drain(chunker, out)

    async def _drain(self, chunker: Chunker, out: ObjectSendStream[Chunk]) -> None:
        self.seen = chunker.total
        if (chunker.resumed, chunker.skipped) != (self.resumed, self.skipped):
            self.resumed, self.skipped = chunker.resumed, chunker.skipped
            self._progress()  # rows an earlier run confirmed, or the group already had
        for invalid in chunker.invalid:
            failed = FailedRow(invalid.position, invalid.row, invalid.line)
            self.fail_rows(ValidationError(invalid.why), (failed,))
        for encoded in chunker.too_large:
            place = where(encoded.position, encoded.line)
            error = RequestTooLargeError(f"{place}: the row alone exceeds the GET size limit")
            self.fail_rows(error, (FailedRow(encoded.position, encoded.values, encoded.line),))
        chunker.invalid.clear()
        chunker.too_large.clear()
        ready, chunker.ready = chunker.ready, []
        for chunk in ready:
            await out.send(chunk)


def _check_arguments(
    idgroup: Any, concurrency: int, chunk_size: int, max_per_second: float | None
) -> None:
    if isinstance(idgroup, bool) or not isinstance(idgroup, int) or idgroup <= 0:
        raise ValidationError(f"idgroup: expected a positive int, got {idgroup!r}")
    if concurrency < 1:
        raise ValidationError("concurrency must be at least 1")
    if chunk_size < 1:
        raise ValidationError("chunk_size must be at least 1")
    if max_per_second is not None and max_per_second <= 0:
        raise ValidationError("max_per_second must be positive")


def _payload_budget(sender: Sender, idgroup: int) -> int | None:
    """URL characters left for ``contacts`` under a size-limited strategy (QueryAuth)."""
    return sender.payload_budget(
        Call("group", "addcontactlist", {"idgroup": str(idgroup), "contacts": ""})
    )


def _main_field_of_row(row: Any) -> MainField | None:
    """``mobile`` or ``email`` when the row has exactly one of them (any spelling of the key)."""
    if not isinstance(row, Mapping):
        return None
    keys = {str(k).lstrip("\ufeff").strip().lower() for k in row}
    if ("mobile" in keys) != ("email" in keys):
        return "mobile" if "mobile" in keys else "email"
    return None


async def _peek(rows: Rows) -> tuple[list[Mapping[str, Any]], Rows]:
    """The first rows (at most ``_PEEK``), and an input that still yields every row."""
    head: list[Mapping[str, Any]] = []
    if isinstance(rows, AsyncIterable):
        iterator = aiter(rows)
        async for row in iterator:
            head.append(row)
            if len(head) >= _PEEK:
                break

        async def rest() -> AsyncIterator[Mapping[str, Any]]:
            for row in head:
                yield row
            async for row in iterator:
                yield row

        return head, rest()
    sync_iterator = iter(rows)
    head = list(itertools.islice(sync_iterator, _PEEK))
    return head, itertools.chain(head, sync_iterator)


class ContactImports:
    """Adds :meth:`import_contacts` to the ``group`` namespace (see the module doc)."""

    __slots__ = ()
    _sender: Sender

    if TYPE_CHECKING:  # provided by the generated namespace this class is mixed into

        async def get_group_columns(self, *, idgroup: int) -> GroupColumns: ...
        async def get_contacts(self, *, idgroup: int) -> list[Contact]: ...

    async def _main_field(
        self, idgroup: int, rows: Rows, warnings: list[str]
    ) -> tuple[MainField, GroupColumns, Rows]:
        """The group's main field: from its columns, else its type, else the rows (a warning).

        Only when none of them can tell, a ValidationError (before anything is sent).
        """
        columns = await self.get_group_columns(idgroup=idgroup)
        main = _main_field_from(columns)
        if main is not None:
            return main, columns, rows
        head, rows = await _peek(rows)
        guesses = {guess for guess in map(_main_field_of_row, head) if guess is not None}
        if len(guesses) == 1:
            (main,) = guesses
            warnings.append(
                f"the answer to getgroupcolumns does not show group {idgroup}'s main field; "
                f"{main!r} was taken from the rows (pass main_field= to say it)"
            )
            return main, columns, rows
        raise ValidationError(
            f"cannot tell the main field of group {idgroup} from its columns or from the rows; "
            "pass main_field='mobile' or main_field='email'"
        )

    async def _existing(self, idgroup: int, main: MainField, country: str | None) -> SeenValues:
        """The main values the group holds now (as stored, and normalised as rows are)."""
        present = SeenValues()
        checker = RowChecker(main, country)
        for number, contact in enumerate(await self.get_contacts(idgroup=idgroup)):
            value = contact.fields.get(main, "")
            if value:
                present.add(value, number)
                with contextlib.suppress(ValueError):
                    present.add(checker.check(number, {main: value}).main, number)
        return present

    async def import_contacts(
        self,
        idgroup: int,
        contacts: Rows,
        *,
        concurrency: int = 8,
        chunk_size: int | None = None,
        journal: str | os.PathLike[str] | None = None,
        max_per_second: float | None = None,
        on_progress: Callable[[ImportProgress], None] | None = None,
        main_field: MainField | None = None,
        reconcile: bool = True,
        retry_policy: RetryPolicy | None = None,
        default_country: str | None = None,
        skip_existing: bool = False,
        dry_run: bool = False,
        check_duplicates: bool = True,
    ) -> ImportReport:
        """Import any number of contacts into a group with ``addcontactlist`` chunks.

        ``contacts`` is any iterable or async iterable of dicts (``read_contacts(path)`` or a
        generator over millions of rows: nothing is materialised). At most ``concurrency``
        chunks are in flight, fewer while Afilnet answers 429; ``max_per_second`` caps the
        request rate. ``chunk_size`` defaults to 200 rows (under QueryAuth chunks are also cut
        to fit the GET limit).

        Rows are checked first: the main field (``main_field``, by default read from the
        group, or guessed from the rows with a warning) must hold a usable value, normalised
        as Afilnet wants it (``default_country``, else the client's, gives national mobile
        numbers their country code); a value an earlier row had is a duplicate. Such rows are
        reported failed, with their line, and not sent. Remembering every value costs about
        35 bytes a row; ``check_duplicates=False`` keeps memory flat instead, for inputs known
        to hold each contact once. With ``skip_existing`` the group's
        contacts are read once and rows it already has are skipped (counted in ``skipped``).
        ``dry_run`` does everything but the sending.

        A chunk whose answer was lost is reconciled (the group is read back and only missing
        rows are re-sent) unless ``reconcile=False``. ``journal`` names a file that records
        confirmed chunks: re-running with the same journal and input sends only what is left.
        ``retry_policy`` judges failures and bounds the sends of one chunk (default: 5
        retries, at most 10 sends). Every row ends up in the report's ``imported``,
        ``failed`` or ``skipped``.
        """
        sender = self._sender
        size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
        _check_arguments(idgroup, concurrency, size, max_per_second)
        pool = sender.pool_size
        if pool is not None and concurrency > pool:
            raise ValidationError(
                f"concurrency {concurrency} exceeds the client's connection pool "
                f"({pool}); raise AfilnetClient(max_connections=...)"
            )
        started = time.perf_counter()
        warnings: list[str] = []
        columns: GroupColumns | None = None
        main = main_field
        if main is None:
            main, columns, contacts = await self._main_field(idgroup, contacts, warnings)
        country = default_country or sender.default_country
        existing = await self._existing(idgroup, main, country) if skip_existing else None
        opened = None
        if journal and not dry_run:
            opened = Journal(journal, {"kind": "import", "idgroup": idgroup})
        checker = RowChecker(main, country)
        try:
            state = _Import(
                sender,
                self,
                idgroup,
                main,
                concurrency=concurrency,
                max_per_second=max_per_second,
                journal=opened,
                on_progress=on_progress,
                reconcile=reconcile,
                policy=retry_policy or DEFAULT_RETRY_POLICY,
                dry_run=dry_run,
            )
            chunker = Chunker(
                checker,
                size,
                _payload_budget(sender, idgroup),
                opened.ranges if opened else None,
                existing,
                check_duplicates,
            )
            await state.run(lambda out: state.produce(contacts, chunker, out), state.deliver)
        except JournalError as error:
            if error.path is None and opened is not None:
                error.path = opened.path
            raise
        finally:
            if opened is not None:
                opened.close()
        warnings += checker.warnings
        warnings += _unknown_columns(columns, chunker.field_names)
        for warning in warnings:
            logger.warning("import into group %s: %s", idgroup, warning)
        return ImportReport(
            total=chunker.total,
            imported=state.imported + chunker.resumed,
            failed=state.failed,
            failures=tuple(state.failures),
            elapsed=time.perf_counter() - started,
            requests=state.requests,
            retries=state.retries,
            rate_limited=state.rate_limited,
            reconciled=state.reconciled,
            resumed=chunker.resumed,
            peak_concurrency=state.limiter.peak,
            skipped=chunker.skipped,
            warnings=tuple(warnings),
            dry_run=dry_run,
        )


def _unknown_columns(columns: GroupColumns | None, names: set[str]) -> list[str]:
    """A warning naming the rows' fields the group has no column for (Afilnet drops them)."""
    if columns is None or not columns.columns:
        return []
    unknown = sorted(names - set(columns.columns))
    if not unknown:
        return []
    listed = ", ".join(repr(name) for name in unknown[:10])
    return [f"the group has no column for {listed}: Afilnet will not store those values"]
