"""Bulk contact import: ``addcontactlist`` chunks under bounded, adaptive concurrency.

One producer streams the input through a :class:`Chunker`; ``concurrency`` workers take chunks
from a bounded channel, so memory stays flat in the number of rows and no task is created per
row. Each worker sends its chunk once at a time and decides on retries itself:

- 429: not applied; the whole import pauses and narrows (:class:`AdaptiveLimiter`), then retries;
- transport errors, 5xx and unreadable answers: *ambiguous* (the chunk may have been applied);
  with ``reconcile`` the group is read back and only the missing rows are sent again;
- an Afilnet error code: final for the chunk (authentication and permission errors stop the
  import; the rows left are reported failed with the same error);
- a request too large for one GET: split in two (a single row that is too large fails).

Every row ends up imported or in ``failures``; ``journal`` makes the work resumable.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import anyio
import anyio.lowlevel
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from ..auth.base import SizeLimitedAuth
from ..call import Call
from ..errors import (
    AfilnetAPIError,
    AfilnetError,
    AuthenticationError,
    ClientClosedError,
    MalformedResponseError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    ValidationError,
)
from ..retry import RetryPolicy, is_retryable
from .chunker import Chunker
from .chunks import Chunk
from .journal import Journal
from .limiter import AdaptiveLimiter, RateLimiter
from .report import FailedRow, ImportFailure, ImportProgress, ImportReport
from .rows import CheckedRow

if TYPE_CHECKING:
    from ..client import AfilnetClient
    from ..namespace import Namespace

__all__ = ["DEFAULT_CHUNK_SIZE", "import_contacts"]

#: Retries of one chunk after a transport error, 5xx or unreadable answer (429s are waited out).
DEFAULT_RETRY_POLICY = RetryPolicy(max_retries=5)
#: Rows per ``addcontactlist`` call when the caller does not choose.
DEFAULT_CHUNK_SIZE = 200
_CHECKPOINT_EVERY = 1024
#: A chunk may wait out this many 429s per allowed retry before it is reported failed.
_RATE_LIMIT_PATIENCE = 10
MainField = Literal["mobile", "email"]
Rows = Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]]


async def _infer_main_field(client: AfilnetClient, idgroup: int) -> MainField:
    columns = await client.group.get_group_columns(idgroup=idgroup)
    names = set(columns) if isinstance(columns, list) else set()
    if ("mobile" in names) != ("email" in names):
        return "mobile" if "mobile" in names else "email"
    raise ValidationError(
        f"cannot tell the main field of group {idgroup} from its columns; "
        "pass main_field='mobile' or main_field='email'"
    )


def _payload_budget(client: AfilnetClient, idgroup: int) -> int | None:
    """URL characters left for ``contacts`` under a size-limited strategy (QueryAuth)."""
    auth = client.auth
    if not isinstance(auth, SizeLimitedAuth):
        return None
    empty = Call("group", "addcontactlist", {"idgroup": str(idgroup), "contacts": ""})
    return auth.max_url_length - len(str(auth.build_request(empty, client.base_url).url))


class _Import:
    """The state of one import run."""

    def __init__(
        self,
        client: AfilnetClient,
        idgroup: int,
        main_field: MainField,
        *,
        concurrency: int,
        max_per_second: float | None,
        journal: Journal | None,
        on_progress: Callable[[ImportProgress], None] | None,
        reconcile: bool,
        retry_policy: RetryPolicy | None,
    ) -> None:
        self.client, self.idgroup, self.main_field = client, idgroup, main_field
        self.limiter = AdaptiveLimiter(concurrency)
        self.rate = RateLimiter(max_per_second)
        self.journal = journal
        self.journal_lock = anyio.Lock()
        self.on_progress = on_progress
        self.reconcile = reconcile
        self.policy = retry_policy or DEFAULT_RETRY_POLICY
        self.failures: list[ImportFailure] = []
        self.imported = self.failed = self.requests = self.retries = 0
        self.rate_limited = self.reconciled = 0
        self.aborted: AfilnetError | None = None
        self.seen = self.resumed = 0
        self._snapshot: set[str] = set()
        self._snapshot_at = -1.0
        self._snapshot_lock = anyio.Lock()

    # -- outcomes ---------------------------------------------------------------------------

    def _progress(self) -> None:
        if self.on_progress is not None:
            imported = self.imported + self.resumed  # counted as the report counts them
            self.on_progress(ImportProgress(self.seen, imported, self.failed, self.requests))

    def fail_rows(self, error: AfilnetError, rows: tuple[FailedRow, ...]) -> None:
        """Report ``rows`` failed with ``error``."""
        if rows:
            self.failures.append(ImportFailure(error, rows))
            self.failed += len(rows)

    async def _journal(self, record: Callable[[Chunk], None], chunk: Chunk) -> None:
        if self.journal is not None:
            async with self.journal_lock:
                await anyio.to_thread.run_sync(record, chunk)

    # -- sending ----------------------------------------------------------------------------

    async def deliver(self, chunk: Chunk) -> None:
        """Get ``chunk`` into the group, or into ``failures``."""
        ambiguous, to_send = chunk.ambiguous, chunk
        failures = waits = 0
        while True:
            if self.aborted is not None:
                self._finish_failed(chunk, to_send, self.aborted)
                return
            if ambiguous and self.reconcile:
                try:
                    to_send = await self._missing(to_send, since=anyio.current_time())
                except AfilnetError as unreadable:  # the read-back may fail too: retry it
                    if not is_retryable(unreadable) or failures >= self.policy.max_retries:
                        self._finish_failed(chunk, to_send, unreadable)
                        return
                    await anyio.sleep(self.policy.delay(failures, unreadable))
                    failures += 1
                    self.retries += 1
                    continue
                if not to_send.rows:
                    await self._finish_ok(chunk, to_send)
                    return
            error = await self._send(chunk, to_send)
            if error is None:
                await self._finish_ok(chunk, to_send)
                return
            if isinstance(error, RequestTooLargeError):
                await self._split(to_send, error)
                return
            if isinstance(error, ValidationError | ClientClosedError):  # nothing was sent
                self._finish_failed(chunk, to_send, error)
                if isinstance(error, ClientClosedError):
                    self.aborted = error
                return
            if isinstance(error, AfilnetAPIError):
                self._finish_failed(chunk, to_send, error)
                if isinstance(error, AuthenticationError | PermissionDeniedError):
                    self.aborted = error
                return
            if isinstance(error, RateLimitError):  # not applied; the limiter paused everyone
                waits += 1
                if waits > self.policy.max_retries * _RATE_LIMIT_PATIENCE:
                    await self._give_up(chunk, to_send, error, ambiguous)
                    return
            else:
                ambiguous = True
                if failures >= self.policy.max_retries:
                    await self._give_up(chunk, to_send, error, ambiguous)
                    return
                await anyio.sleep(self.policy.delay(failures, error))
                failures += 1
            self.retries += 1

    async def _give_up(
        self, chunk: Chunk, to_send: Chunk, error: AfilnetError, ambiguous: bool
    ) -> None:
        """Report ``to_send`` failed, less what a last read-back finds in the group (an
        earlier answer that was lost may have applied them: they are imported, not failed)."""
        if ambiguous and self.reconcile:
            with contextlib.suppress(AfilnetError):  # unreadable: they stay failed
                to_send = await self._missing(to_send, since=anyio.current_time())
            if not to_send.rows:
                await self._finish_ok(chunk, to_send)
                return
        self._finish_failed(chunk, to_send, error)

    async def _finish_ok(self, chunk: Chunk, sent: Chunk) -> None:
        """Every row of ``chunk`` is in the group: ``sent`` by this run, the rest found there."""
        if self.journal is not None:
            await self._journal(self.journal.record_confirmed, chunk)
        self.imported += len(chunk.rows)
        self.reconciled += len(chunk.rows) - len(sent.rows)
        self._progress()

    def _finish_failed(self, chunk: Chunk, unsent: Chunk, error: AfilnetError) -> None:
        """``unsent`` failed with ``error``; the rest of ``chunk`` was found in the group."""
        present = len(chunk.rows) - len(unsent.rows)
        self.imported += present
        self.reconciled += present
        self.fail_rows(error, tuple(FailedRow(r.position, _row_object(r)) for r in unsent.rows))
        self._progress()

    async def _send(self, chunk: Chunk, to_send: Chunk) -> AfilnetError | None:
        """One attempt with ``to_send``'s rows; ``None`` when Afilnet confirmed it."""
        call = Call(
            "group",
            "addcontactlist",
            {"idgroup": str(self.idgroup), "contacts": to_send.contacts},
        )
        await self.rate.wait()
        async with self.limiter.slot():
            if self.journal is not None:
                await self._journal(self.journal.record_sent, chunk)
            self.requests += 1
            try:
                await self.client.send_once(call)
            except RateLimitError as error:
                self.rate_limited += 1
                self.limiter.rate_limited(error.retry_after)
                return error
            except AfilnetError as error:
                return error
        self.limiter.succeeded()
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
                contacts = await self.client.group.get_contacts(idgroup=self.idgroup)
                if not isinstance(contacts, list):
                    raise MalformedResponseError(
                        "getcontacts answered no list of contacts: cannot reconcile"
                    )
                self._snapshot = {
                    str(c.get(self.main_field)) for c in contacts if isinstance(c, Mapping)
                }
                self._snapshot_at = anyio.current_time()
        rows = tuple(r for r in chunk.rows if r.main not in self._snapshot)
        return chunk if len(rows) == len(chunk.rows) else chunk.subset(rows)

    # -- the run ----------------------------------------------------------------------------

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
        if chunker.resumed != self.resumed:  # rows an earlier run confirmed, now skipped
            self.resumed = chunker.resumed
            self._progress()
        for index, row, why in chunker.invalid:
            self.fail_rows(ValidationError(f"row {index}: {why}"), (FailedRow(index, row),))
        for encoded in chunker.too_large:
            error = RequestTooLargeError(f"row {encoded.position} alone exceeds the GET size limit")
            self.fail_rows(error, (FailedRow(encoded.position, _row_object(encoded)),))
        chunker.invalid.clear()
        chunker.too_large.clear()
        ready, chunker.ready = chunker.ready, []
        for chunk in ready:
            await out.send(chunk)

    async def work(self, chunks: ObjectReceiveStream[Chunk]) -> None:
        """A worker: deliver chunks until the channel closes."""
        async with chunks:
            async for chunk in chunks:
                await self.deliver(chunk)


