"""Mapping records in worker processes, so that a map pass uses every core.

What one staged record becomes is a function of the record and of what the stage knows
before the pass begins (the mappings, lookups, plan and survey, the personal-data policy and
the members it leaves out): :class:`MapWork` holds all of it, built once in the stage's
process and handed to each worker as it starts. The stage reads the staging stores and sends
the records in batches, as stored (JSON); a worker decodes each, applies the policy, maps it
and encodes its rows and notes (:func:`map_staged`), and returns what the mapped store writes.
The stage takes the batches back in the order it sent them and alone writes the mapped
store, so rows, notes and their order are those of a pass in one process, and resume, kill
safety and the pass's rules stay the stage's.

Workers are started by the ``forkserver`` method (``spawn`` where there is none), never by
forking a process that runs threads. They ignore Ctrl-C and SIGTERM (the stage stops cleanly
after the batch in hand and still needs them for it) and end by themselves when the stage's
process is gone (a killed map leaves no orphans; :mod:`transfer.workers`). A pass of few
records, and ``workers`` of 0 or 1, maps in the stage's own process by the same function.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import forkserver

from transfer.errors import MappingError
from transfer.mappers.context import Context, MapContext, MapNotes
from transfer.mappers.mapping import Mapping, mappings_for
from transfer.mappers.paths import resolve
from transfer.mappers.plan import StagePlan
from transfer.mappers.rows import map_one
from transfer.privacy.policy import PersonalData, is_excluded
from transfer.records import SourceRecord
from transfer.stores.mapped import EncodedRecord, MappedRecord, encode_notes, encode_record
from transfer.workers import Pool, context, follow_owner

#: Added to member records: whether the personal-data policy changed (masked, hashed or
#: dropped) any of the member's fields in this target environment.
MASKED_FIELD = "_masked"
#: Why the policy leaves a member (and its memberships) out.
INACTIVE = "inactive member left out by the personal-data policy"
#: Records a pass must have to be worth starting workers for (each imports the package).
POOL_MIN_RECORDS = 2000
#: What the fork server imports once for every worker it forks: the command line (a
#: worker runs the ``transfer`` script's imports again) and what mapping a record needs.
PRELOAD = ("transfer.cli", "transfer.mappers.pool", "transfer.mappers.processors")

#: One staged record to map: its source and its stored JSON.
Staged = tuple[str, str]
#: What a record became: as the store writes it, its notes encoded, and its status.
Mapped = tuple[EncodedRecord, str | None]


def default_workers() -> int:
    """One mapping process per core."""
    return os.cpu_count() or 1


def police(personal: PersonalData, record: SourceRecord) -> SourceRecord:
    """``record`` as the policy leaves it (members also get ``fields._masked``, for
    ``members.is_masked``)."""
    policed = personal.apply(record)
    if record.kind == "member":
        fields = {**policed.fields, MASKED_FIELD: policed.fields != record.fields}
        policed = replace(policed, fields=fields)
    return policed


@dataclass
class MapWork:
    """Everything a record's mapping reads besides the record itself (see the module
    docstring); ``members`` are the ids of members the policy leaves out."""

    mappings: list[Mapping]
    context: MapContext
    plan: StagePlan
    excluded: dict[tuple[str, str], str]
    personal: PersonalData | None = None
    members: set[str] = field(default_factory=set)


def map_staged(work: MapWork, source: str, text: str) -> Mapped:
    """What the staged record ``text`` of ``source`` becomes, ready for the mapped store:
    the policy applied to partnership records, skipped when the policy or an ``exclude:``
    rule leaves it out, else mapped (:func:`~transfer.mappers.rows.map_one`)."""
    staged = record = SourceRecord.from_json(text)
    excluded: str | None = None
    if source == "partnership" and work.personal is not None:
        if is_excluded(staged, work.members):
            excluded = INACTIVE
        record = police(work.personal, staged)
    rule = work.excluded.get((record.source, record.key))
    if rule is not None and excluded is None:
        excluded = f"excluded by rule: {rule}"
    if excluded is not None:
        skipped = MappedRecord(
            record.source,
            record.key,
            record.kind,
            "skipped",
            reason=excluded,
            source_hash=record.record_hash,
        )
        return encode_record(skipped), None
    context = work.context
    context.report = MapNotes()  # this record's notes alone
    mapped = map_one(
        record, mappings_for(work.mappings, record.source, record.kind), context, work.plan
    )
    if staged is not record:
        _attribute_losses(context.report, staged, record)
    return encode_record(mapped), encode_notes(context.report.notes())


def _attribute_losses(report: MapNotes, staged: SourceRecord, shown: SourceRecord) -> None:
    """A value lost because the personal-data policy masked or dropped it is declared by
    the policy: say so on the loss."""
    for index, lost in enumerate(report.lost):
        before = resolve(lost.path, Context(staged, {}, MapContext()))
        after = resolve(lost.path, Context(shown, {}, MapContext()))
        if before != after:
            report.lost[index] = replace(lost, cause="personal-data policy")


def map_batch(work: MapWork, batch: list[Staged]) -> list[Mapped]:
    return [map_staged(work, source, text) for source, text in batch]


# worker processes -------------------------------------------------------------------------
_work: MapWork | None = None  # a worker's own copy (set by _start_worker)


def _start_worker(work: MapWork, parent: int) -> None:
    global _work
    _work = work
    follow_owner(parent, "map-watch")


def _in_worker(batch: list[Staged]) -> tuple[list[Mapped], float]:
    """In a worker: the batch's results and the CPU seconds they took."""
    assert _work is not None, "the worker was not initialised"
    started = time.process_time()
    mapped = map_batch(_work, batch)
    return mapped, time.process_time() - started


