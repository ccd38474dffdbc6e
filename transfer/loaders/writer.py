"""One batch of records, one transaction: KEHA rows, journal and id map commit together.

A batch that fails on a record's data (a constraint, a bad value, a row still in use) is
rolled back and retried record by record, so one bad record fails alone with its message
and the others load. A record whose references point at rows not (yet) in the target is
deferred: the load retries it after the rest. Connection failures stop the load (exit 7);
the open transaction dies with the connection, so no batch is ever half written.

A record that hits a constraint alone is written once more with its unique slots guarded
(:mod:`transfer.loaders.slots`): rows of withdrawn records give their slots up to it, a
live record holding one makes it fail with both records named (or wait for that record,
when this load has still to write it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from transfer.database import describe_failure
from transfer.loaders import idmap
from transfer.loaders.bulk import insert_many
from transfer.loaders.idmap import IdMapEntry, TargetIds
from transfer.loaders.journal import (
    LoadJournal,
    RowInUse,
    delete_row,
    referenced,
    retire_row,
    unpublish_row,
)
from transfer.loaders.media import MediaProblem, MediaStore
from transfer.loaders.rows import (
    ORDER,
    STATEFUL_TABLES,
    UNIQUE_TABLES,
    WITHDRAWN_CHILD_TABLES,
    provenance,
    refs_in,
    row_problem,
    table_of,
)
from transfer.loaders.slots import Records, SlotGuard, SlotTaken
from transfer.loaders.tables import RecordProblem, Work, insert_rows, resolve, upsert_rows
from transfer.schema.bookkeeping import messages
from transfer.stores.mapped import MappedRow, Ref


@dataclass
class BatchResult:
    written: list[Work] = field(default_factory=list)
    failed: list[tuple[Work, str]] = field(default_factory=list)
    deferred: list[tuple[Work, str]] = field(default_factory=list)
    #: Withdrawn records this batch retired by taking over the last of their rows (the
    #: removal pass no longer sees them, so the batch counts them).
    retired: list[IdMapEntry] = field(default_factory=list)


def _record_error(exc: BaseException) -> str | None:
    """The message of an error that belongs to the records, or None for other errors."""
    if isinstance(exc, RowInUse | RecordProblem | SlotTaken):
        return str(exc)
    if isinstance(exc, IntegrityError | DataError):
        return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        return str(exc.orig) if exc.orig is not None else str(exc)
    return None


class BatchWriter:
    """Writes batches of records for one run."""

    def __init__(
        self, engine: Engine, run_id: str, now: datetime, media: MediaStore, records: Records
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.now = now
        self.media = media
        self.records = records

    def write(self, works: list[Work]) -> BatchResult:
        """Apply the works' decisions; returns what was written, failed and deferred."""
        result = BatchResult()
        ready: list[Work] = []
        producers: dict[Ref, Work] = {}
        for work in works:
            problem = self._prepare(work, producers)
            if problem is None:
                ready.append(work)
            else:
                result.failed.append((work, problem))
        self._write_or_split(ready, result)
        if result.failed:
            self.record_failures(result.failed)
        return result

    def _prepare(self, work: Work, producers: dict[Ref, Work]) -> str | None:
        if work.action not in ("create", "update"):
            return None
        if not work.prepared:  # a record deferred in an earlier batch is prepared already
            problem = self._check(work)
            if problem is not None:
                return problem
        for row in work.rows:
            if row.table in UNIQUE_TABLES:
                ref = Ref(row.table, *provenance(row.values))
                other = producers.get(ref)
                if other is not None:
                    return (
                        f"{row.table} row {ref.source_system}:{ref.source_key} is also written "
                        f"by record {other.entry.record_key}"
                    )
                producers[ref] = work
        return None

    def _check(self, work: Work) -> str | None:
        """Read the record's rows, check them and place its media; why it cannot be
        written, or None (its rows are then set on ``work``)."""
        try:
            rows = work.entry.record().rows
        except (ValueError, KeyError, TypeError) as exc:
            return f"the mapped rows cannot be read: {exc}"
        prepared, refs = [], []
        for row in rows:
            found = refs_in(row.values)
            problem = row_problem(row, found)
            if problem is not None:
                return problem
            refs.append(found)
            values = dict(row.values)
            if row.table == "assets":
                try:
                    self.media.place(values)
                except MediaProblem as exc:
                    return str(exc)
            prepared.append(MappedRow(row.table, values))
        work.set_rows(tuple(prepared), tuple(refs))
        return None

    def _write_or_split(
        self, works: list[Work], result: BatchResult, *, guarded: bool = False
    ) -> None:
        if not works:
            return
        try:
            with self.engine.begin() as connection:
                deferred, retired = self._apply(connection, works, guarded=guarded)
        except (DBAPIError, StatementError, RowInUse, RecordProblem, SlotTaken) as exc:
            message = _record_error(exc)
            if message is None:
                assert isinstance(exc, DBAPIError)
                raise describe_failure(self.engine.url, exc) from None
            if len(works) > 1:
                for work in works:
                    self._write_or_split([work], result)
            elif isinstance(exc, IntegrityError) and not guarded:
                # Perhaps a unique slot a withdrawn record's row still holds: look, and
                # write again (only now: a batch without clashes needs no lookups).
                self._write_or_split(works, result, guarded=True)
            elif isinstance(exc, SlotTaken) and exc.retry:
                result.deferred.append((works[0], message))
            else:
                result.failed.append((works[0], message))
            return
        result.deferred.extend(deferred.items())
        result.retired.extend(retired)
        result.written.extend(work for work in works if work not in deferred)

    # the transaction -----------------------------------------------------------------
    def _apply(
        self, connection: Connection, works: list[Work], *, guarded: bool
    ) -> tuple[dict[Work, str], list[IdMapEntry]]:
        log = LoadJournal(self.run_id)
        guard = SlotGuard(connection, log, self.run_id, self.records) if guarded else None
        ids: dict[Ref, int] = {}
        writes = [work for work in works if work.action in ("create", "update")]
        deferred = resolve(connection, writes, ids)
        active = [work for work in works if work not in deferred]
        targets: dict[Work, list[tuple[str, int]]] = defaultdict(list)
        by_table: dict[str, list[tuple[Work, MappedRow]]] = defaultdict(list)
        for work in active:
            if work.action == "update" and work.known is not None:
                # Child rows are replaced as a whole; nothing refers to them.
                for table, row_id in work.known.target_ids:
                    if table not in UNIQUE_TABLES:
                        delete_row(connection, log, table, row_id)
            for row in work.rows:
                by_table[row.table].append((work, row))
        for name in sorted(by_table, key=ORDER.__getitem__):
            if guard is not None:
                guard.clear(table_of(name), by_table[name], ids)
            if name in UNIQUE_TABLES:
                upsert_rows(connection, log, table_of(name), by_table[name], ids, targets)
            else:
                insert_rows(connection, log, table_of(name), by_table[name], ids, targets)
        entries = []
        notes = []
        claimed = {pair: work for work in active for pair in targets[work]}
        for work in active:
            written = tuple(targets[work])
            entry, note = self._finish(connection, log, work, written, claimed, guard)
            log.idmap(idmap.snapshot(work.known), work.entry.key)
            entries.append(entry.as_row(self.run_id, self.now))
            if note is not None:
                notes.append(self._message(work, *note))
        retired = []
        if guard is not None:
            # Withdrawn records whose rows were taken over keep the rest of their rows.
            for before in guard.released({work.entry.key for work in active}):
                log.idmap(idmap.snapshot(before), before.key)
                after = guard.after(before)
                entries.append(after.as_row(self.run_id, self.now))
                if after.status != before.status:
                    retired.append(after)
        log.flush(connection)
        idmap.save(connection, entries)
        insert_many(connection, messages, notes)
        return deferred, retired

    def _finish(
        self,
        connection: Connection,
        log: LoadJournal,
        work: Work,
        written: TargetIds,
        claimed: dict[tuple[str, int], Work],
        guard: SlotGuard | None,
    ) -> tuple[IdMapEntry, tuple[str, str] | None]:
        """Retire what the record no longer has (unless another record has it now); its new
        id-map entry and message."""
        known, entry, action = work.known, work.entry, work.action
        previous = known.target_ids if known is not None else ()
        if guard is not None:
            previous = guard.kept(entry.key, previous)
        status, target_ids, note = "failed", previous, None
        reason: str | None = work.decision.reason or None
        if action in ("create", "update"):
            status = "imported" if action == "create" else "updated"
            target_ids, reason = written, None
            for table, row_id in sorted(previous, key=lambda pair: -ORDER[pair[0]]):
                if table not in UNIQUE_TABLES or (table, row_id) in written:
                    continue
                if not self._handed_on(connection, work, table, row_id, claimed, used=True):
                    retire_row(connection, log, table, row_id, self.now)
        elif action == "unpublish":
            status = "unpublished"
            for table, row_id in previous:
                if table in STATEFUL_TABLES:
                    unpublish_row(connection, log, table, row_id, self.now)
                elif table in WITHDRAWN_CHILD_TABLES:
                    delete_row(connection, log, table, row_id)
            target_ids = tuple(p for p in previous if p[0] not in WITHDRAWN_CHILD_TABLES)
            note = ("info", f"unpublished: {reason}")
        elif action == "delete":
            status, target_ids = "deleted", ()
            for table, row_id in sorted(previous, key=lambda pair: -ORDER[pair[0]]):
                if not self._handed_on(connection, work, table, row_id, claimed, used=False):
                    delete_row(connection, log, table, row_id)
            note = ("info", f"deleted: {reason}")
        elif action == "skip":
            status, target_ids = "skipped", ()
            note = ("info", f"skipped: {reason}")
        else:  # fail at the map stage: the target keeps what it had
            note = ("error", f"mapping failed: {reason}")
        new = IdMapEntry(
            source_system=entry.source_system,
            record_key=entry.record_key,
            kind=entry.kind,
            status=status,
            rows_hash=entry.rows_hash,
            targets_json=idmap.encode_ids(target_ids),
            reason=reason,
            mapping=entry.mapping,
            source_hash=entry.source_hash,
        )
        return new, note

    @staticmethod
    def _handed_on(
        connection: Connection,
        work: Work,
        table: str,
        row_id: int,
        claimed: dict[tuple[str, int], Work],
        *,
        used: bool,
    ) -> bool:
        """Whether a row the record gives up now belongs to another record (one written in
        this batch, or a live one of the id map), or, with ``used``, is still referred to:
        such a row stays (a contact person that another page now names, for one). A record
        giving up a row shared with others must not delete it, nor cascade into their rows."""
        if table not in UNIQUE_TABLES:
            return False  # child rows belong to their record alone
        if claimed.get((table, row_id), work) is not work:
            return True
        owners = idmap.owners_of(connection, table, row_id)
        if any(owner.key != work.entry.key and owner.live for owner in owners):
            return True
        return used and table not in STATEFUL_TABLES and referenced(connection, table, row_id)

    def _message(self, work: Work, level: str, text: str) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "source_system": work.entry.source_system,
            "record_key": work.entry.record_key,
            "kind": work.entry.kind,
            "level": level,
            "message": text,
            "created_at": self.now,
        }

    def record_failures(self, failed: list[tuple[Work, str]]) -> None:
        """Mark failed records in the id map, with an error message each (own transaction)."""
        log = LoadJournal(self.run_id)
        entries, notes = [], []
        for work, message in failed:
            known, entry = work.known, work.entry
            log.idmap(idmap.snapshot(known), entry.key)
            entries.append(
                IdMapEntry(
                    source_system=entry.source_system,
                    record_key=entry.record_key,
                    kind=entry.kind,
                    status="failed",
                    rows_hash=entry.rows_hash,
                    targets_json=known.targets_json if known is not None else "[]",
                    reason=message,
                    mapping=entry.mapping,
                    source_hash=entry.source_hash,
                ).as_row(self.run_id, self.now)
            )
            notes.append(self._message(work, "error", f"{work.action} failed: {message}"))
        try:
            with self.engine.begin() as connection:
                log.flush(connection)
                idmap.save(connection, entries)
                insert_many(connection, messages, notes)
        except DBAPIError as exc:
            raise describe_failure(self.engine.url, exc) from None