def _row_object(row: CheckedRow) -> Any:
    return row.values


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


async def import_contacts(
    group: Namespace,
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
) -> ImportReport:
    """Import any number of contacts into a group with ``addcontactlist`` chunks.

    ``contacts`` is any iterable or async iterable of dicts (a generator over a CSV of
    millions of rows works: nothing is materialised). At most ``concurrency`` chunks are in
    flight, fewer while Afilnet answers 429; ``max_per_second`` caps the request rate.
    ``chunk_size`` defaults to 200 rows (under QueryAuth chunks are also cut to fit the GET
    limit). Rows without a well-formed main field (``main_field``, by default read from the
    group's columns) are reported, not sent. A chunk whose answer was lost is reconciled
    (the group is read back and only missing rows are re-sent) unless ``reconcile=False``.
    ``journal`` names a file that records confirmed chunks: re-running with the same
    journal and input sends only what is left. ``retry_policy`` bounds the retries of one
    chunk (default: 5, backoff from 0.5 s). Every row ends up counted in the report's
    ``imported`` or ``failed``.
    """
    client = group._client  # bound as ``client.group.import_contacts``
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    _check_arguments(idgroup, concurrency, size, max_per_second)
    if concurrency > client.max_connections:
        raise ValidationError(
            f"concurrency {concurrency} exceeds the client's connection pool "
            f"({client.max_connections}); raise AfilnetClient(max_connections=...)"
        )
    started = time.perf_counter()
    main = main_field or await _infer_main_field(client, idgroup)
    opened = Journal(journal, idgroup) if journal is not None else None
    state = _Import(
        client,
        idgroup,
        main,
        concurrency=concurrency,
        max_per_second=max_per_second,
        journal=opened,
        on_progress=on_progress,
        reconcile=reconcile,
        retry_policy=retry_policy,
    )
    chunker = Chunker(
        main, size, _payload_budget(client, idgroup), opened.ranges if opened else None
    )
    send, receive = anyio.create_memory_object_stream[Chunk](concurrency)
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(state.produce, contacts, chunker, send)
            async with receive:
                for _ in range(concurrency):
                    tasks.start_soon(state.work, receive.clone())
    finally:
        if opened is not None:
            opened.close()
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
    )