def start_early(workers: int) -> None:
    """Start the fork server now, importing :data:`PRELOAD` (on another core, while the
    stage surveys and plans), so that workers forked from it later start at once. Nothing
    when there will be no workers, or when a fork server runs already (its imports stay)."""
    started = context()
    if workers < 2 or not isinstance(started, multiprocessing.context.ForkServerContext):
        return
    started.set_forkserver_preload(list(PRELOAD))
    forkserver.ensure_running()


class MapPool(Pool):
    """Maps batches of staged records in ``workers`` processes (in this one when there are
    fewer than two), giving the results back in the order the batches were sent."""

    def __init__(self, work: MapWork, workers: int) -> None:
        self.work = work
        self.workers = workers if workers > 1 else 0
        self._executor = (
            ProcessPoolExecutor(
                self.workers,
                mp_context=context(),
                initializer=_start_worker,
                initargs=(work, os.getpid()),
            )
            if self.workers
            else None
        )
        #: CPU seconds the workers spent mapping (this process's own not included)
        self.cpu_s = 0.0

    def map(self, batches: Iterable[list[Staged]]) -> Generator[list[Mapped], None, None]:
        """The results of ``batches``, batch by batch in their order. At most two batches a
        worker are in flight, so memory stays bounded; batches not yet taken when the
        caller stops are dropped (the pass maps them when it resumes)."""
        if self._executor is None:
            for batch in batches:
                yield map_batch(self.work, batch)
            return
        pending: deque[Future[tuple[list[Mapped], float]]] = deque()
        try:
            for batch in batches:
                pending.append(self._executor.submit(_in_worker, batch))
                if len(pending) >= 2 * self.workers:
                    yield self._taken(pending.popleft())
            while pending:
                yield self._taken(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    def _taken(self, future: Future[tuple[list[Mapped], float]]) -> list[Mapped]:
        try:
            mapped, cpu_s = future.result()
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
            raise MappingError(
                "a mapping process ended while mapping a batch of records",
                where="the map stage's worker processes",
                next_step="run `transfer map` again: the pass resumes after the batches "
                "already written (`map.workers = 0` maps in one process)",
            ) from exc
        self.cpu_s += cpu_s
        return mapped

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
